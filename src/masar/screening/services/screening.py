"""Screening applications (the background step after company approval) and single people
(the `match` API and `masar screening check`).

An application is screened against every active list (the index of each list's current
version, see `masar.screening.indexes`) under each of the applicant's names (the passport's
Latin name and the native-script name), and against Masar's own records: bans in force and
previous security refusals of the same passport. Hits an analyst already found to be false
positives for this person and this revision of the entry are stored but not raised. With no
hit raised the application is cleared to the consular decision, and approved at once when
the season decides clear applications automatically; otherwise it is referred to the
interior ministry's review queue with the evidence and a service-level deadline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masar.accounts.models import User
from masar.applications.eligibility.base import passport_key
from masar.applications.lock_objects import application_lock
from masar.applications.models import Application
from masar.applications.services import application_transition
from masar.applications.states import ApplicationStatus
from masar.core.audit import audit_record
from masar.core.dates import riyadh_today
from masar.integration.services import event_emit
from masar.screening.models import (
    Review,
    Screening,
    ScreeningHit,
    ScreeningOutcome,
    Watchlist,
)
from masar.screening.services.findings import (
    Finding,
    active_watchlists,
    applicant_names,
    record_findings,
    suppressed_findings,
    watchlist_findings,
)
from masar.seasons.models import SeasonRules


def referral_summary(raised: int, review: Review) -> str:
    """The reason the `refer` transition carries. The company and the agent see it: it
    counts the evidence but names no list, entry, score or record."""
    return f"Possible match in security screening: {raised} hit(s) to review ({review.reference})."


def _auto_decides(application: Application) -> bool:
    rules = SeasonRules.objects.filter(season_id=application.season_id).first()
    return bool(rules is not None and rules.auto_decision)


def application_screen(*, application_id: int) -> Screening | None:
    """Screen one application in state `screening` and move it on (the background task).

    Idempotent: an application no longer in `screening` is left alone and None returned.
    The lists are searched before the row is locked, so the lock is held only to write.
    """
    started_at = timezone.now()
    clock = time.perf_counter()
    application = Application.objects.select_related("pilgrim").filter(pk=application_id).first()
    if application is None or application.status != ApplicationStatus.SCREENING:
        return None
    today = riyadh_today()
    pilgrim = application.pilgrim
    names = applicant_names(application)
    screen = watchlist_findings(
        names=names,
        birth_date=pilgrim.birth_date,
        nationality=pilgrim.nationality,
        watchlists=active_watchlists(),
        today=today,
    )
    findings = screen.findings + record_findings(application, names=names, today=today)
    findings.sort(key=lambda f: -f.score)
    key = passport_key(pilgrim.passport_issuing_state, pilgrim.passport_number)
    with transaction.atomic():
        app = application_lock(application_id)
        if app.status != ApplicationStatus.SCREENING:
            return None
        suppressed = suppressed_findings(key, findings)
        raised = [f for i, f in enumerate(findings) if i not in suppressed]
        now = timezone.now()
        screening = Screening.objects.create(
            application=app,
            person_key=key,
            outcome=ScreeningOutcome.REFERRED if raised else ScreeningOutcome.CLEAR,
            list_versions=screen.list_versions,
            hit_count=len(raised),
            suppressed_count=len(suppressed),
            started_at=started_at,
            completed_at=now,
            duration_ms=int((time.perf_counter() - clock) * 1000),
        )
        ScreeningHit.objects.bulk_create(
            [
                ScreeningHit(
                    screening=screening,
                    kind=f.kind,
                    watchlist_id=f.watchlist_id,
                    list_version=f.list_version,
                    entry_id=f.entry_id,
                    entry_revision=f.entry_revision,
                    ban_id=f.ban_id,
                    previous_review_id=f.previous_review_id,
                    score=f.score,
                    query_name=f.query_name[:300],
                    matched_alias=f.matched_alias[:500],
                    explanation=f.explanation,
                    suppressed_by=suppressed.get(i),
                )
                for i, f in enumerate(findings)
            ]
        )
        automatic = False
        if raised:
            review = Review.objects.create(
                application=app,
                screening=screening,
                person_key=key,
                best_score=max(f.score for f in raised),
                hit_count=len(raised),
                opened_at=now,
                due_at=now + timedelta(hours=min(f.sla_hours for f in raised)),
            )
            application_transition(
                actor=None,
                application=app,
                name="refer",
                reason=referral_summary(len(raised), review),
                details={"screening_id": screening.pk, "review_id": review.pk},
            )
        else:
            application_transition(
                actor=None,
                application=app,
                name="screen_clear",
                details={"screening_id": screening.pk, "suppressed": len(suppressed)},
            )
            if _auto_decides(app):
                automatic = True
                app.decided_automatically = True
                application_transition(
                    actor=None,
                    application=app,
                    name="approve",
                    payload={"automatic": True},
                    details={"automatic": True, "screening_id": screening.pk},
                    extra_fields=["decided_automatically"],
                )
        audit_record(
            actor=None,
            action="screening.complete",
            target=screening,
            details={
                "application_id": app.pk,
                "outcome": screening.outcome,
                "hits": [
                    {
                        "kind": f.kind,
                        "score": f.score,
                        "watchlist_id": f.watchlist_id,
                        "list_version": f.list_version,
                        "entry_id": f.entry_id,
                        "ban_id": f.ban_id,
                        "suppressed": i in suppressed,
                    }
                    for i, f in enumerate(findings)
                ],
                "list_versions": screen.list_versions,
                "automatic_decision": automatic,
            },
        )
        event_emit(
            type="screening.completed",
            subject=screening,
            payload={
                "screening_id": screening.pk,
                "application_id": app.pk,
                "season_id": app.season_id,
                "outcome": screening.outcome,
                "hit_count": screening.hit_count,
                "suppressed_count": screening.suppressed_count,
                "list_versions": screen.list_versions,
                "duration_ms": screening.duration_ms,
                "automatic_decision": automatic,
            },
        )
        if raised:
            event_emit(
                type="screening.referred",
                subject=review,
                payload={
                    "review_id": review.pk,
                    "screening_id": screening.pk,
                    "application_id": app.pk,
                    "best_score": review.best_score,
                    "hit_count": review.hit_count,
                    "due_at": review.due_at,
                },
            )
    return screening


def applications_screen_pending(*, limit: int | None = None) -> dict[str, int]:
    """Screen every application waiting in `screening` (the sweep after an outage, the demo)."""
    ids = Application.objects.filter(status=ApplicationStatus.SCREENING).order_by("pk")
    counts = {"clear": 0, "referred": 0, "skipped": 0}
    for pk in ids.values_list("pk", flat=True)[: limit or None]:
        screening = application_screen(application_id=pk)
        if screening is None:
            counts["skipped"] += 1
        else:
            counts[screening.outcome] += 1
    return counts


SCREENING_STALE_AFTER = timedelta(minutes=10)
SCREEN_TASK = "masar.screening.tasks.screen_application"


def screening_stale_after() -> timedelta:
    """How long an application may wait in `screening` with no live task for it before its
    screening is queued again: MASAR_SCREENING_STALE_SECONDS, by default 10 minutes."""
    seconds = getattr(settings, "MASAR_SCREENING_STALE_SECONDS", None)
    return SCREENING_STALE_AFTER if seconds is None else timedelta(seconds=float(seconds))


def applications_screening_resume(*, stale_after: timedelta | None = None) -> list[int]:
    """Queue again the screening of every application left in `screening` for longer than
    `stale_after` with no task waiting for it: its task was lost (the queue was unreachable
    when the company approved) or its worker was killed mid-task (the task row then stays
    `RUNNING` for good). A task still waiting (`READY`), or running for less than
    `stale_after`, is left alone, so a long queue at the peak is not queued twice. Screening
    is idempotent: an application already screened is skipped. Returns the ids queued."""
    from django_tasks_db.models import DBTaskResult

    from masar.screening.tasks import screen_application

    now = timezone.now()
    stale_after = screening_stale_after() if stale_after is None else stale_after
    waiting = list(
        Application.objects.filter(
            status=ApplicationStatus.SCREENING, company_decided_at__lt=now - stale_after
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    if not waiting:
        return []
    alive = DBTaskResult.objects.filter(task_path=SCREEN_TASK).filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=now - stale_after)
    )
    queued = {
        int(pk)
        for pk in alive.filter(args_kwargs__kwargs__application_id__in=waiting).values_list(
            "args_kwargs__kwargs__application_id", flat=True
        )
    }
    resumed = [pk for pk in waiting if pk not in queued]
    if resumed:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="screening.resumed",
                details={"application_ids": resumed[:100], "count": len(resumed)},
            )
        for pk in resumed:
            screen_application.enqueue(application_id=pk)
    return resumed


# --- One person (the match API and the check command) -----------------------------------------


@dataclass(frozen=True)
class MatchResult:
    findings: list[Finding]
    watchlists: list[Watchlist]
    list_versions: dict[str, int]


def person_match(
    *,
    actor: User | None,
    name: str,
    birth_date: str | None = None,
    nationality: str | None = None,
    threshold: float | None = None,
    watchlist_ids: Sequence[int] | None = None,
    limit: int = 10,
) -> MatchResult:
    """Screen one person against the active lists (for other agencies' systems).

    Recorded in the audit trail: a screening query is personal data and is answered only to
    the ministries.
    """
    watchlists = active_watchlists()
    if watchlist_ids:
        wanted = set(watchlist_ids)
        watchlists = [w for w in watchlists if w.pk in wanted]
    screen = watchlist_findings(
        names=[name],
        birth_date=birth_date,
        nationality=nationality,
        watchlists=watchlists,
        today=riyadh_today(),
        threshold=threshold,
        limit=limit,
    )
    findings = sorted(screen.findings, key=lambda f: -f.score)[:limit]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="screening.match",
            target=None,
            details={
                "name": name,
                "birth_date": birth_date,
                "nationality": nationality,
                "threshold": threshold,
                "list_versions": screen.list_versions,
                "hits": len(findings),
            },
        )
    return MatchResult(findings, watchlists, screen.list_versions)
