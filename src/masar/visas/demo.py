"""Demo data of the visas app (runs after screening's step): signing keys when there are
none, consular decisions for part of the applications waiting in `decision` (most
approved, a few refused with a coded reason, the rest left in the queue), e-visas issued
for every approved application, and one visa cancelled so that the revocation list is not
empty."""

from __future__ import annotations

import random
from typing import Any

from masar.accounts.models import User
from masar.applications.models import Application
from masar.applications.states import ApplicationStatus
from masar.seasons.models import Season
from masar.visas.keys import settings_key_store
from masar.visas.models import Visa
from masar.visas.services import applications_decide, visa_cancel, visas_issue_numbers

# Applications left waiting in the consular queue for the demo.
LEFT_IN_QUEUE = 12
ISSUE_CHUNK = 500


def _officer() -> User | None:
    return (
        User.objects.filter(
            organization__kind="mofa", memberships__role__in=["visa_officer", "supervisor"]
        )
        .order_by("pk")
        .first()
    )


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any) -> list[str]:
    rng = random.Random(f"visas-{season.pk}")  # noqa: S311 - demo data, not secrets
    store = settings_key_store()
    if not store.exists():
        store.init()
    officer = _officer()
    waiting = list(
        Application.objects.filter(season=season, status=ApplicationStatus.DECISION)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    to_decide = waiting[: max(len(waiting) - LEFT_IN_QUEUE, 0)]
    refused = set(rng.sample(to_decide, k=min(3, len(to_decide))))
    if officer is not None and to_decide:
        applications_decide(
            actor=officer,
            application_ids=[pk for pk in to_decide if pk not in refused],
            decision="approve",
        )
        if refused:
            applications_decide(
                actor=officer, application_ids=refused, decision="reject", reason_code="documents"
            )
    approved = list(
        Application.objects.filter(season=season, status=ApplicationStatus.APPROVED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    issued = 0
    for start in range(0, len(approved), ISSUE_CHUNK):
        issued += len(
            visas_issue_numbers(actor=None, application_ids=approved[start : start + ISSUE_CHUNK])
        )
    cancelled = ""
    first = Visa.objects.filter(season=season, status="valid").order_by("pk").first()
    if officer is not None and first is not None:
        visa_cancel(actor=officer, number=first.number, reason_code="company_request")
        cancelled = first.number
    line = (
        f"visas: {len(to_decide) - len(refused)} approved and {len(refused)} refused by "
        f"{officer.username if officer else 'nobody'}, {issued} e-visas issued"
        + (f", visa {cancelled} cancelled" if cancelled else "")
        + f", {min(len(waiting), LEFT_IN_QUEUE)} left in the consular queue"
    )
    return [line]
