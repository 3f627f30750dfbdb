"""Pages of the visas app: the public tracker for pilgrims, the consular decision queue
with bulk decisions, and one visa's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masar.accounts.models import User
from masar.core.errors import MasarError, NotFound, ValidationFailed
from masar.core.pagination import KeysetPaginator, capped_count
from masar.core.params import is_whole_number
from masar.core.reads import personal_data_read
from masar.visas import selectors, services
from masar.visas.models import CancelReason, RejectionReason
from masar.visas.seal import seal_qr_svg
from masar.visas.services.common import is_visa_officer, require_visa_officer
from masar.visas.tracker import track_lookup, track_steps, track_visa


def track(request: HttpRequest) -> HttpResponse:
    """`/track/`: the form, and with both values the steps and the e-visa link. A wrong
    pair and a missing value get the same message; nothing is disclosed without both."""
    application = request.GET.get("application", "")
    passport = request.GET.get("passport", "")
    context: dict[str, object] = {"application": application, "passport": passport}
    status = 200
    if "application" in request.GET or "passport" in request.GET:
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


@login_required
@require_http_methods(["GET", "POST"])
def decision_queue(request: HttpRequest) -> HttpResponse:
    """The consular queue, oldest waiting first with each due time; select rows (or all
    those matching the filters) and approve or refuse them with a coded reason."""
    actor = _officer(request)
    filters = {
        key: int(value)
        for key in ("season", "company", "agent", "group")
        if is_whole_number(value := request.GET.get(key, ""))
    }
    if nationality := request.GET.get("nationality", "").strip():
        filters["nationality"] = nationality  # type: ignore[assignment]
    qs = selectors.decision_queue(actor, filters=filters)
    errors: list[str] = []
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if request.POST.get("scope") == "filtered":
            ids = list(qs.values_list("pk", flat=True)[: services.decisions.BULK_LIMIT])
        else:
            ids = [int(v) for v in request.POST.getlist("application") if is_whole_number(v)]
        try:
            batch = services.applications_decide(
                actor=actor,
                application_ids=ids,
                decision=decision,
                reason_code=request.POST.get("reason_code", ""),
                reason=request.POST.get("reason", ""),
            )
        except MasarError as exc:
            errors = [str(exc.message)] + [str(p) for ps in exc.fields.values() for p in ps]
        else:
            messages.success(
                request,
                _("%(done)d decided, %(refused)d refused.")
                % {"done": len(batch.decided), "refused": len(batch.refused)},
            )
            return redirect(request.get_full_path())
    page = KeysetPaginator(qs, 50).get_page(request.GET.get("cursor"))
    rows = [(app, selectors.waiting_due(app)) for app in page]
    return render(
        request,
        "visas/queue.html",
        {
            "page": page,
            "rows": rows,
            "now": timezone.now(),
            "errors": errors,
            "reasons": RejectionReason.choices,
            "filters": filters,
            "total": capped_count(qs),
            "stats": selectors.decision_stats(actor),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visa_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One visa: its data, MRZ and seal QR, the PDF; visa officers may cancel it."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    visa = get_object_or_404(selectors.visa_list(user), number=number)
    if request.method == "GET":
        personal_data_read(request, record_type="visas.visa", ids=[visa.pk])
    can_cancel = is_visa_officer(user) and visa.status == "valid"
    error = ""
    if request.method == "POST":
        if not can_cancel:
            raise PermissionDenied
        try:
            services.visa_cancel(
                actor=user,
                number=visa.number,
                reason_code=request.POST.get("reason_code", ""),
                reason=request.POST.get("reason", ""),
            )
        except MasarError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("The visa was cancelled."))
            return redirect("visas:visa", number=visa.number)
    qr = seal_qr_svg(bytes(visa.seal), title=f"e-visa {visa.number}")
    return render(
        request,
        "visas/visa.html",
        {
            "visa": visa,
            "qr": qr,
            "can_cancel": can_cancel,
            "reasons": CancelReason.choices,
            "error": error,
        },
        status=400 if error else 200,
    )
