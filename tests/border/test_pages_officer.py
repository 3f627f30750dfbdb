"""The border officer's screen: who may use it, the verdict for a scanned MRZ, a seal or a
typed passport, the one-key record (idempotent on the client event id generated with the
verdict) and the refusals."""

from __future__ import annotations

import html
import io
import re
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from masar.applications.models import Application
from masar.border.forms import scan_input
from masar.border.models import Crossing, PortAssignment, Stay
from tests.applications.factories import pilgrim_values
from tests.border.test_lists import make_port
from tests.visas import conftest as visas_fixtures

pytestmark = pytest.mark.django_db

# The visas tests' fixtures: a season open today, a group with quotas, signing keys and
# applications brought to an issued visa through the services.
_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
make_draft = visas_fixtures.make_draft
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued

HX = {"HTTP_HX_REQUEST": "true"}
ENDPOINTS = ("border:officer", "border:officer_check", "border:officer_record")


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def jed(db: Any) -> Any:
    return make_port("JED", "Jeddah")


@pytest.fixture
def officer(border_officer: Any, jed: Any) -> Any:
    PortAssignment.objects.create(user=border_officer, port=jed)
    return border_officer


def _check(client: Client, scan: str, direction: str = "entry", port: str = "JED") -> Any:
    return client.post(
        reverse("border:officer_check"),
        {"scan": scan, "direction": direction, "port": port},
        **HX,
    )


def _record_fields(response: Any) -> dict[str, str]:
    """The hidden fields of the record form the verdict carries."""
    body = response.content.decode()
    form = body[body.index('id="record-form"') :]
    found = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    return {name: html.unescape(value) for name, value in found}


# --- Who may use it ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ENDPOINTS)
def test_anonymous_visitors_are_sent_to_sign_in(name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "who", ["security_analyst", "licensing_officer", "visa_officer", "company_staff", "agent_staff"]
)
def test_only_border_officers_use_the_screen(who: str, request: Any, jed: Any) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("border:officer")).status_code == 403
    assert _check(client, "IDN C1234567").status_code == 403
    response = client.post(
        reverse("border:officer_record"),
        {"scan": "IDN C1234567", "direction": "entry", "port": "JED", "client_event_id": "x" * 32},
    )
    assert response.status_code == 403
    assert Crossing.objects.count() == 0


def test_an_officer_not_posted_is_told_so(border_officer: Any, jed: Any) -> None:
    response = client_for(border_officer).get(reverse("border:officer"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "You are not posted at a port" in body
    assert 'id="check-form"' not in body


def test_the_screen_shows_the_post_the_keys_and_a_live_verdict_region(officer: Any) -> None:
    response = client_for(officer).get(reverse("border:officer"))
    body = response.content.decode()
    assert "JED · Jeddah airport" in body
    assert 'name="port" value="JED"' in body
    assert 'aria-live="assertive"' in body
    assert "<kbd>Esc</kbd>" in body and "Alt</kbd>+<kbd>E" in body
    assert 'src="/static/border/border.js"' in body
    assert "<script>" not in body  # no inline script under the CSP


# --- Check and record -------------------------------------------------------------------------


def test_an_issued_visa_is_allowed_and_recorded_once(officer: Any, issued: Any) -> None:
    visa = issued()
    pilgrim = visa.application.pilgrim
    client = client_for(officer)
    response = _check(client, pilgrim.mrz.replace("\n", "\r\n") + "\r\n")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-verdict="allowed"' in body
    assert "Entry allowed" in body
    assert pilgrim.full_name in body and pilgrim.native_name in body
    assert visa.number in body
    verdict = response.context["verdict"]
    assert verdict.allowed is True and verdict.reasons == []
    assert f'data-permitted-departure="{verdict.permitted_departure.isoformat()}"' in body
    assert Crossing.objects.count() == 0  # a check writes nothing

    fields = _record_fields(response)
    assert set(fields) == {"csrfmiddlewaretoken", "client_event_id", "direction", "port", "scan"}
    assert len(fields["client_event_id"]) == 32
    fields.pop("csrfmiddlewaretoken")
    recorded = client.post(reverse("border:officer_record"), fields, **HX)
    assert recorded.status_code == 200
    assert "Entry recorded" in recorded.content.decode()
    crossing = Crossing.objects.get()
    assert (crossing.client_event_id, crossing.direction, crossing.outcome) == (
        fields["client_event_id"],
        "entry",
        "accepted",
    )
    assert (crossing.port.code, crossing.recorded_by, crossing.source) == (
        "JED",
        officer,
        "officer",
    )
    stay = Stay.objects.get()
    assert stay.permitted_departure == verdict.permitted_departure
    assert Application.objects.get(pk=visa.application_id).status == "entered"

    # the key pressed again: the same answer, nothing new
    again = client.post(reverse("border:officer_record"), fields, **HX)
    assert again.status_code == 200
    assert "Already recorded" in again.content.decode()
    assert Crossing.objects.count() == 1 and Stay.objects.count() == 1


def test_a_second_entry_is_refused_with_its_reason(officer: Any, issued: Any) -> None:
    visa = issued()
    client = client_for(officer)
    first = _check(client, visa.application.pilgrim.mrz)
    client.post(
        reverse("border:officer_record"),
        {k: v for k, v in _record_fields(first).items() if k != "csrfmiddlewaretoken"},
        **HX,
    )
    second = _check(client, visa.application.pilgrim.mrz)
    body = second.content.decode()
    assert 'data-verdict="refused"' in body
    assert "Entry refused" in body
    assert second.context["verdict"].reasons == [
        ("already_inside", "The pilgrim is already inside the kingdom.")
    ]


def test_no_visa_is_refused_and_the_refusal_recorded(officer: Any, season: Any) -> None:
    mrz = pilgrim_values(passport_number="C9999999")["mrz"]
    client = client_for(officer)
    response = _check(client, mrz)
    body = response.content.decode()
    assert 'data-verdict="refused"' in body
    assert '<li data-code="no_visa">No visa was found for this passport or seal.</li>' in body
    assert "Record the refusal" in body
    fields = {k: v for k, v in _record_fields(response).items() if k != "csrfmiddlewaretoken"}
    recorded = client.post(reverse("border:officer_record"), fields, **HX)
    assert "Refusal recorded" in recorded.content.decode()
    crossing = Crossing.objects.get()
    assert (crossing.outcome, crossing.refusal_code, crossing.passport_number) == (
        "refused",
        "no_visa",
        "C9999999",
    )
    assert Stay.objects.count() == 0


def test_the_seal_and_a_typed_passport_find_the_visa(officer: Any, issued: Any) -> None:
    visa = issued()
    client = client_for(officer)
    by_seal = _check(client, bytes(visa.seal).hex())
    assert by_seal.context["verdict"].allowed is True
    assert by_seal.context["verdict"].visa.pk == visa.pk
    pilgrim = visa.application.pilgrim
    typed = _check(client, f"{pilgrim.nationality} {pilgrim.passport_number}")
    assert typed.context["verdict"].allowed is True
    assert typed.context["verdict"].visa.pk == visa.pk


def test_a_tampered_seal_is_refused(officer: Any, issued: Any) -> None:
    visa = issued()
    seal = bytearray(bytes(visa.seal))
    seal[-3] ^= 0xFF
    response = _check(client_for(officer), seal.hex())
    assert [code for code, _ in response.context["verdict"].reasons] == ["seal_invalid"]


def test_the_exit_shows_the_days_stayed(officer: Any, issued: Any) -> None:
    visa = issued()
    client = client_for(officer)
    entry = _check(client, visa.application.pilgrim.mrz)
    client.post(
        reverse("border:officer_record"),
        {k: v for k, v in _record_fields(entry).items() if k != "csrfmiddlewaretoken"},
        **HX,
    )
    leaving = _check(client, visa.application.pilgrim.mrz, direction="exit")
    verdict = leaving.context["verdict"]
    assert verdict.allowed is True
    assert verdict.days_stayed is not None and verdict.overstay_days == 0
    body = leaving.content.decode()
    assert "Exit allowed" in body
    assert f'data-days-stayed="{verdict.days_stayed}"' in body
    assert "Record the exit" in body


def test_the_photo_is_shown_inline(officer: Any, issued: Any) -> None:
    visa = issued()
    pilgrim = visa.application.pilgrim
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    pilgrim.photo.save("p.png", SimpleUploadedFile("p.png", io.BytesIO(png).read()), save=True)
    body = _check(client_for(officer), pilgrim.mrz).content.decode()
    assert 'class="photo" src="data:image/png;base64,' in body
    assert f'alt="Photo of {pilgrim.full_name}"' in body


def test_a_port_the_officer_is_not_posted_to_is_refused(officer: Any, issued: Any) -> None:
    make_port("MED", "Madinah")
    visa = issued()
    client = client_for(officer)
    response = _check(client, visa.application.pilgrim.mrz, port="MED")
    assert response.status_code == 200  # htmx swaps only 2xx: the error is in the partial
    assert 'data-verdict="error"' in response.content.decode()
    response = client.post(
        reverse("border:officer_record"),
        {
            "scan": visa.application.pilgrim.mrz,
            "direction": "entry",
            "port": "MED",
            "client_event_id": "a" * 32,
        },
    )
    assert response.status_code == 400
    assert Crossing.objects.count() == 0


def test_an_empty_scan_is_an_error_and_nothing_is_written(officer: Any) -> None:
    response = client_for(officer).post(
        reverse("border:officer_check"), {"scan": "  ", "direction": "entry", "port": "JED"}
    )
    assert response.status_code == 400
    assert "Scan or type the passport or the visa seal." in response.content.decode()
    assert Crossing.objects.count() == 0


def test_without_htmx_the_whole_page_answers(officer: Any, issued: Any) -> None:
    visa = issued()
    client = client_for(officer)
    response = client.post(
        reverse("border:officer_check"),
        {"scan": visa.application.pilgrim.mrz, "direction": "entry", "port": "JED"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Border check</h1>" in body and "Entry allowed" in body
    fields = {k: v for k, v in _record_fields(response).items() if k != "csrfmiddlewaretoken"}
    recorded = client.post(reverse("border:officer_record"), fields)
    assert recorded.status_code == 200
    assert "Entry recorded" in recorded.content.decode()
    assert Crossing.objects.count() == 1


def test_the_direction_and_port_are_remembered_for_the_shift(officer: Any, issued: Any) -> None:
    visa = issued()
    client = client_for(officer)
    _check(client, visa.application.pilgrim.mrz, direction="exit")
    page = client.get(reverse("border:officer"))
    assert page.context["form"]["direction"].value() == "exit"


def test_the_screen_in_arabic(officer: Any, issued: Any) -> None:
    visa = issued()
    client = client_for(officer, language="ar")
    page = client.get(reverse("border:officer")).content.decode()
    assert 'dir="rtl"' in page and "التحقق عند المنفذ" in page
    verdict = _check(client, visa.application.pilgrim.mrz).content.decode()
    assert "الدخول مسموح" in verdict


def test_the_check_answers_within_a_second_in_a_fixed_number_of_queries(
    officer: Any, issued: Any
) -> None:
    visa = issued()
    client = client_for(officer)
    _check(client, visa.application.pilgrim.mrz)  # warm up (templates, catalogues)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = _check(client, visa.application.pilgrim.mrz)
        elapsed = time.perf_counter() - started
    assert response.context["verdict"].allowed is True
    # session, user, organization, roles, posting, port, visa, rules, crossings, stay, portrait
    assert len(queries) == 11
    assert elapsed < 1.0


# --- Reading the single input -----------------------------------------------------------------


def test_scan_input_tells_an_mrz_from_a_seal_and_a_typed_passport() -> None:
    line1, line2 = "P<IDNRAHMAN<<SITI<NUR" + "<" * 23, "C1234567<8IDN8503143F2901017" + "<" * 16
    scanned = scan_input(f"{line1}\r\n{line2}\r\n")
    assert (scanned.kind, scanned.passport_mrz) == ("mrz", f"{line1}\n{line2}")
    assert scan_input(f"{line1.lower()} {line2}").passport_mrz == f"{line1}\n{line2}"
    typed = scan_input(" idn c1234567 ")
    assert (typed.kind, typed.nationality, typed.passport_number) == ("passport", "IDN", "C1234567")
    assert scan_input("IDN/C1234567").passport_number == "C1234567"
    seal = scan_input("dc03d9c4...\n")
    assert (seal.kind, seal.seal) == ("seal", "dc03d9c4...")
    # a line of 44 alone is not an MRZ: passed on as a seal, for the check to refuse
    assert scan_input(line1).kind == "seal"


_MRZ_ALPHABET = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
_SEPARATORS = st.sampled_from(["\n", "\r\n", "\r", " ", "\n\n", "\t", ""])


@given(
    line1=st.text(_MRZ_ALPHABET, min_size=44, max_size=44),
    line2=st.text(_MRZ_ALPHABET, min_size=44, max_size=44),
    between=_SEPARATORS,
    after=_SEPARATORS,
    lower=st.booleans(),
)
def test_any_two_mrz_lines_read_as_the_mrz(
    line1: str, line2: str, between: str, after: str, lower: bool
) -> None:
    raw = f"{line1}{between}{line2}{after}"
    scanned = scan_input(raw.lower() if lower else raw)
    assert scanned.kind == "mrz"
    assert scanned.passport_mrz == f"{line1}\n{line2}"


@given(
    nationality=st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=3, max_size=3),
    number=st.text(_MRZ_ALPHABET.filter(lambda c: c != "<"), min_size=1, max_size=9),
    separator=st.sampled_from([" ", "  ", "/", ":", "-", " / "]),
)
def test_a_typed_passport_reads_as_nationality_and_number(
    nationality: str, number: str, separator: str
) -> None:
    scanned = scan_input(f" {nationality.lower()}{separator}{number} ")
    assert (scanned.kind, scanned.nationality, scanned.passport_number) == (
        "passport",
        nationality,
        number,
    )


# --- Input that is not a document -------------------------------------------------------------


@pytest.mark.parametrize("garbage", ["hello world", "VISA", "P<IDN" + "<" * 83])
def test_unreadable_input_asks_for_another_scan_and_offers_no_refusal(
    officer: Any, garbage: str
) -> None:
    response = _check(client_for(officer), garbage)
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps the answer in
    assert 'data-verdict="not-read"' in body
    assert "Not read: scan again" in body
    assert 'id="record-form"' not in body and "Record the refusal" not in body
    assert "verdict" not in response.context or response.context.get("verdict") is None
    assert Crossing.objects.count() == 0


def test_unreadable_input_without_htmx_keeps_the_scan_and_its_focus(officer: Any) -> None:
    response = client_for(officer).post(
        reverse("border:officer_check"),
        {"scan": "hello world", "direction": "entry", "port": "JED"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "data-not-read" in body and 'id="record-form"' not in body
    scan_field = body[body.index('<textarea name="scan"') :]
    assert scan_field.index("autofocus") < scan_field.index(">hello world</textarea>")
    assert Crossing.objects.count() == 0


def test_a_refusal_is_never_recorded_for_unreadable_input(officer: Any) -> None:
    response = client_for(officer).post(
        reverse("border:officer_record"),
        {
            "scan": "hello world",
            "direction": "entry",
            "port": "JED",
            "client_event_id": "abcdef0123456789",
        },
        **HX,
    )
    assert "Not read: scan the passport or the visa seal again." in response.content.decode()
    assert Crossing.objects.count() == 0


def test_a_seal_that_reads_but_is_forged_is_still_a_refusal_to_record(
    officer: Any, issued: Any
) -> None:
    visa = issued()
    seal = bytearray(bytes(visa.seal))
    seal[-3] ^= 0xFF
    response = _check(client_for(officer), seal.hex())
    assert 'data-verdict="refused"' in response.content.decode()
    assert "Record the refusal" in response.content.decode()
