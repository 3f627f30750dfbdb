"""The scoped reads behind the border lists (masar.border.lists): who sees which stays and
overstays, the filters and groupings, the "due to leave" window's boundaries and the CSV
rows. Stays are built directly (the crossing services are tested elsewhere).

The builders here (`make_port`, `make_stay`, `make_overstay`) are also used by the page
tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from masar.border import lists
from masar.border.models import (
    Crossing,
    CrossingOutcome,
    Direction,
    EscapeNotice,
    Overstay,
    OverstayStatus,
    Port,
    Stay,
)
from masar.core.dates import riyadh_today
from masar.visas.models import Visa
from tests.applications.factories import ApplicationFactory, GroupFactory, PilgrimFactory
from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db

RIYADH = dt.timezone(dt.timedelta(hours=3))
_visa_numbers = iter(range(10_000_000, 99_999_999))


def make_port(code: str = "JED", city: str = "Jeddah", **extra: Any) -> Port:
    port, _ = Port.objects.get_or_create(
        code=code,
        defaults={
            "name_en": f"{city} airport",
            "name_ar": f"مطار {code}",
            "port_type": extra.pop("port_type", "air"),
            "city": city,
            **extra,
        },
    )
    return port


def make_stay(
    *,
    season: Any,
    company: Any,
    agent: Any,
    permitted_departure: dt.date,
    entered_at: dt.datetime | None = None,
    port: Port | None = None,
    nationality: str = "IDN",
    exited_at: dt.datetime | None = None,
    **pilgrim: Any,
) -> Stay:
    """An accepted entry (a crossing and its stay) of an application with a visa."""
    port = port or make_port()
    entered_at = entered_at or timezone.now() - dt.timedelta(days=2)
    group = GroupFactory(season=season, company=company, agent=agent)
    person = PilgrimFactory(agent=agent, nationality=nationality, **pilgrim)
    app = ApplicationFactory(
        group=group, pilgrim=person, status="departed" if exited_at else "entered"
    )
    visa = Visa.objects.create(
        number=f"{next(_visa_numbers)}",
        application=app,
        season=season,
        company=company,
        agent=agent,
        visa_type="umrah",
        status="valid",
        entries=1,
        valid_from=riyadh_today() - dt.timedelta(days=30),
        valid_until=riyadh_today() + dt.timedelta(days=60),
        stay_days=30,
        mrz_line1="V" * 44,
        mrz_line2="0" * 44,
        seal=b"\xdc",
        signer_identifier="SAVS",
        certificate_reference="01",
    )

    def crossing(direction: str, at: dt.datetime) -> Crossing:
        return Crossing.objects.create(
            client_event_id=uuid.uuid4().hex,
            port=port,
            direction=direction,
            occurred_at=at,
            outcome=CrossingOutcome.ACCEPTED,
            application=app,
            visa=visa,
            passport_number=person.passport_number,
            nationality=nationality,
            company=company,
            agent=agent,
            season=season,
        )

    exit_crossing = crossing(Direction.EXIT, exited_at) if exited_at else None
    return Stay.objects.create(
        application=app,
        visa=visa,
        season=season,
        company=company,
        agent=agent,
        nationality=nationality,
        entry_crossing=crossing(Direction.ENTRY, entered_at),
        entry_port=port,
        entered_at=entered_at,
        permitted_departure=permitted_departure,
        exit_crossing=exit_crossing,
        exit_port=port if exited_at else None,
        exited_at=exited_at,
    )


def make_overstay(
    stay: Stay,
    *,
    notice_due_at: dt.datetime | None = None,
    closed_days: int | None = None,
) -> Overstay:
    now = timezone.now()
    closed = closed_days is not None
    return Overstay.objects.create(
        stay=stay,
        application=stay.application,
        season=stay.season,
        company=stay.company,
        agent=stay.agent,
        nationality=stay.nationality,
        permitted_departure=stay.permitted_departure,
        detected_on=stay.permitted_departure + dt.timedelta(days=1),
        detected_at=now,
        notice_due_at=notice_due_at or now + dt.timedelta(hours=24),
        status=OverstayStatus.CLOSED if closed else OverstayStatus.OPEN,
        closed_at=now if closed else None,
        days_overstayed=closed_days,
    )


@pytest.fixture
def other_agent_of_company(company: Any) -> Any:
    return AgentFactory(country="PAK")


@pytest.fixture
def world(season: Any, company: Any, agent: Any, other_company: Any, other_agent: Any) -> Any:
    """Company A (with agent a): two in the country, one gone; company B (agent b): one
    in the country, entered at Madinah."""
    today = riyadh_today()
    med = make_port("MED", "Madinah")
    a1 = make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=today + dt.timedelta(days=1),
        surname="Alpha",
    )
    a2 = make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=today + dt.timedelta(days=10),
        nationality="MYS",
        surname="Bravo",
    )
    gone = make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=today,
        exited_at=timezone.now() - dt.timedelta(hours=1),
        surname="Charlie",
    )
    b1 = make_stay(
        season=season,
        company=other_company,
        agent=other_agent,
        permitted_departure=today,
        port=med,
        nationality="PAK",
        surname="Delta",
    )
    return {"a1": a1, "a2": a2, "gone": gone, "b1": b1}


def _ids(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


# --- Who sees what ----------------------------------------------------------------------------


def test_ministries_see_everyone_in_the_country(
    world: Any, security_analyst: Any, licensing_officer: Any, border_officer: Any
) -> None:
    expected = {world["a1"].pk, world["a2"].pk, world["b1"].pk}
    for actor in (security_analyst, licensing_officer, border_officer):
        assert lists.can_see_lists(actor)
        assert _ids(lists.in_country(actor=actor)) == expected


def test_a_company_sees_only_its_own_pilgrims(
    world: Any, company_staff: Any, other_company_staff: Any
) -> None:
    assert _ids(lists.in_country(actor=company_staff)) == {world["a1"].pk, world["a2"].pk}
    assert _ids(lists.in_country(actor=other_company_staff)) == {world["b1"].pk}


def test_an_agent_sees_only_its_own_pilgrims(
    world: Any, agent_staff: Any, other_agent_staff: Any
) -> None:
    assert _ids(lists.in_country(actor=agent_staff)) == {world["a1"].pk, world["a2"].pk}
    assert _ids(lists.in_country(actor=other_agent_staff)) == {world["b1"].pk}


def test_the_foreign_ministry_and_carriers_see_nothing(world: Any, visa_officer: Any) -> None:
    carrier = UserFactory(
        organization__kind="carrier", organization__code="carrier-sv", roles=["carrier_staff"]
    )
    for actor in (visa_officer, carrier):
        assert not lists.can_see_lists(actor)
        assert _ids(lists.in_country(actor=actor)) == set()
        assert _ids(lists.overstayers(actor=actor, status="all")) == set()


def test_filter_choices_offer_only_what_the_actor_sees(
    world: Any,
    contract: Any,
    company_staff: Any,
    agent_staff: Any,
    company: Any,
    agent: Any,
    security_analyst: Any,
) -> None:
    """Operators from the contracts, never from the stays: a company is offered itself
    and its contracted agents (not the other company's agent, which holds stays too); the
    nationalities of everyone in the country and every port's city (small tables)."""
    mine = lists.filter_choices(actor=company_staff, language="en")
    assert mine.companies == [(company.pk, company.organization.name_en)]
    assert mine.agents == [(agent.pk, agent.organization.name_en)]
    assert mine.nationalities == ["IDN", "MYS", "PAK"]
    assert mine.cities == [("Jeddah", "Jeddah"), ("Madinah", "Madinah")]
    as_agent = lists.filter_choices(actor=agent_staff, language="en")
    assert as_agent.agents == [(agent.pk, agent.organization.name_en)]
    assert as_agent.companies == [(company.pk, company.organization.name_en)]
    everything = lists.filter_choices(actor=security_analyst, language="ar")
    assert everything.nationalities == ["IDN", "MYS", "PAK"]
    assert [c for c, _ in everything.cities] == ["Jeddah", "Madinah"]
    assert everything.cities[0][1] == "Jeddah"  # English in the tests
    assert (company.pk, company.organization.name_ar) in everything.companies


def test_filter_choices_read_no_stay_of_the_operator(
    world: Any, contract: Any, company_staff: Any
) -> None:
    """The operator's choices cost the same whatever its stays: no query names a stay
    column but the nationalities' loose scan, which probes the open-stay index."""
    with CaptureQueriesContext(connection) as queries:
        lists.filter_choices(actor=company_staff, language="en")
    stay_reads = [q["sql"] for q in queries if "border_stay" in q["sql"]]
    assert len(stay_reads) == 1
    assert "RECURSIVE" in stay_reads[0]


# --- Filters and groupings --------------------------------------------------------------------


def test_filters_by_company_agent_nationality_and_city(
    world: Any, security_analyst: Any, company: Any, other_agent: Any
) -> None:
    def ids(**query: str) -> set[int]:
        filters = lists.ListFilters.from_query(query)
        return _ids(lists.in_country(actor=security_analyst, filters=filters))

    assert ids(company=str(company.pk)) == {world["a1"].pk, world["a2"].pk}
    assert ids(agent=str(other_agent.pk)) == {world["b1"].pk}
    assert ids(nationality="mys") == {world["a2"].pk}
    assert ids(city="Madinah") == {world["b1"].pk}
    assert ids(city="Jeddah", nationality="IDN") == {world["a1"].pk}
    # what is not a valid value is ignored, not an error
    assert ids(company="x", nationality="INDONESIA") == {
        world["a1"].pk,
        world["a2"].pk,
        world["b1"].pk,
    }


def test_a_company_cannot_widen_its_scope_with_a_filter(
    world: Any, company_staff: Any, other_company: Any
) -> None:
    filters = lists.ListFilters.from_query({"company": str(other_company.pk)})
    assert _ids(lists.in_country(actor=company_staff, filters=filters)) == set()


def test_group_counts(world: Any, security_analyst: Any, company: Any, other_company: Any) -> None:
    qs = lists.in_country(actor=security_analyst)
    assert [
        (g.key, g.label, g.count) for g in lists.group_counts(qs, by="company", language="en")
    ] == [
        (str(company.pk), company.organization.name_en, 2),
        (str(other_company.pk), other_company.organization.name_en, 1),
    ]
    by_company_ar = lists.group_counts(qs, by="company", language="ar")
    assert by_company_ar[0].label == company.organization.name_ar
    assert [(g.key, g.count) for g in lists.group_counts(qs, by="nationality")] == [
        ("IDN", 1),
        ("MYS", 1),
        ("PAK", 1),
    ]
    assert [(g.key, g.count) for g in lists.group_counts(qs, by="city")] == [
        ("Jeddah", 2),
        ("Madinah", 1),
    ]
    assert sum(g.count for g in lists.group_counts(qs, by="agent")) == 3


# --- Due to leave -----------------------------------------------------------------------------


def test_due_to_leave_counts_today_and_the_next_days(
    season: Any, company: Any, agent: Any, security_analyst: Any
) -> None:
    today = riyadh_today()

    def stay(offset: int, **extra: Any) -> Stay:
        return make_stay(
            season=season,
            company=company,
            agent=agent,
            permitted_departure=today + dt.timedelta(days=offset),
            **extra,
        )

    yesterday, on_today, in_two, in_three = stay(-1), stay(0), stay(2), stay(3)
    stay(1, exited_at=timezone.now())  # already gone
    three_days = lists.due_to_leave(actor=security_analyst, days=3, today=today)
    assert list(three_days.values_list("pk", flat=True)) == [on_today.pk, in_two.pk]
    one_day = lists.due_to_leave(actor=security_analyst, days=1, today=today)
    assert list(one_day.values_list("pk", flat=True)) == [on_today.pk]
    four = lists.due_to_leave(actor=security_analyst, days=4, today=today)
    assert list(four.values_list("pk", flat=True)) == [on_today.pk, in_two.pk, in_three.pk]
    assert yesterday.pk not in _ids(four)
    # out-of-range windows are brought back to 1..90 days
    assert _ids(lists.due_to_leave(actor=security_analyst, days=0, today=today)) == {on_today.pk}


def test_today_is_the_kingdoms_day(
    season: Any, company: Any, agent: Any, security_analyst: Any, settings: Any
) -> None:
    # 22:30 UTC is already the next day in Riyadh (UTC+3)
    late_utc = dt.datetime(2026, 11, 25, 22, 30, tzinfo=dt.UTC)
    assert timezone.localdate(late_utc) == dt.date(2026, 11, 26)
    stay = make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=dt.date(2026, 11, 26),
        entered_at=late_utc - dt.timedelta(days=5),
    )
    assert _ids(
        lists.due_to_leave(actor=security_analyst, days=1, today=timezone.localdate(late_utc))
    ) == {stay.pk}


