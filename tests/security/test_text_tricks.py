"""Invisible characters and look-alike letters never hide a listed name: names are
normalised (NFKC, zero-width and bidi controls removed) before they are screened and
stored, Cyrillic and Greek look-alikes are read as Latin for matching, and a right-to-left
override in a name is rendered isolated."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masar.applications.pilgrim_input import pilgrim_input_clean
from masar.core.dates import riyadh_today
from masar.core.text import BIDI_CONTROLS, invisible_characters, name_skeleton, text_clean
from masar.screening.formats import read_watchlist
from masar.screening.services.findings import active_watchlists, watchlist_findings
from tests.applications.factories import pilgrim_values
from tests.screening.conftest import (  # noqa: F401 - fixtures
    _fresh_index_cache,
    _media,
    group,
    make_draft,
    quotas,
    season,
)
from tests.screening.conftest import in_screening as in_screening_fixture
from tests.screening.factories import make_watchlist, masar_csv
from tests.screening.test_screening_task import OTHERS, SITI

pytestmark = pytest.mark.django_db
in_screening = in_screening_fixture

MATCH = "/api/v1/screening/match/"
LISTED = ["Siti Nur Rahman", "سيتي نور رحمن", "Mohammed Ahmed Ali", "Muhammad Usman Khan"]
INVISIBLE = sorted(invisible_characters())
# Latin letters and a Cyrillic or Greek letter drawn the same.
LOOK_ALIKES = {"a": "а", "e": "е", "o": "о", "i": "і", "c": "с", "p": "р", "M": "М", "A": "Α"}


@pytest.fixture
def listed(db: Any) -> Any:
    return make_watchlist([SITI, *OTHERS])


def _best(name: str) -> float:
    screen = watchlist_findings(
        names=[name],
        birth_date=None,
        nationality=None,
        watchlists=active_watchlists(),
        today=riyadh_today(),
        threshold=50,
    )
    return max((f.score for f in screen.findings), default=0.0)


def _hidden(name: str, inserts: list[tuple[int, str]]) -> str:
    out = name
    for position, char in inserts:
        at = position % (len(out) + 1)
        out = out[:at] + char + out[at:]
    return out


_INSERTS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from(INVISIBLE)),
    min_size=1,
    max_size=4,
)
# The API refuses a NUL character outright (400, tested below); every other one is read.
_API_INSERTS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40),
        st.sampled_from([c for c in INVISIBLE if c != "\x00"]),
    ),
    min_size=1,
    max_size=4,
)


def test_the_invisible_characters_include_zero_width_and_bidi_controls() -> None:
    expected = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f"}
    assert expected | BIDI_CONTROLS <= set(INVISIBLE)
    assert not {" ", "a", "ا", "\u064e"} & set(INVISIBLE)  # letters and harakat stay


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(LISTED), inserts=_INSERTS)
def test_an_invisible_character_never_lowers_the_best_score_of_the_service(
    listed: Any, name: str, inserts: list[tuple[int, str]]
) -> None:
    assert _best(name) == 100.0
    assert _best(_hidden(name, inserts)) >= _best(name)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(LISTED), inserts=_API_INSERTS)
def test_an_invisible_character_never_lowers_the_best_score_of_the_match_api(
    api: Any, security_analyst: Any, listed: Any, name: str, inserts: list[tuple[int, str]]
) -> None:
    def best(query: str) -> float:
        response = api(security_analyst).post(MATCH, {"name": query}, format="json")
        assert response.status_code == 200, response.content
        return max((hit["score"] for hit in response.json()["hits"]), default=0.0)

    assert best(_hidden(name, inserts)) >= best(name) == 100.0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["Siti Nur Rahman", "Mohammed Ahmed Ali", "Muhammad Usman Khan"]),
    swaps=st.sets(st.integers(min_value=0, max_value=30), min_size=1, max_size=8),
)
def test_look_alike_letters_do_not_hide_a_listed_name(
    listed: Any, name: str, swaps: set[int]
) -> None:
    disguised = "".join(LOOK_ALIKES.get(c, c) if i in swaps else c for i, c in enumerate(name))

    assert _best(disguised) == 100.0


def test_the_reported_disguises_are_hits_on_the_match_api(
    api: Any, security_analyst: Any, listed: Any
) -> None:
    nul = api(security_analyst).post(MATCH, {"name": "Siti\x00 Nur"}, format="json")
    assert (nul.status_code, nul.json()["code"]) == (400, "validation_error")
    for disguised in (
        "Si\u200bti N\u200dur Ra\u2060hman",  # zero-width space, joiner, word joiner
        "Ѕіtі Nur Rаhmаn",  # Cyrillic look-alikes
        "Siti \u202eNur\u202c Rahman",  # right-to-left override
    ):
        response = api(security_analyst).post(MATCH, {"name": disguised}, format="json")
        hits = response.json()["hits"]
        assert (hits[0]["entry_id"], hits[0]["score"]) == ("MOI-1", 100.0), disguised


def test_a_genuinely_cyrillic_or_greek_name_is_left_alone() -> None:
    assert name_skeleton("Мухаммед Алиев") == "Мухаммед Алиев"
    assert name_skeleton("Оѕаmа") == "Osama"  # only look-alikes: read as Latin
    assert name_skeleton("Ali\u200b Hasаn") == "Ali Hasan"  # mixed with Latin: folded


def test_stored_names_are_cleaned() -> None:
    assert text_clean("Siti\u200b Nur\u00a0\u202eRahman\u202c") == "Siti Nur Rahman"
    assert text_clean("ﺳﻴﺘﻲ") == "سيتي"  # NFKC: presentation forms
    assert text_clean("e\u200b\u0301") == "é"  # the accent composes once the space is out

    values = pilgrim_values()
    values.update(
        surname="Rah\u200bman", given_names="Siti\u202e Nur", native_name="سيتي\u200f نور رحمن"
    )

    data, failures = pilgrim_input_clean(values, today=riyadh_today())

    assert failures == []
    assert data is not None
    assert (data.surname, data.given_names, data.native_name) == (
        "Rahman",
        "Siti Nur",
        "سيتي نور رحمن",
    )


def test_watchlist_names_are_stored_cleaned() -> None:
    import io

    rows = [{"id": "X-1", "name": "Osa\u200bma\u202e Kh", "aliases": ["\u200b", "Abu\u2066 X"]}]
    parsed = read_watchlist(io.StringIO(masar_csv(rows).decode()), "masar")

    assert [entry.names for entry in parsed.entries] == [["Osama Kh", "Abu X"]]


def test_a_right_to_left_override_is_rendered_isolated() -> None:
    html = Template("{% load masar %}<td>{{ name|isolated }} 2026</td>").render(
        Context({"name": "Ali \u202eHassan<b>"})
    )

    assert html == "<td><bdi>Ali \u202eHassan&lt;b&gt;</bdi> 2026</td>"


def test_the_review_page_isolates_the_applicants_names(
    client: Any, security_analyst: Any, in_screening: Any, listed: Any
) -> None:
    from masar.applications.models import Pilgrim
    from masar.screening.models import Review
    from masar.screening.tasks import screen_application

    app = in_screening()
    screen_application.call(application_id=app.pk)
    review = Review.objects.get(application=app)
    # A name written before names were cleaned on the way in.
    Pilgrim.objects.filter(pk=app.pilgrim_id).update(native_name="سيتي \u202eنور")
    client.force_login(security_analyst)

    html = client.get(f"/screening/reviews/{review.pk}/").content.decode()

    assert "<bdi>سيتي \u202eنور</bdi>" in html
