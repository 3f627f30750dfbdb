"""The case file of one application: every fact about it on one page, gathered from the
apps that own them, each part shown only to those allowed to see it. Companies and agents
never see screening evidence nor the reasons screening steps carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from masar.accounts.models import User
from masar.applications import disclosure
from masar.applications.labels import reason_text, transition_label
from masar.applications.models import Application
from masar.applications.selectors import application_history


@dataclass(frozen=True)
class HistoryLine:
    at: Any
    label: str
    from_label: str
    to_label: str
    who: str
    reason: str


def _is_ministry(actor: User) -> bool:
    org = actor.organization
    return bool(org is not None and org.is_ministry)


def case_history(*, actor: User, application: Application) -> list[HistoryLine]:
    """The journey in words, oldest first, as the reader may see it: the submitting side
    gets the neutral history of `masar.applications.disclosure` (no review steps, reasons,
    analysts or timing; a security refusal "by the authorities")."""
    lines = []
    for item in application_history(application=application):
        step = disclosure.shown_step(actor, item)
        if step is None:
            continue
        if step.actor == disclosure.AUTHORITIES:
            who = str(disclosure.AUTHORITIES_LABEL)
        else:
            who = str(item.actor.display_name()) if item.actor is not None else ""
        refused = step.name == disclosure.REFUSED
        lines.append(
            HistoryLine(
                at=step.at,
                label=str(disclosure.REFUSED_REASON_LABEL)
                if refused
                else transition_label(step.name),
                from_label=str(step.from_label),
                to_label=str(step.to_label),
                who=who,
                reason="" if refused else reason_text(step.reason),
            )
        )
    return lines


def case_file(*, actor: User, application: Application) -> dict[str, Any]:
    """The parts of the case file beyond the application itself (few queries each)."""
    from masar.border.models import Crossing, Overstay, Stay
    from masar.compliance.models import Violation
    from masar.lodging.selectors import pilgrim_hotel_stays, pilgrim_trips
    from masar.screening.access import is_screening_analyst
    from masar.screening.models import Review, ScreeningHit
    from masar.visas.models import RejectionReason, Visa
    from masar.visas.seal import seal_qr_svg
    from masar.visas.services.common import is_visa_officer
    from masar.whereabouts.selectors import alert_list as whereabouts_alerts

    visa = Visa.objects.filter(application=application).select_related("season").first()
    context: dict[str, Any] = {
        "visa": visa,
        "visa_qr": (seal_qr_svg(bytes(visa.seal), title=f"e-visa {visa.number}") if visa else ""),
        "crossings": list(
            Crossing.objects.filter(application=application)
            .select_related("port")
            .order_by("occurred_at", "pk")
        ),
        "stays": list(
            Stay.objects.filter(application=application)
            .select_related("entry_port", "exit_port")
            .order_by("entered_at")
        ),
        "overstays": list(Overstay.objects.filter(application=application).order_by("pk")),
        # Hotels and trips inside the kingdom, as the reader may see them (access matrix).
        "hotel_stays": pilgrim_hotel_stays(actor, application),
        "trips": pilgrim_trips(actor, application),
        "whereabouts_alerts": list(whereabouts_alerts(actor).filter(application=application)[:20]),
        "violations": list(
            Violation.objects.filter(application_ref=application.pk).order_by("occurred_on", "pk")
        ),
        "history": case_history(actor=actor, application=application),
        "status_reason": reason_text(disclosure.shown_reason(actor, application, translated=True)),
        "ministry": _is_ministry(actor),
        "can_decide": is_visa_officer(actor) and application.status == "decision",
        "decision_reasons": RejectionReason.choices,
        "screening_hits": [],
        "screening_reviews": [],
    }
    if _is_ministry(actor):
        context["screening_reviews"] = list(
            Review.objects.filter(application=application).order_by("opened_at")
        )
    if is_screening_analyst(actor):
        context["screening_hits"] = list(
            ScreeningHit.objects.filter(screening__application=application)
            .select_related("watchlist")
            .order_by("-score", "pk")[:20]
        )
    return context