# --- Overstayers ------------------------------------------------------------------------------


def test_overstayers_open_closed_and_scoped(
    season: Any,
    company: Any,
    agent: Any,
    other_company: Any,
    other_agent: Any,
    company_staff: Any,
    other_company_staff: Any,
    security_analyst: Any,
) -> None:
    today = riyadh_today()
    past = today - dt.timedelta(days=4)
    mine_open = make_overstay(
        make_stay(season=season, company=company, agent=agent, permitted_departure=past)
    )
    mine_closed = make_overstay(
        make_stay(
            season=season,
            company=company,
            agent=agent,
            permitted_departure=past,
            exited_at=timezone.now(),
        ),
        closed_days=3,
    )
    theirs = make_overstay(
        make_stay(season=season, company=other_company, agent=other_agent, permitted_departure=past)
    )
    assert _ids(lists.overstayers(actor=company_staff)) == {mine_open.pk}
    assert _ids(lists.overstayers(actor=company_staff, status="closed")) == {mine_closed.pk}
    assert _ids(lists.overstayers(actor=company_staff, status="all")) == {
        mine_open.pk,
        mine_closed.pk,
    }
    assert _ids(lists.overstayers(actor=other_company_staff)) == {theirs.pk}
    assert _ids(lists.overstayers(actor=security_analyst)) == {mine_open.pk, theirs.pk}
    assert lists.days_overstayed_so_far(mine_open, today) == 4
    assert lists.days_overstayed_so_far(mine_closed, today) == 3
    # only the company's own staff reach an overstay to file its notice
    assert lists.overstay_for_notice(actor=company_staff, overstay_id=mine_open.pk) == mine_open
    assert lists.overstay_for_notice(actor=company_staff, overstay_id=theirs.pk) is None
    assert lists.overstay_for_notice(actor=security_analyst, overstay_id=mine_open.pk) is None


