"""The hotel's front desk: one input for the passport MRZ or the visa seal (read as the
border desk reads them), check-in or check-out, a verdict beside it and one key to record;
and the list of the guests in the house."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from masar.accounts.models import User
from masar.border.forms import ScanInput, scan_input, scan_readable
from masar.core.errors import MasarError
from masar.core.pagination import KeysetPaginator
from masar.core.reads import personal_data_read
from masar.lodging import selectors
from masar.lodging.forms import DeskForm, DeskRecordForm
from masar.lodging.models import FieldSource
from masar.lodging.services import stay_record
from masar.lodging.services.desk import desk_identify
from masar.lodging.services.stays import hotel_of
from masar.lodging.views.common import PAGE_SIZE, actor_of, is_hotel_staff, is_htmx
from masar.photos.rendering import portrait_data_uri

SESSION_KIND = "lodging.desk_kind"


def _clerk(request: HttpRequest) -> User:
    actor = actor_of(request)
    if not is_hotel_staff(actor):
        raise PermissionDenied
    return actor


def _identity(scan: ScanInput) -> dict[str, str]:
    return {
        "passport_mrz": scan.passport_mrz,
        "passport_number": scan.passport_number,
        "nationality": scan.nationality,
        "seal": scan.seal,
    }


def _page(request: HttpRequest, form: DeskForm, *, status: int = 200, **extra: Any) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "lodging/desk.html",
        {"form": form, "hotel": hotel_of(actor), **extra},
        status=status,
    )


def _desk_form(request: HttpRequest, data: Any = None) -> DeskForm:
    form = DeskForm(data)
    form.fields["kind"].initial = request.session.get(SESSION_KIND, "check_in")
    return form


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    _clerk(request)
    return _page(request, _desk_form(request))


def _answer(
    request: HttpRequest, form: DeskForm, context: dict[str, Any], status: int
) -> HttpResponse:
    if is_htmx(request):
        # htmx swaps 2xx answers only: the partial carries its own error block.
        return render(request, "lodging/partials/desk_verdict.html", context)
    return _page(request, form, status=status, **context)


@login_required
@require_POST
def desk_check(request: HttpRequest) -> HttpResponse:
    """Who the scan names and what the clerk should know (nothing is written)."""
    actor = _clerk(request)
    form = _desk_form(request, request.POST)
    context: dict[str, Any] = {}
    if not form.is_valid():
        context["form_errors"] = form.errors
        return _answer(request, form, context, 400)
    kind = form.cleaned_data["kind"]
    if request.session.get(SESSION_KIND) != kind:
        request.session[SESSION_KIND] = kind
    scan = scan_input(form.cleaned_data["scan"])
    if not scan_readable(scan):
        context["not_read"] = True
        return _answer(request, form, context, 400)
    verdict = desk_identify(actor=actor, kind=kind, **_identity(scan))
    if verdict.application is not None:
        personal_data_read(
            request, record_type="applications.application", ids=[verdict.application.pk]
        )
    context.update(
        verdict=verdict,
        photo=portrait_data_uri(verdict.application.pilgrim) if verdict.application else "",
        client_event_id=uuid.uuid4().hex,
        scan=form.cleaned_data["scan"],
        kind=kind,
    )
    return _answer(request, form, context, 200 if verdict.can_record else 400)


@login_required
@require_POST
def desk_record(request: HttpRequest) -> HttpResponse:
    """Record the check-in or check-out that was checked. The client event id came with the
    verdict: pressing the key twice records once."""
    actor = _clerk(request)
    form = DeskRecordForm(request.POST)
    context: dict[str, Any] = {}
    status = 200
    if not form.is_valid() or not scan_readable(scan_input(form.cleaned_data["scan"])):
        context["error"] = True
        status = 400
    else:
        data = form.cleaned_data
        try:
            result = stay_record(
                actor=actor,
                kind=data["kind"],
                occurred_at=timezone.now(),
                client_event_id=data["client_event_id"],
                source=FieldSource.DESK,
                **_identity(scan_input(data["scan"])),
            )
        except MasarError as exc:
            context["error_message"] = str(exc.message)
            status = 400
        else:
            if result.accepted:
                context["result"] = result
            else:
                context["error"] = True
                status = 400
    if is_htmx(request):
        return render(request, "lodging/partials/desk_recorded.html", context)
    return _page(request, _desk_form(request), status=status, recorded=context)


@login_required
@require_GET
def guests(request: HttpRequest) -> HttpResponse:
    """The hotel's guests in the house now (keyset pages on the open-stays index)."""
    actor = _clerk(request)
    hotel = hotel_of(actor)
    page = KeysetPaginator(selectors.hotel_guests(hotel), PAGE_SIZE).get_page(
        request.GET.get("cursor")
    )
    personal_data_read(
        request, record_type="applications.application", ids=[s.application_id for s in page]
    )
    return render(
        request,
        "lodging/guests.html",
        {"hotel": hotel, "page": page, "in_house": selectors.hotel_in_house_count(hotel)},
    )
