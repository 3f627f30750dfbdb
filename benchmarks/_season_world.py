"""The season rehearsal's world and its manifests (benchmarks/season_day.py), run in a child
process set up with Django against the rehearsal's own PostgreSQL cluster.

`world_build` writes directly what exists before a peak day (the operators' own services
are not what the rehearsal measures): an open season, companies, 60 agents under contract
with quotas, empty groups, the ministries' officers, three gates, the webhook subscribers
and their API tokens, and a watchlist of `watchlist` names from `_namegen` (a share of the
pilgrims are planted from it, so that screening refers them). `manifests_write` renders each
group's manifest (CSV or XLSX, 1-5 % invalid rows) and says which rows are valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import random
from decimal import Decimal
from typing import Any

AGENTS = 60
COMPANIES = 6
GATE_PORTS = ("JED", "MED", "RUH")
GIVEN = ("Anna", "Erik", "Olga", "Jan", "Piotr", "Ingrid", "Lars", "Maja", "Sven", "Greta")
SURNAMES = ("Kowalski", "Lindqvist", "Novak", "Andersson", "Dvorak", "Halvorsen", "Sorensen")


def _token(user: Any, name: str) -> str:
    from masar.accounts.services import token_create

    return token_create(actor=None, user=user, name=name, long_lived=user.is_service_account)[1]


def _watchlist(size: int, seed: int) -> list[tuple[str, str]]:
    """`size` entries of one list, inserted in bulk; returns (Latin name, birth date) of
    entries whose primary name is plain ASCII, to plant among the pilgrims."""
    from django.db import connection

    from _namegen import NameGenerator  # noqa: PLC0415 - benchmarks/ is on sys.path
    from masar.screening.models import Watchlist, WatchlistEntry, WatchlistVersion

    watchlist = Watchlist.objects.create(
        name="season-day", title="Rehearsal list", version=1, entry_count=size
    )
    WatchlistVersion.objects.create(watchlist=watchlist, number=1, format="masar", total=size)
    gen = NameGenerator(seed)
    rng = random.Random(seed)
    plantable: list[tuple[str, str]] = []
    batch: list[WatchlistEntry] = []
    for index in range(size):
        person = gen.person()
        name = gen.full_name(person, rng=rng)
        birth = person.birth_date
        if name.isascii() and len(name.split()) >= 2 and len(plantable) < 50_000:
            plantable.append((name, birth))
        batch.append(
            WatchlistEntry(
                watchlist=watchlist,
                external_id=f"SD{index:07d}",
                names=[name],
                birth_dates=[birth],
                nationalities=[person.nationality],
                content_hash=hashlib.sha256(f"{name}|{birth}".encode()).hexdigest(),
                added_in=1,
                revision=1,
            )
        )
        if len(batch) == 5000:
            WatchlistEntry.objects.bulk_create(batch)
            batch = []
    WatchlistEntry.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return plantable


def world_build(*, applications: int, watchlist: int, seed: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.utils import timezone

    from masar.accounts.models import Organization, User
    from masar.applications.models import Group
    from masar.border.services import ports_load
    from masar.core.dates import riyadh_today
    from masar.operators.models import Agent, Company, Contract
    from masar.seasons.models import Quota, Season, SeasonRules
    from masar.visas.keys import settings_key_store

    call_command("migrate", verbosity=0, interactive=False)
    settings_key_store().init()
    ports_load()
    today = riyadh_today()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    season = Season.objects.create(
        code="season-day", kind="umrah", hijri_year=1448, name_en="Rehearsal",
        name_ar="موسم التجربة", starts_on=day(-60), contracts_due=day(-50), visas_from=day(-30),
        last_agent_approval=day(60), last_visa_date=day(90), last_entry_date=day(100),
        last_exit_date=day(130), ends_on=day(160),
    )  # fmt: skip
    # Photos are not part of the rehearsal's manifests.
    SeasonRules.objects.create(season=season, photo_required=False)

    def user(org: Any, username: str, role: str, service: bool = False) -> User:
        u = User.objects.create(username=username, organization=org, is_service_account=service)
        u.memberships.create(role=role)
        return u

    ministries = {
        kind: Organization.objects.create(kind=kind, code=kind, name_en=kind.upper(), name_ar=kind)
        for kind in ("mohu", "mofa", "moi")
    }
    companies = []
    for n in range(COMPANIES):
        org = Organization.objects.create(
            kind="company", code=f"sd-co-{n}", name_en=f"Company {n}", name_ar=f"شركة {n}"
        )
        company = Company.objects.create(
            organization=org, licence_number=f"UMR-SD{n}", licence_valid_from=day(-400),
            licence_valid_until=day(400), guarantee_amount=Decimal("2000000"),
            guarantee_valid_until=day(400), status_changed_at=timezone.now(),
        )  # fmt: skip
        Quota.objects.create(season=season, holder_type="company", company=company, limit=10**7)
        companies.append(
            {"id": company.pk, "token": _token(user(org, f"co{n}", "company_staff"), "co")}
        )
    per_agent = -(-applications // AGENTS)
    group_size = min(per_agent, 250)
    agents = []
    for n in range(AGENTS):
        org = Organization.objects.create(
            kind="agent", code=f"sd-ag-{n}", name_en=f"Agent {n}", name_ar=f"وكيل {n}",
            country="IDN",
        )  # fmt: skip
        agent = Agent.objects.create(
            organization=org, country="IDN", licence_number=f"TRV-SD{n}",
            licence_valid_until=day(400),
        )  # fmt: skip
        company_id = companies[n % COMPANIES]["id"]
        Contract.objects.create(
            company_id=company_id, agent=agent, countries=["IDN"], valid_from=season.starts_on,
            valid_until=season.ends_on, registered_at=timezone.now(),
        )  # fmt: skip
        Quota.objects.create(season=season, holder_type="agent", agent=agent, limit=10**7)
        sizes, left = [], min(per_agent, applications - n * per_agent)
        while left > 0:
            sizes.append(min(group_size, left))
            left -= sizes[-1]
        groups = [
            {
                "id": Group.objects.create(
                    agent=agent, company_id=company_id, season=season, name=f"Group {n}-{g}",
                    hotel_contract_number=f"HC-{n}-{g}", makkah_nights=8, madinah_nights=4,
                    ground_transport="Coach", arrival_flight="GA 980", arrival_port="JED",
                    arrival_date=day(20), departure_flight="GA 981", departure_port="MED",
                    departure_date=day(32),
                ).pk,
                "size": size,
            }
            for g, size in enumerate(sizes)
        ]  # fmt: skip
        agents.append(
            {
                "index": n,
                "company": n % COMPANIES,
                "groups": groups,
                "token": _token(user(org, f"ag{n}", "agent_staff"), "agent"),
            }
        )
    officers = {
        "analyst": _token(user(ministries["moi"], "moi.analyst", "security_analyst"), "moi"),
        "visa_officer": _token(user(ministries["mofa"], "mofa.officer", "visa_officer"), "mofa"),
    }
    gates = {
        port: _token(user(ministries["moi"], f"gate.{port}", "integration", True), port)
        for port in GATE_PORTS
    }
    subscribers = {}
    for kind, org in ministries.items():
        subscribers[kind] = _token(user(org, f"hooks.{kind}", "integration", True), "hooks")
    for n in range(COMPANIES):
        org = Organization.objects.get(code=f"sd-co-{n}")
        subscribers[f"co{n}"] = _token(user(org, f"hooks.co{n}", "integration", True), "hooks")
    plantable = _watchlist(watchlist, seed)
    return {
        "season_id": season.pk,
        "agents": agents,
        "companies": companies,
        "officers": officers,
        "gates": gates,
        "subscribers": subscribers,
        "plantable": plantable[:5000],
    }


def _row(index: int, today: dt.date, rng: random.Random, planted: tuple[str, str] | None) -> dict:
    from masar.documents import generate_td3

    if planted is not None:
        words = planted[0].upper().replace("-", " ").replace("'", " ").split()
        surname, given = words[-1], " ".join(words[:-1])
        birth = dt.date.fromisoformat(planted[1]) if len(planted[1]) == 10 else None
    else:
        surname, given, birth = rng.choice(SURNAMES), rng.choice(GIVEN), None
    if birth is None or not (dt.date(1935, 1, 1) <= birth <= dt.date(2015, 1, 1)):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    sex = rng.choice("MF")
    number = f"S{index:08d}"
    expiry = today + dt.timedelta(days=900 + rng.randrange(2000))
    line1, line2 = generate_td3(
        issuing_state="IDN", surname=surname, given_names=given, document_number=number,
        nationality="IDN", birth_date=birth, sex=sex, expiry_date=expiry,
    )  # fmt: skip
    return {
        "surname": surname, "given_names": given, "native_name": "", "sex": sex,
        "birth_date": birth.isoformat(), "nationality": "IDN", "residence_country": "IDN",
        "passport_number": number, "passport_issuing_state": "IDN",
        "passport_issue_date": (expiry - dt.timedelta(days=3652)).isoformat(),
        "passport_expiry_date": expiry.isoformat(), "mrz_line1": line1, "mrz_line2": line2,
        "vaccine_type": "conjugate",
        "vaccine_date": (today - dt.timedelta(days=30 + rng.randrange(600))).isoformat(),
    }  # fmt: skip


def manifests_write(
    world: dict[str, Any], *, seed: int, planted_share: float
) -> list[dict[str, Any]]:
    """One manifest per group: `content` (bytes), `format`, `valid` (passport numbers of
    the rows that must become applications), `planted` (those of them from the list)."""
    from masar.applications.manifest_format import COLUMNS
    from masar.core.dates import riyadh_today

    rng = random.Random(seed + 1)
    today = riyadh_today()
    plantable = [tuple(p) for p in world["plantable"]]
    out, index = [], 0
    for agent in world["agents"]:
        for group in agent["groups"]:
            invalid_share = rng.uniform(0.01, 0.05)
            rows, valid, planted = [], [], []
            for _ in range(group["size"]):
                index += 1
                plant = rng.choice(plantable) if rng.random() < planted_share else None
                row = _row(index, today, rng, plant)
                if rng.random() < invalid_share:
                    row["vaccine_date"] = ""  # no vaccination recorded: refused by the rules
                else:
                    valid.append(row["passport_number"])
                    if plant is not None:
                        planted.append(row["passport_number"])
                rows.append(row)
            kind = "xlsx" if rng.random() < 0.3 else "csv"
            out.append(
                {
                    "agent": agent["index"],
                    "group_id": group["id"],
                    "format": kind,
                    "content": _render(rows, kind, [c for c in COLUMNS]),
                    "valid": valid,
                    "planted": planted,
                }
            )
    return out


def _render(rows: list[dict], kind: str, columns: list[Any]) -> bytes:
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([c.header for c in columns])
        for row in rows:
            writer.writerow([row[c.key] for c in columns])
        return buffer.getvalue().encode()
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Pilgrims")
    sheet.append([c.header for c in columns])
    for row in rows:
        sheet.append([row[c.key] for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dump(value: Any) -> str:
    return json.dumps(value, default=str)