# --- CSV --------------------------------------------------------------------------------------


def test_stay_csv_rows_are_exact(
    season: Any, company: Any, agent: Any, security_analyst: Any
) -> None:
    entered = dt.datetime(2026, 11, 20, 6, 15, 30, 123456, tzinfo=dt.UTC)
    stay = make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=dt.date(2026, 12, 19),
        entered_at=entered,
        surname="=HYPERLINK",
        mrz_surname="HYPERLINK",
        given_names="Nur",
        native_name="نور",
        passport_number="C7654321",
    )
    rows = list(lists.stay_csv_rows(lists.in_country(actor=security_analyst)))
    assert rows == [
        [
            stay.application.number,
            stay.visa.number,
            "'=HYPERLINK",
            "Nur",
            "نور",
            "IDN",
            "C7654321",
            company.organization.code,
            agent.organization.code,
            "JED",
            "Jeddah",
            "2026-11-20T09:15:30+03:00",
            "2026-12-19",
        ]
    ]
    with translation.override("en"):
        body = b"".join(lists.csv_chunks(lists.STAY_CSV_HEADER, rows)).decode()
    assert body.startswith("\ufeffApplication number,Visa number,Surname,")
    assert body.endswith(",JED,Jeddah,2026-11-20T09:15:30+03:00,2026-12-19\r\n")


