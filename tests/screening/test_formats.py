"""The list file layouts: Masar's CSV and the FollowTheMoney simple CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masar.screening.formats import (
    WatchlistFileError,
    read_people,
    read_watchlist,
    split_multi,
)
from tests.screening.factories import ftm_csv, masar_csv

pytestmark = pytest.mark.usefixtures("english")


def parse(content: bytes, fmt: str = "masar"):
    return read_watchlist(io.StringIO(content.decode("utf-8")), fmt)


def test_masar_rows_with_every_column():
    parsed = parse(
        masar_csv(
            [
                {
                    "id": "MOI-1",
                    "name": "Abd al-Rahman Hussein Al-Dosari",
                    "aliases": ["عبد الرحمن حسين الدوسري", "Abdulrahman Husain Dosari"],
                    "birth_date": ["1975", "1976-02"],
                    "nationality": ["IQ", "SAU"],
                    "document_numbers": ["IRQ:A1234567"],
                    "reason": " Forged documents ",
                    "source": "MOI",
                    "valid_from": "2024-01-01",
                    "valid_until": "2030-12-31",
                }
            ]
        )
    )
    assert (parsed.ok, parsed.rows, parsed.skipped) == (True, 1, 0)
    [entry] = parsed.entries
    assert entry.external_id == "MOI-1"
    assert entry.names == [
        "Abd al-Rahman Hussein Al-Dosari",
        "عبد الرحمن حسين الدوسري",
        "Abdulrahman Husain Dosari",
    ]
    assert entry.birth_dates == ["1975", "1976-02"]
    assert entry.nationalities == ["IRQ", "SAU"]
    assert entry.document_numbers == ["IRQ:A1234567"]
    assert (entry.reason, entry.source) == ("Forged documents", "MOI")
    assert (entry.valid_from, entry.valid_until) == (dt.date(2024, 1, 1), dt.date(2030, 12, 31))


def test_masar_errors_name_the_line_and_the_field():
    parsed = parse(
        masar_csv(
            [
                {"id": "A", "name": "Good Person"},
                {"id": "", "name": "No Id"},
                {"id": "B", "name": ""},
                {"id": "A", "name": "Twice"},
                {"id": "C", "name": "Bad Date", "birth_date": "14/03/1985"},
                {"id": "D", "name": "Bad Country", "nationality": "Atlantis"},
                {
                    "id": "E",
                    "name": "Backwards",
                    "valid_from": "2025-01-01",
                    "valid_until": "2024-01-01",
                },
            ]
        )
    )
    assert not parsed.ok
    assert [(p.row, p.field) for p in parsed.problems] == [
        (3, "id"),
        (4, "name"),
        (5, "id"),
        (6, "birth_date"),
        (7, "nationality"),
        (8, "valid_until"),
    ]
    assert parsed.problems[2].message == "The id 'A' appears twice in the file."
    assert [e.external_id for e in parsed.entries] == ["A"]


def test_ftm_persons_are_read_and_other_schemas_skipped():
    content = ftm_csv(
        [
            {
                "id": "NK-abc123",
                "schema": "Person",
                "name": "Ali Hassan Al-Majid",
                "aliases": ["Ali Hasan al-Majid", "علي حسن المجيد", "Chemical Ali; the elder"],
                "birth_date": ["1941", "1941-11-30"],
                "countries": ["iq"],
                "identifiers": ["A123"],
                "sanctions": ["UN SC 1483 - Iraq", "EU 2003/495"],
                "dataset": ["UN Security Council Sanctions"],
            },
            {"id": "NK-co", "schema": "Company", "name": "Some Trading LLC"},
            {"id": "NK-vessel", "schema": "Vessel", "name": "SEA STAR"},
        ],
        extra_columns=("addresses", "phones", "emails", "first_seen", "last_seen"),
    )
    parsed = parse(content, "ftm")
    assert (parsed.ok, parsed.rows, parsed.skipped, parsed.warning_count) == (True, 3, 2, 0)
    [entry] = parsed.entries
    assert entry.names[0] == "Ali Hassan Al-Majid"
    # the exporter sorts the values and quotes one holding a ";"
    assert sorted(entry.names[1:]) == sorted(
        ["Ali Hasan al-Majid", "علي حسن المجيد", "Chemical Ali; the elder"]
    )
    assert entry.birth_dates == ["1941", "1941-11-30"]
    assert entry.nationalities == ["IRQ"]
    assert entry.reason == "EU 2003/495 | UN SC 1483 - Iraq"
    assert entry.source == "UN Security Council Sanctions"


def test_ftm_drops_values_public_data_gets_wrong_with_a_warning():
    parsed = parse(
        ftm_csv(
            [
                {
                    "id": "x1",
                    "schema": "Person",
                    "name": "Omar Said",
                    "birth_date": ["1960-13-45", "1960"],
                    "countries": ["suhh", "ly"],
                }
            ]
        ),
        "ftm",
    )
    assert (parsed.ok, parsed.error_count, parsed.warning_count) == (True, 0, 2)
    assert parsed.entries[0].birth_dates == ["1960"]
    assert parsed.entries[0].nationalities == ["LBY"]
    assert {p.severity for p in parsed.problems} == {"warning"}


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        (b"", "masar", "empty"),
        (b"name,birth_date\nA,1970\n", "masar", "needs the column(s) id"),
        (b"id,name\n1,x\n", "ftm", "needs the column(s) schema"),
        ("id,name\n1,Ali\n".encode("utf-16"), "masar", "UTF-8"),
    ],
)
def test_a_file_that_is_not_a_list_is_refused_as_a_whole(content, fmt, message):
    from masar.screening.formats import text_stream

    with pytest.raises(WatchlistFileError, match=re.escape(message)):
        read_watchlist(text_stream(io.BytesIO(content)), fmt)


def test_the_header_may_carry_a_bom_and_any_case():
    parsed = read_watchlist(io.StringIO("\ufeffID,Name\nk1,Yusuf Ali\n"), "masar")
    assert [(e.external_id, e.names) for e in parsed.entries] == [("k1", ["Yusuf Ali"])]


values = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=12,
    ).filter(lambda v: v.strip() and " ".join(v.split()) == v),
    max_size=5,
    unique=True,
)


@given(values)
def test_split_multi_reads_what_the_exporter_writes(items):
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="", quoting=csv.QUOTE_MINIMAL).writerow(items)
    assert split_multi(out.getvalue()) == items


def test_check_input_rows_are_checked_one_by_one():
    rows = list(
        read_people(
            io.StringIO("id,name,birth_date,nationality\n1,Ali Khan,1980,pk\n2,,1980,\n3,X,80,\n")
        )
    )
    assert rows[0][1] is not None and rows[0][1].nationality == "PAK"
    assert [(line, [p.field for p in problems]) for line, _, problems in rows[1:]] == [
        (3, ["name"]),
        (4, ["birth_date"]),
    ]
