"""Fixtures of the reporting tests: a small recorded season (applications with their step
times, visas, crossings, stays, an overstay, security reviews) written straight into the
recording apps' tables, so that each figure can be checked against known values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from masar.applications.models import Application
from masar.border.models import Crossing, Overstay, Port, Stay
from masar.visas.models import Visa
from tests.applications.factories import ApplicationFactory, GroupFactory, PilgrimFactory
from tests.factories import SeasonFactory

RIYADH = ZoneInfo("Asia/Riyadh")
DAY1 = dt.date(2026, 3, 1)


def at(day: dt.date, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=RIYADH)


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def rseason(db: Any) -> Any:
    return SeasonFactory(
        code="umrah-test",
        starts_on=DAY1 - dt.timedelta(days=30),
        contracts_due=DAY1 - dt.timedelta(days=25),
        visas_from=DAY1 - dt.timedelta(days=20),
        last_agent_approval=DAY1 + dt.timedelta(days=60),
        last_visa_date=DAY1 + dt.timedelta(days=70),
        last_entry_date=DAY1 + dt.timedelta(days=80),
        last_exit_date=DAY1 + dt.timedelta(days=100),
        ends_on=DAY1 + dt.timedelta(days=120),
    )


@pytest.fixture
def ports(db: Any) -> dict[str, Port]:
    rows = [
        ("JED", "King Abdulaziz International", "مطار الملك عبدالعزيز الدولي", "air", "Jeddah"),
        ("MED", "Prince Mohammad bin Abdulaziz", "مطار الأمير محمد بن عبدالعزيز", "air", "Madinah"),
        ("HDT", "Al-Haditha", "منفذ الحديثة", "land", "Al-Qurayyat"),
    ]
    return {
        code: Port.objects.get_or_create(
            code=code,
            defaults={"name_en": en, "name_ar": ar, "port_type": kind, "city": city},
        )[0]
        for code, en, ar, kind, city in rows
    }


@pytest.fixture
def record(rseason: Any) -> Callable[..., Application]:
    """An application of `rseason` with the given step times (None: the step not taken)."""

    def make(
        *,
        group: Any,
        nationality: str = "IDN",
        submitted_at: dt.datetime | None = None,
        decided_at: dt.datetime | None = None,
        automatic: bool = True,
        issued_at: dt.datetime | None = None,
    ) -> Application:
        pilgrim = PilgrimFactory(agent=group.agent, nationality=nationality)
        return ApplicationFactory(
            group=group,
            pilgrim=pilgrim,
            status="issued" if issued_at else ("approved" if decided_at else "submitted"),
            submitted_at=submitted_at,
            decided_at=decided_at,
            decided_automatically=automatic,
            issued_at=issued_at,
        )

    return make


_visa_serial = iter(range(1, 10**6))


def make_visa(app: Application) -> Visa:
    serial = next(_visa_serial)
    return Visa.objects.create(
        number=f"T{serial:08d}",
        application=app,
        season=app.season,
        company=app.company,
        agent=app.agent,
        visa_type="umrah",
        status="valid",
        entries=1,
        valid_from=DAY1,
        valid_until=DAY1 + dt.timedelta(days=90),
        stay_days=90,
        mrz_line1="V" * 44,
        mrz_line2="V" * 44,
        seal=b"x",
        signer_identifier="TEST",
        certificate_reference="test",
        issued_at=app.issued_at or at(DAY1),
    )


_event = iter(range(1, 10**6))


def cross(app: Application, port: Port, direction: str, when: dt.datetime) -> Crossing:
    return Crossing.objects.create(
        client_event_id=f"test-{next(_event)}",
        port=port,
        direction=direction,
        occurred_at=when,
        outcome="accepted",
        application=app,
        passport_number=app.pilgrim.passport_number,
        nationality=app.pilgrim.nationality,
        company=app.company,
        agent=app.agent,
        season=app.season,
        source="officer",
    )


def stay(
    app: Application,
    port: Port,
    entered: dt.datetime,
    exited: dt.datetime | None = None,
    exit_port: Port | None = None,
) -> Stay:
    visa = getattr(app, "visa", None) or make_visa(app)
    entry = cross(app, port, "entry", entered)
    exit_crossing = cross(app, exit_port or port, "exit", exited) if exited else None
    return Stay.objects.create(
        application=app,
        visa=visa,
        season=app.season,
        company=app.company,
        agent=app.agent,
        nationality=app.pilgrim.nationality,
        entry_crossing=entry,
        entry_port=port,
        entered_at=entered,
        permitted_departure=entered.date() + dt.timedelta(days=30),
        exit_crossing=exit_crossing,
        exit_port=(exit_port or port) if exited else None,
        exited_at=exited,
    )


def overstay(s: Stay, detected_on: dt.date) -> Overstay:
    return Overstay.objects.create(
        stay=s,
        application=s.application,
        season=s.season,
        company=s.company,
        agent=s.agent,
        nationality=s.nationality,
        permitted_departure=s.permitted_departure,
        detected_on=detected_on,
        detected_at=at(detected_on, 1),
        notice_due_at=at(detected_on, 1) + dt.timedelta(hours=24),
    )


@pytest.fixture
def recorded(
    rseason: Any,
    company: Any,
    other_company: Any,
    agent: Any,
    other_agent: Any,
    ports: dict[str, Port],
    record: Callable[..., Application],
) -> dict[str, Any]:
    """The known season:
    day 1: 3 submitted by `company` (IDN, IDN, PAK); 1 by `other_company` (EGY).
    day 2: the two IDN decided automatically after 5 s and 50 s, issued 2 and 3 hours
           after submission; PAK decided by a person after 2 h 30 min (not issued);
           EGY decided automatically after 20 s, issued after 1 h 30 min.
    day 3: IDN#1 enters at JED, IDN#2 at MED, EGY at HDT (land).
    day 5: IDN#1 leaves by JED.
    day 9: an overstay of IDN#2 is detected.
    """
    g1 = GroupFactory(season=rseason, company=company, agent=agent)
    g2 = GroupFactory(season=rseason, company=other_company, agent=other_agent)
    d1, d2, d3 = DAY1, DAY1 + dt.timedelta(days=1), DAY1 + dt.timedelta(days=2)
    s1 = at(d1, 23, 0)  # still day 1 in Riyadh (20:00 UTC)
    idn1 = record(
        group=g1,
        submitted_at=s1,
        decided_at=s1 + dt.timedelta(seconds=5),
        issued_at=s1 + dt.timedelta(hours=2),
    )
    idn2 = record(
        group=g1,
        submitted_at=s1,
        decided_at=s1 + dt.timedelta(seconds=50),
        issued_at=s1 + dt.timedelta(hours=3),
    )
    pak = record(
        group=g1,
        nationality="PAK",
        submitted_at=s1,
        decided_at=s1 + dt.timedelta(hours=2, minutes=30),
        automatic=False,
    )
    egy = record(
        group=g2,
        nationality="EGY",
        submitted_at=s1,
        decided_at=s1 + dt.timedelta(seconds=20),
        issued_at=s1 + dt.timedelta(hours=1, minutes=30),
    )
    s_idn1 = stay(idn1, ports["JED"], at(d3, 9), at(DAY1 + dt.timedelta(days=4), 18), ports["JED"])
    s_idn2 = stay(idn2, ports["MED"], at(d3, 11))
    stay(egy, ports["HDT"], at(d3, 15))
    overstay(s_idn2, DAY1 + dt.timedelta(days=8))
    return {
        "season": rseason,
        "days": (d1, d2, d3),
        "apps": {"idn1": idn1, "idn2": idn2, "pak": pak, "egy": egy},
        "stays": {"idn1": s_idn1, "idn2": s_idn2},
    }


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT
