"""Pages of the visas app: the public tracker for pilgrims, the consular decision queue
with bulk decisions, and one visa's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masar.accounts.models import User
from masar.applications.models import Application
from masar.core.errors import MasarError, NotFound, ValidationFailed
from masar.core.pagination import CappedCount, KeysetPage, KeysetPaginator, capped_count
from masar.core.params import is_whole_number
from masar.core.reads import personal_data_read
from masar.core.throttling import TrackAddressThrottle, TrackApplicationThrottle
from masar.visas import selectors, services
from masar.visas.models import CancelReason, RejectionReason
from masar.visas.seal import seal_qr_svg
from masar.visas.services.common import is_visa_officer, require_visa_officer
from masar.visas.tracker import track_lookup, track_steps, track_visa
from masar.web.error_summary import SummaryLine, summary_of_error


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """`/track/`: the form (GET), and with both values posted the steps and the e-visa
    button. A missing value is named; a wrong pair gets one message for both values; nothing
    is disclosed without both. The values travel only in POST bodies (never in the address, the logs or
    the history), and each lookup counts against the client's address and the application
    number, as on the API."""
    if request.method == "GET" and ("application" in request.GET or "passport" in request.GET):
        # An old link or bookmark: not looked up, and not echoed (e.g. in the language form).
        return redirect("visas:track")
    context: dict[str, object] = {"application": "", "passport": ""}
    status = 200
    if request.method == "POST":
        application = request.POST.get("application", "")[:40]
        passport = request.POST.get("passport", "")[:40]
        context.update(application=application, passport=passport)
        throttles = (TrackAddressThrottle(), TrackApplicationThrottle())
        if not all(throttle.allow_request(request, None) for throttle in throttles):
            context["error"] = _("Too many attempts. Wait a few minutes, then try again.")
            status = 429
        else:
            try:
                app = track_lookup(application=application, passport=passport)
            except (NotFound, ValidationFailed) as exc:
                context["error"] = exc.message
                status = exc.status
            else:
                context.update(found=app, steps=track_steps(app), visa=track_visa(app))
    return render(request, "visas/track.html", context, status=status)


# --- The foreign ministry's pages ------------------------------------------------------------


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    try:
        require_visa_officer(user)
    except MasarError:
        raise PermissionDenied from None
    return user


@dataclass
class DecisionChoice:
    """What the officer chose on the queue, carried unchanged through an error, the
    confirmation step and back: the page never shows a choice that was not submitted."""

    scope: str = "selected"
    decision: str = ""
    reason_code: str = ""
    reason: str = ""
    selected: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, post: Any) -> DecisionChoice:
        return cls(
            scope="filtered" if post.get("scope") == "filtered" else "selected",
            decision=post.get("decision", ""),
            reason_code=post.get("reason_code", ""),
            reason=post.get("reason", "")[:2000],
            selected=sorted({int(v) for v in post.getlist("application") if is_whole_number(v)}),
        )


# The queue's field for each name a decision error carries (for the error summary's links).
QUEUE_PAGE = 50
_QUEUE_FIELDS = {
    "decision": "d-decision",
    "reason_code": "d-code",
    "reason": "d-reason",
    "application_ids": "queue-table",
}


def _queue_filters(request: HttpRequest) -> dict[str, Any]:
    filters: dict[str, Any] = {
        key: int(value)
        for key in ("season", "company", "agent", "group")
        if is_whole_number(value := request.GET.get(key, ""))
    }
    if nationality := request.GET.get("nationality", "").strip():
        filters["nationality"] = nationality[:3]
    return filters


def _matching(page: KeysetPage) -> CappedCount:
    """How many applications match the filters, told by the page itself: exact when it is
    the only page, else more than a page's worth. Counting a filtered backlog would read
    it whole (a filter on the pilgrim's nationality is not in the queue's index)."""
    if page.has_next() or page.has_previous():
        return CappedCount(QUEUE_PAGE, True)
    return CappedCount(len(page), False)


def _decision_ids(qs: Any, choice: DecisionChoice) -> list[int]:
    """The applications the choice is about, still waiting in the (filtered) queue."""
    if choice.scope == "filtered":
        return list(qs.values_list("pk", flat=True)[: services.decisions.BULK_LIMIT])
    return list(
        qs.filter(pk__in=choice.selected[: services.decisions.BULK_LIMIT]).values_list(
            "pk", flat=True
        )
    )


def _decision_messages(request: HttpRequest, choice: DecisionChoice, batch: Any) -> None:
    done = len(batch.decided)
    if done and choice.decision == services.APPROVE:
        messages.success(
            request, _("Approved: %(n)d. Their e-visas are being issued.") % {"n": done}
        )
    elif done:
        messages.success(request, _("Refused: %(n)d.") % {"n": done})
    if batch.refused:
        numbers = dict(Application.objects.filter(pk__in=batch.refused).values_list("pk", "number"))
        messages.error(request, _("Not decided: %(n)d (listed below).") % {"n": len(batch.refused)})
        for pk, failure in batch.refused.items():
            messages.error(request, f"{numbers.get(pk, pk)}: {failure['message']}")


@login_required
@require_http_methods(["GET", "POST"])
def decision_queue(request: HttpRequest) -> HttpResponse:
    """The consular queue, oldest waiting first with each due time; select rows (or all
    those matching the filters), choose approve or refuse (with a coded reason), check
    the exact count on a confirmation step, then record. Only the applications listed on
    the confirmation are decided; an error keeps every choice and lists the problems."""
    actor = _officer(request)
    filters = _queue_filters(request)
    qs = selectors.decision_queue(actor, filters=filters)
    choice = DecisionChoice()
    summary: list[SummaryLine] = []
    if request.method == "POST":
        choice = DecisionChoice.of(request.POST)
        step = request.POST.get("step", "")
        if step == "confirm":
            try:
                batch = services.applications_decide(
                    actor=actor,
                    application_ids=choice.selected,
                    decision=choice.decision,
                    reason_code=choice.reason_code,
                    reason=choice.reason,
                )
            except MasarError as exc:
                summary = summary_of_error(exc, _QUEUE_FIELDS)
            else:
                _decision_messages(request, choice, batch)
                return redirect(request.get_full_path())
        elif step != "back":
            try:
                services.decisions.decision_reason_check(
                    choice.decision, choice.reason_code, choice.reason
                )
            except MasarError as exc:
                summary = summary_of_error(exc, _QUEUE_FIELDS)
            ids = _decision_ids(qs, choice)
            if not ids:
                summary.append(
                    (_QUEUE_FIELDS["application_ids"], _("Select at least one application."))
                )
            if not summary:
                return _decision_confirm(request, qs, choice, ids)
    page = KeysetPaginator(qs, QUEUE_PAGE).get_page(request.GET.get("cursor"))
    rows = [(app, selectors.waiting_due(app)) for app in page]
    return render(
        request,
        "visas/queue.html",
        {
            "page": page,
            "rows": rows,
            "now": timezone.now(),
            "error_summary": summary,
            "choice": choice,
            "reasons": RejectionReason.choices,
            "filters": filters,
            # The backlog on the queue's index; the filtered queue's count from its page.
            "total": capped_count(selectors.decision_queue(actor)),
            "matching": _matching(page) if filters else None,
            "stats": selectors.decision_totals(actor),
        },
        status=400 if summary else 200,
    )


def _decision_confirm(
    request: HttpRequest, qs: Any, choice: DecisionChoice, ids: list[int]
) -> HttpResponse:
    """The check step: the exact applications, how many, and what recording will do."""
    apps = list(qs.filter(pk__in=ids).select_related("pilgrim"))
    confirmed = DecisionChoice(
        scope=choice.scope,
        decision=choice.decision,
        reason_code=choice.reason_code,
        reason=choice.reason,
        selected=[app.pk for app in apps],
    )
    reason_label = (
        str(RejectionReason(choice.reason_code).label)
        if choice.reason_code in RejectionReason.values
        else ""
    )
    return render(
        request,
        "visas/queue_confirm.html",
        {"apps": apps, "choice": confirmed, "count": len(apps), "reason_label": reason_label},
    )


_CANCEL_FIELDS = {"reason_code": "c-code", "reason": "c-reason"}


@login_required
@require_http_methods(["GET", "POST"])
def visa_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One visa: its data, MRZ and seal QR, the PDF; visa officers may cancel it, after a
    confirmation step that repeats the visa, the holder and the reason chosen."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    visa = get_object_or_404(selectors.visa_list(user), number=number)
    if request.method == "GET":
        personal_data_read(request, record_type="visas.visa", ids=[visa.pk])
    can_cancel = is_visa_officer(user) and visa.status == "valid"
    summary: list[SummaryLine] = []
    confirming = False
    chosen = {
        "reason_code": request.POST.get("reason_code", ""),
        "reason": request.POST.get("reason", "")[:2000],
    }
    if request.method == "POST":
        if not can_cancel:
            raise PermissionDenied
        step = request.POST.get("step", "")
        try:
            if step == "confirm":
                services.visa_cancel(actor=user, number=visa.number, **chosen)
            elif step != "back":
                services.visa_cancel_reason_check(chosen["reason_code"], chosen["reason"])
                confirming = True
        except MasarError as exc:
            summary = summary_of_error(exc, _CANCEL_FIELDS)
        else:
            if step == "confirm":
                messages.success(request, _("The visa was cancelled."))
                return redirect("visas:visa", number=visa.number)
    qr = seal_qr_svg(bytes(visa.seal), title=f"e-visa {visa.number}")
    reason_label = (
        str(CancelReason(chosen["reason_code"]).label)
        if chosen["reason_code"] in CancelReason.values
        else ""
    )
    return render(
        request,
        "visas/visa.html",
        {
            "visa": visa,
            "qr": qr,
            "can_cancel": can_cancel,
            "reasons": CancelReason.choices,
            "error_summary": summary,
            "confirming": confirming,
            "chosen": chosen,
            "reason_label": reason_label,
        },
        status=400 if summary else 200,
    )
