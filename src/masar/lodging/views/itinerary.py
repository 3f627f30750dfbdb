"""A group's planned itinerary page: its stays at licensed hotels and its legs between the
cities, each night's beds checked at the hotel. The group's agent adds and removes items
(the itinerary is set again as a whole); the company and the ministries read it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masar.accounts.roles import OrganizationKind
from masar.applications import selectors as application_selectors
from masar.core.errors import MasarError
from masar.lodging import selectors
from masar.lodging.models import City
from masar.lodging.services.itinerary import itinerary_payload, itinerary_set
from masar.lodging.views.common import actor_of


@login_required
@require_http_methods(["GET", "POST"])
def itinerary(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = actor_of(request)
    group = get_object_or_404(application_selectors.group_list(actor=actor), pk=group_id)
    org = actor.organization
    is_owner = (
        org is not None
        and org.kind == OrganizationKind.AGENT
        and group.agent.organization_id == org.pk
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and is_owner:
        plan = itinerary_payload(group)
        stays: list[dict[str, Any]] = plan["stays"]
        legs: list[dict[str, Any]] = plan["legs"]
        action = request.POST.get("action", "")
        if action == "add_stay":
            stays.append(
                {
                    "hotel_id": request.POST.get("hotel_id"),
                    "check_in": request.POST.get("check_in"),
                    "check_out": request.POST.get("check_out"),
                    "guests": request.POST.get("guests") or None,
                }
            )
        elif action == "add_leg":
            legs.append(
                {
                    "operator_id": request.POST.get("operator_id"),
                    "from_city": request.POST.get("from_city"),
                    "to_city": request.POST.get("to_city"),
                    "travel_date": request.POST.get("travel_date"),
                }
            )
        elif action.startswith("remove_stay_"):
            index = int(action.removeprefix("remove_stay_") or -1)
            stays = [s for i, s in enumerate(stays) if i != index]
        elif action.startswith("remove_leg_"):
            index = int(action.removeprefix("remove_leg_") or -1)
            legs = [leg for i, leg in enumerate(legs) if i != index]
        try:
            itinerary_set(actor=actor, group=group, stays=stays, legs=legs)
        except MasarError as exc:
            messages.error(request, str(exc.message))
            errors = exc.fields
        else:
            messages.success(request, _("The itinerary is saved."))
            return redirect("lodging:itinerary", group_id=group.pk)
    return render(
        request,
        "lodging/itinerary.html",
        {
            "group": group,
            "stays": list(selectors.planned_stays(group.pk)),
            "legs": list(selectors.planned_legs(group.pk)),
            "is_owner": is_owner,
            "hotels": selectors.hotel_list()
            .filter(status="active")
            .order_by("city", "organization__code"),
            "operators": selectors.transport_operator_list().filter(status="active"),
            "cities": City.choices,
            "errors": [m for messages_ in errors.values() for m in messages_],
            "posted": request.POST if request.method == "POST" else {},
        },
        status=400 if errors else 200,
    )
