"""The transport operator's pages: its trips, a new trip, and the boarding scans of a trip
(one input, as at the desks; Enter records the boarding of the pilgrim it names)."""

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
from masar.border.forms import scan_input, scan_readable
from masar.core.errors import MasarError
from masar.core.pagination import KeysetPaginator
from masar.core.reads import personal_data_read
from masar.lodging import selectors
from masar.lodging.forms import BoardingForm, TripForm
from masar.lodging.models import FieldSource
from masar.lodging.services import boardings_record, trip_record
from masar.lodging.services.desk import PROBLEM_MESSAGES
from masar.lodging.views.common import PAGE_SIZE, actor_of, apply_error, is_transport_staff


def _clerk(request: HttpRequest) -> User:
    actor = actor_of(request)
    if not is_transport_staff(actor):
        raise PermissionDenied
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def trips(request: HttpRequest) -> HttpResponse:
    """The operator's trips, newest departure first, and the form of a new trip."""
    actor = _clerk(request)
    form = TripForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = trip_record(actor=actor, source=FieldSource.DESK, **form.cleaned_data)
        except MasarError as exc:
            error = apply_error(form, exc)
        else:
            messages.success(request, _("The trip is recorded: scan its passengers as they board."))
            return redirect("lodging:trip", trip_id=result.trip.pk)
    page = KeysetPaginator(selectors.trip_list(actor), PAGE_SIZE).get_page(
        request.GET.get("cursor")
    )
    return render(
        request,
        "lodging/trips.html",
        {"page": page, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def trip_detail(request: HttpRequest, trip_id: int) -> HttpResponse:
    """A trip's passengers and the boarding scan."""
    actor = _clerk(request)
    trip = get_object_or_404(selectors.trip_list(actor), pk=trip_id)
    form = BoardingForm(request.POST or None)
    outcome: dict[str, object] = {}
    status = 200
    if request.method == "POST" and form.is_valid():
        scan = scan_input(form.cleaned_data["scan"])
        if not scan_readable(scan):
            outcome = {
                "ok": False,
                "message": _("Not read: scan the passport or the visa seal again."),
            }
            status = 400
        else:
            answer = boardings_record(
                actor=actor,
                trip=trip,
                boardings=[
                    {
                        "passport_mrz": scan.passport_mrz,
                        "passport_number": scan.passport_number,
                        "nationality": scan.nationality,
                        "seal": scan.seal,
                        "boarded_at": timezone.now(),
                    }
                ],
                add_unlisted=request.POST.get("add_unlisted") == "1",
            )[0]
            if answer.accepted and answer.passenger is not None:
                outcome = {
                    "ok": True,
                    "created": answer.created,
                    "name": answer.passenger.application.pilgrim.full_name,
                }
            else:
                message = (
                    _("This pilgrim is not on the trip's list.")
                    if answer.code == "not_on_trip"
                    else str(PROBLEM_MESSAGES.get(answer.code, answer.code))
                )
                outcome = {"ok": False, "message": message, "code": answer.code}
                status = 400
        form = BoardingForm()
    passengers = list(
        selectors.trip_passenger_list(actor)
        .filter(trip=trip)
        .select_related("application__pilgrim")
        .order_by("pk")
    )
    personal_data_read(
        request, record_type="applications.application", ids=[p.application_id for p in passengers]
    )
    return render(
        request,
        "lodging/trip_detail.html",
        {
            "trip": trip,
            "passengers": passengers,
            "boarded": sum(p.boarded_at is not None for p in passengers),
            "form": form,
            "outcome": outcome,
        },
        status=status,
    )
