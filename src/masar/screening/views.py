"""Pages of the interior ministry's security analysts: the review queue, one review with
each hit beside the applicant (both scripts, the matched words marked) and the decision,
and the watchlists with their versions and imports."""

from __future__ import annotations

from dataclasses import dataclass
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
from masar.core.errors import MasarError
from masar.core.pagination import KeysetPaginator
from masar.core.reads import personal_data_read
from masar.screening import selectors, services
from masar.screening.access import is_screening_analyst
from masar.screening.api.reviews import REVIEW
from masar.screening.forms import DecisionForm, UploadForm, WatchlistForm, WatchlistSettingsForm
from masar.screening.highlight import Segment, highlight, shared_tokens
from masar.screening.models import (
    HitKind,
    ImportStatus,
    Review,
    ReviewStatus,
    ScreeningHit,
)
from masar.screening.reasons import reason_text
from masar.screening.selectors import QUEUE_ORDERS


def _analyst(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not is_screening_analyst(user):
        raise PermissionDenied
    return user


def _form_errors(form: Any, exc: MasarError) -> None:
    """A service's refusal shown on the form: on its fields when it names them."""
    for name, problems in exc.fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, str(problem))
    if not exc.fields:
        form.add_error(None, str(exc.message))


# --- The queue and the review -----------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    actor = _analyst(request)
    status = request.GET.get("status", ReviewStatus.PENDING)
    if status not in (*ReviewStatus.values, "all"):
        status = ReviewStatus.PENDING
    order = request.GET.get("order", "score")
    if order not in QUEUE_ORDERS:
        order = "score"
    qs = selectors.review_list(actor=actor, status=None if status == "all" else status, order=order)
    page = KeysetPaginator(qs, 50).get_page(request.GET.get("cursor"))
    personal_data_read(request, record_type=REVIEW, ids=[r.pk for r in page])
    return render(
        request,
        "screening/queue.html",
        {
            "page": page,
            "status": status,
            "order": order,
            "statuses": ReviewStatus.choices,
            "counts": selectors.queue_counts(actor=actor),
            "now": timezone.now(),
        },
    )


@dataclass
class AliasView:
    text: str
    segments: list[Segment]
    matched: bool


@dataclass
class HitView:
    hit: ScreeningHit
    number: int
    applicant: list[Segment]
    aliases: list[AliasView]
    pairs: list[dict[str, Any]]
    # The explanation's reasons in the reader's language (`reasons.reason_text`).
    reasons: dict[str, str]


def _hit_view(hit: ScreeningHit, number: int) -> HitView:
    explanation = hit.explanation or {}
    pairs = [
        {**pair, "how_text": reason_text(str(pair.get("how", "")))}
        for pair in explanation.get("token_pairs", [])
    ]
    reasons = {
        part: reason_text(str((explanation.get(part) or {}).get("reason", "")))
        for part in ("birth_date", "nationality", "name_rarity", "name_parts")
    }
    reasons["note"] = reason_text(str(explanation.get("reason", "")))
    if hit.kind == HitKind.WATCHLIST and hit.entry is not None:
        query_tokens = [p["query_token"] for p in pairs]
        entry_tokens = [p["entry_token"] for p in pairs]
        names = hit.entry.names
    elif hit.kind == HitKind.BAN and hit.ban is not None and hit.ban.full_name:
        query_tokens = entry_tokens = list(shared_tokens(hit.query_name, hit.ban.full_name))
        names = [hit.ban.full_name]
    else:
        query_tokens = entry_tokens = []
        names = [hit.matched_alias] if hit.matched_alias else []
    aliases = [
        AliasView(
            name,
            highlight(name, entry_tokens) if name == hit.matched_alias else highlight(name, []),
            name == hit.matched_alias,
        )
        for name in names
    ]
    return HitView(hit, number, highlight(hit.query_name, query_tokens), aliases, pairs, reasons)


