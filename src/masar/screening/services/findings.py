"""What screening finds for a person: hits on the watchlists (through the per-version
indexes) and on Masar's own records (bans in force, previous security refusals), and which
of them an analyst already found to be false positives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q

from masar.applications.eligibility.base import passport_key
from masar.applications.models import Application
from masar.screening.indexes import ListHit, search_list, watchlist_index
from masar.screening.matching import DEFAULT_THRESHOLD, name_similarity
from masar.screening.models import (
    Ban,
    Decision,
    FalsePositive,
    HitKind,
    Review,
    Watchlist,
)

#: Hours to decide a referral raised only by Masar's own records (bans, refusals).
RECORDS_SLA_HOURS_DEFAULT = 24


def records_sla_hours() -> int:
    return int(getattr(settings, "MASAR_SCREENING_RECORDS_SLA_HOURS", RECORDS_SLA_HOURS_DEFAULT))


@dataclass
class Finding:
    """A possible match before it is stored."""

    kind: str
    score: float
    query_name: str = ""
    matched_alias: str = ""
    explanation: dict[str, Any] = field(default_factory=dict)
    watchlist_id: int | None = None
    list_version: int | None = None
    entry_id: int | None = None
    entry_revision: int | None = None
    ban_id: int | None = None
    previous_review_id: int | None = None
    sla_hours: int = RECORDS_SLA_HOURS_DEFAULT


@dataclass
class PersonScreen:
    findings: list[Finding]
    list_versions: dict[str, int]


def applicant_names(application: Application) -> list[str]:
    """The names an applicant is screened under: Latin (passport) and native script."""
    pilgrim = application.pilgrim
    names = [pilgrim.full_name]
    if pilgrim.native_name.strip() and pilgrim.native_name.strip() != pilgrim.full_name:
        names.append(pilgrim.native_name.strip())
    return names


def active_watchlists() -> list[Watchlist]:
    return list(Watchlist.objects.filter(is_active=True, version__gt=0).order_by("pk"))


def _list_finding(hit: ListHit, watchlist: Watchlist) -> Finding:
    return Finding(
        kind=HitKind.WATCHLIST,
        score=round(hit.hit.score, 2),
        query_name=hit.query_name,
        matched_alias=hit.hit.matched_alias,
        explanation=hit.hit.explain(),
        watchlist_id=watchlist.pk,
        list_version=hit.list_version,
        entry_id=hit.entry.pk,
        entry_revision=hit.entry.revision,
        sla_hours=watchlist.review_sla_hours,
    )


def watchlist_findings(
    *,
    names: Sequence[str],
    birth_date: dt.date | str | None,
    nationality: str | None,
    watchlists: Sequence[Watchlist],
    today: dt.date,
    threshold: float | None = None,
    limit: int = 10,
) -> PersonScreen:
    """Hits of a person on the given lists (each list's own threshold unless one is given)."""
    findings: list[Finding] = []
    versions: dict[str, int] = {}
    for watchlist in watchlists:
        loaded = watchlist_index(watchlist)
        versions[str(watchlist.pk)] = loaded.version
        for hit in search_list(
            loaded,
            names=names,
            birth_date=birth_date,
            nationality=nationality,
            threshold=watchlist.threshold if threshold is None else threshold,
            today=today,
            limit=limit,
        ):
            findings.append(_list_finding(hit, watchlist))
    return PersonScreen(findings, versions)


def _active_bans(day: dt.date) -> Q:
    return Q(lifted_at__isnull=True) & (Q(until__isnull=True) | Q(until__gte=day))


def record_findings(
    application: Application, *, names: Sequence[str], today: dt.date
) -> list[Finding]:
    """Hits on Masar's own records: bans in force and previous security refusals."""
    pilgrim = application.pilgrim
    key = passport_key(pilgrim.passport_issuing_state, pilgrim.passport_number)
    findings: list[Finding] = []
    sla = records_sla_hours()
    bans = Ban.objects.filter(_active_bans(today)).filter(
        Q(
            passport_issuing_state=pilgrim.passport_issuing_state,
            passport_number=pilgrim.passport_number,
        )
        | Q(birth_date=pilgrim.birth_date)
    )
    for ban in bans:
        if ban.passport_number and (
            ban.passport_issuing_state,
            ban.passport_number,
        ) == (pilgrim.passport_issuing_state, pilgrim.passport_number):
            findings.append(
                Finding(
                    kind=HitKind.BAN,
                    score=100.0,
                    query_name=names[0],
                    matched_alias=ban.full_name or ban.passport_number,
                    explanation={
                        "reason": "same passport",
                        "passport": f"{ban.passport_issuing_state} {ban.passport_number}",
                        "until": ban.until.isoformat() if ban.until else None,
                        "ban_reason": ban.reason,
                    },
                    ban_id=ban.pk,
                    sla_hours=sla,
                )
            )
            continue
        if not ban.full_name or ban.birth_date != pilgrim.birth_date:
            continue
        scored = [(name_similarity(name, ban.full_name), name) for name in names]
        score, name = max(scored)
        if score >= DEFAULT_THRESHOLD:
            findings.append(
                Finding(
                    kind=HitKind.BAN,
                    score=round(score, 2),
                    query_name=name,
                    matched_alias=ban.full_name,
                    explanation={
                        "reason": "same birth date, similar name",
                        "name_score": round(score, 2),
                        "birth_date": ban.birth_date.isoformat() if ban.birth_date else None,
                        "until": ban.until.isoformat() if ban.until else None,
                        "ban_reason": ban.reason,
                    },
                    ban_id=ban.pk,
                    sla_hours=sla,
                )
            )
    refusals = (
        Review.objects.filter(person_key=key, decision=Decision.TRUE_MATCH)
        .exclude(application=application)
        .select_related("application")
        .order_by("-decided_at")
    )
    for review in refusals:
        findings.append(
            Finding(
                kind=HitKind.PREVIOUS_REFUSAL,
                score=100.0,
                query_name=names[0],
                matched_alias=f"{pilgrim.passport_issuing_state} {pilgrim.passport_number}",
                explanation={
                    "reason": "the same passport was refused on security grounds",
                    "previous_application": review.application.number,
                    "review": review.reference,
                    "reason_code": review.reason_code,
                    "decided_at": review.decided_at.isoformat() if review.decided_at else None,
                },
                previous_review_id=review.pk,
                sla_hours=sla,
            )
        )
    return findings


def suppressed_findings(key: str, findings: list[Finding]) -> dict[int, FalsePositive]:
    """For each finding (by position) an analyst found false already, that finding."""
    entry_ids = {f.entry_id for f in findings if f.entry_id is not None}
    ban_ids = {f.ban_id for f in findings if f.ban_id is not None}
    if not entry_ids and not ban_ids:
        return {}
    remembered = FalsePositive.objects.filter(person_key=key).filter(
        Q(entry_id__in=entry_ids) | Q(ban_id__in=ban_ids)
    )
    by_entry = {(fp.entry_id, fp.entry_revision): fp for fp in remembered if fp.entry_id}
    by_ban = {fp.ban_id: fp for fp in remembered if fp.ban_id}
    found: dict[int, FalsePositive] = {}
    for position, finding in enumerate(findings):
        fp = None
        if finding.entry_id is not None:
            fp = by_entry.get((finding.entry_id, finding.entry_revision))
        elif finding.ban_id is not None:
            fp = by_ban.get(finding.ban_id)
        if fp is not None:
            found[position] = fp
    return found