def test_overstay_csv_rows_are_exact(
    season: Any, company: Any, agent: Any, company_staff: Any
) -> None:
    due = dt.datetime(2026, 11, 24, 21, 0, tzinfo=dt.UTC)
    stay = make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=dt.date(2026, 11, 23),
        entered_at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC),
        surname="Echo",
        given_names="Foxtrot",
        native_name="",
        passport_number="C1112223",
    )
    overstay = make_overstay(stay, notice_due_at=due)
    EscapeNotice.objects.create(
        overstay=overstay,
        company=company,
        filed_by=company_staff,
        filed_at=dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC),
        statement="Left the hotel on the 23rd.",
        evidence="border/escape-notices/x.pdf",
        late=True,
    )
    Overstay.objects.filter(pk=overstay.pk).update(
        escape_notice_filed_at=dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)
    )
    rows = list(
        lists.overstay_csv_rows(lists.overstayers(actor=company_staff), today=dt.date(2026, 11, 26))
    )
    assert rows == [
        [
            stay.application.number,
            "Echo",
            "Foxtrot",
            "",
            "IDN",
            "C1112223",
            company.organization.code,
            agent.organization.code,
            "2026-11-23",
            "2026-11-24",
            3,
            "open",
            "2026-11-25T00:00:00+03:00",
            "2026-11-25T08:00:00+03:00",
            "yes",
        ]
    ]


def test_the_export_is_one_query_streamed_in_chunks(
    season: Any,
    company: Any,
    agent: Any,
    security_analyst: Any,
    django_assert_num_queries: Any,
    monkeypatch: Any,
) -> None:
    today = riyadh_today()
    for _ in range(5):
        make_stay(season=season, company=company, agent=agent, permitted_departure=today)
    monkeypatch.setattr(lists, "CSV_CHUNK_ROWS", 2)
    qs = lists.in_country(actor=security_analyst)
    with django_assert_num_queries(1):
        chunks = list(lists.csv_chunks(lists.STAY_CSV_HEADER, lists.stay_csv_rows(qs)))
    # header + 2 rows, 2 rows, the last row
    assert len(chunks) == 3
    assert b"".join(chunks).decode().count("\r\n") == 6