def _next_pending(actor: User, after: Review) -> Review | None:
    return (
        selectors.review_list(actor=actor, status=ReviewStatus.PENDING).exclude(pk=after.pk).first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    actor = _analyst(request)
    review = get_object_or_404(selectors.review_detail(actor=actor), pk=review_id)
    if request.method == "GET":
        personal_data_read(request, record_type=REVIEW, ids=[review.pk])
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_decide(
                actor=actor,
                review_id=review.pk,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data.get("reason", ""),
                reason_code=form.cleaned_data.get("reason_code", ""),
            )
        except MasarError as exc:
            _form_errors(form, exc)
        else:
            review.refresh_from_db()
            messages.success(
                request,
                _("%(ref)s decided: %(decision)s.")
                % {"ref": review.reference, "decision": review.get_decision_display()},
            )
            following = _next_pending(actor, review)
            if following is not None:
                return redirect("screening:review", review_id=following.pk)
            return redirect("screening:queue")
    hits = getattr(review.screening, "ordered_hits", [])
    raised = [h for h in hits if h.raised]
    suppressed = [h for h in hits if not h.raised]
    application = review.application
    return render(
        request,
        "screening/review.html",
        {
            "review": review,
            "application": application,
            "pilgrim": application.pilgrim,
            "hits": [_hit_view(h, i) for i, h in enumerate(raised, start=1)],
            "suppressed": [_hit_view(h, i) for i, h in enumerate(suppressed, start=1)],
            "form": form,
            "now": timezone.now(),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Watchlists ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def watchlists(request: HttpRequest) -> HttpResponse:
    actor = _analyst(request)
    form = WatchlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.watchlist_create(actor=actor, **form.cleaned_data)
        except MasarError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The list %(name)s is created.") % {"name": created.name})
            return redirect("screening:watchlist", watchlist_id=created.pk)
    return render(
        request,
        "screening/watchlists.html",
        {"watchlists": selectors.watchlist_list(actor=actor), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def watchlist_detail(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    actor = _analyst(request)
    watchlist = get_object_or_404(selectors.watchlist_list(actor=actor), pk=watchlist_id)
    initial = {
        "title": watchlist.title,
        "threshold": watchlist.threshold,
        "review_sla_hours": watchlist.review_sla_hours,
        "is_active": watchlist.is_active,
    }
    action = request.POST.get("action") if request.method == "POST" else None
    settings_form = WatchlistSettingsForm(
        request.POST if action == "settings" else None, initial=initial
    )
    upload_form = UploadForm(
        request.POST if action == "upload" else None,
        request.FILES if action == "upload" else None,
    )
    failed = False
    if action == "settings":
        if settings_form.is_valid():
            services.watchlist_update(
                actor=actor, watchlist=watchlist, **settings_form.cleaned_data
            )
            messages.success(request, _("The list's settings are saved."))
            return redirect("screening:watchlist", watchlist_id=watchlist.pk)
        failed = True
    elif action == "upload":
        if upload_form.is_valid():
            try:
                services.watchlist_import_create(
                    actor=actor,
                    watchlist=watchlist,
                    upload=upload_form.cleaned_data["file"],
                    fmt=upload_form.cleaned_data["format"],
                )
            except MasarError as exc:
                _form_errors(upload_form, exc)
            else:
                messages.success(
                    request, _("The file is queued; it is imported in the background.")
                )
                return redirect("screening:watchlist", watchlist_id=watchlist.pk)
        failed = True
    return render(
        request,
        "screening/watchlist_detail.html",
        {
            "watchlist": watchlist,
            "settings_form": settings_form,
            "upload_form": upload_form,
            "versions": selectors.watchlist_version_list(actor=actor, watchlist=watchlist)[:20],
            "imports": selectors.watchlist_import_list(actor=actor, watchlist=watchlist)[:10],
        },
        status=400 if failed else 200,
    )


@login_required
def import_status(request: HttpRequest, watchlist_id: int, import_id: int) -> HttpResponse:
    """One import's row, polled by htmx while it runs."""
    actor = _analyst(request)
    watchlist = get_object_or_404(selectors.watchlist_list(actor=actor), pk=watchlist_id)
    job = get_object_or_404(
        selectors.watchlist_import_list(actor=actor, watchlist=watchlist), pk=import_id
    )
    return render(
        request,
        "screening/partials/import_row.html",
        {"job": job, "watchlist": watchlist, "running": job.status in _RUNNING},
    )


_RUNNING = (ImportStatus.QUEUED, ImportStatus.RUNNING)
