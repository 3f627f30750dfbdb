"""The register of providers in the kingdom, beside the companies' and agents': licensed
hotels and transport operators, registered, suspended and reinstated by the ministry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from masar.accounts.permissions import is_licensing_staff
from masar.core.errors import MasarError
from masar.core.pagination import KeysetPaginator
from masar.core.selectors import audit_list
from masar.lodging import selectors, services
from masar.lodging.forms import HotelRegisterForm, OperatorRegisterForm, StationForm
from masar.lodging.models import City, ProviderStatus, TransportMode
from masar.lodging.services.providers import Provider
from masar.lodging.views.common import PAGE_SIZE, actor_of, apply_error
from masar.web.selectors import audit_labelled


def _reader(request: HttpRequest) -> None:
    """The register is read by the ministries (its makers and overseers)."""
    actor = actor_of(request)
    org = actor.organization
    if not (actor.is_superuser or (org is not None and org.is_ministry)):
        raise PermissionDenied


@login_required
@require_GET
def hotels(request: HttpRequest) -> HttpResponse:
    _reader(request)
    qs = selectors.hotel_list()
    city = request.GET.get("city", "")
    status = request.GET.get("status", "")
    if city in City.values:
        qs = qs.filter(city=city)
    if status in ProviderStatus.values:
        qs = qs.filter(status=status)
    page = KeysetPaginator(qs, PAGE_SIZE, ordering=["organization__code"]).get_page(
        request.GET.get("cursor")
    )
    return render(
        request,
        "lodging/hotels.html",
        {
            "page": page,
            "city": city,
            "status": status,
            "cities": City.choices,
            "statuses": ProviderStatus.choices,
            "can_register": is_licensing_staff(actor_of(request)),
        },
    )


@login_required
@require_GET
def operators(request: HttpRequest) -> HttpResponse:
    _reader(request)
    qs = selectors.transport_operator_list()
    mode = request.GET.get("mode", "")
    if mode in TransportMode.values:
        qs = qs.filter(mode=mode)
    page = KeysetPaginator(qs, PAGE_SIZE, ordering=["organization__code"]).get_page(
        request.GET.get("cursor")
    )
    return render(
        request,
        "lodging/operators.html",
        {
            "page": page,
            "mode": mode,
            "modes": TransportMode.choices,
            "can_register": is_licensing_staff(actor_of(request)),
        },
    )


def _form_page(
    request: HttpRequest, form: object, title: str, submit: str, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "submit_label": submit, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hotel_register(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not is_licensing_staff(actor):
        raise PermissionDenied
    form = HotelRegisterForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            hotel = services.hotel_register(actor=actor, **form.cleaned_data)
        except MasarError as exc:
            error = apply_error(form, exc)
        else:
            messages.success(request, _("The hotel is registered."))
            return redirect("lodging:hotel", hotel_id=hotel.pk)
    return _form_page(request, form, _("Register a licensed hotel"), _("Register"), error)


@login_required
@require_http_methods(["GET", "POST"])
def operator_register(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not is_licensing_staff(actor):
        raise PermissionDenied
    form = OperatorRegisterForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            operator = services.transport_operator_register(actor=actor, **form.cleaned_data)
        except MasarError as exc:
            error = apply_error(form, exc)
        else:
            messages.success(request, _("The transport operator is registered."))
            return redirect("lodging:operator", operator_id=operator.pk)
    return _form_page(request, form, _("Register a transport operator"), _("Register"), error)


def _status_action(request: HttpRequest, provider: Provider) -> None:
    actor = actor_of(request)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "").strip()
    try:
        if action == "suspend":
            services.provider_suspend(actor=actor, provider=provider, reason=reason)
            messages.success(request, _("The licence is suspended."))
        elif action == "reinstate":
            services.provider_reinstate(actor=actor, provider=provider, reason=reason)
            messages.success(request, _("The suspension is lifted."))
        else:
            messages.error(request, _("Unknown action."))
    except MasarError as exc:
        messages.error(request, str(exc.message))


@login_required
@require_http_methods(["GET", "POST"])
def hotel_detail(request: HttpRequest, hotel_id: int) -> HttpResponse:
    _reader(request)
    actor = actor_of(request)
    hotel = get_object_or_404(selectors.hotel_list(), pk=hotel_id)
    if request.method == "POST":
        _status_action(request, hotel)
        return redirect("lodging:hotel", hotel_id=hotel.pk)
    history = audit_labelled(
        list(
            audit_list(actor=actor)
            .filter(target_type="lodging.hotel", target_id=str(hotel.pk))
            .select_related("actor")[:20]
        )
    )
    return render(
        request,
        "lodging/hotel_detail.html",
        {
            "hotel": hotel,
            "in_house": selectors.hotel_in_house_count(hotel),
            "history": history,
            "can_act": is_licensing_staff(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def operator_detail(request: HttpRequest, operator_id: int) -> HttpResponse:
    _reader(request)
    actor = actor_of(request)
    operator = get_object_or_404(selectors.transport_operator_list(), pk=operator_id)
    station_form = StationForm(request.POST if request.POST.get("action") == "station" else None)
    if request.method == "POST":
        if request.POST.get("action") == "station":
            if station_form.is_valid():
                try:
                    services.station_add(
                        actor=actor, operator=operator, **station_form.cleaned_data
                    )
                except MasarError as exc:
                    messages.error(request, str(exc.message))
                else:
                    messages.success(request, _("The station is added."))
            else:
                messages.error(request, _("Check the station: every field is required."))
        else:
            _status_action(request, operator)
        return redirect("lodging:operator", operator_id=operator.pk)
    history = audit_labelled(
        list(
            audit_list(actor=actor)
            .filter(target_type="lodging.transportoperator", target_id=str(operator.pk))
            .select_related("actor")[:20]
        )
    )
    return render(
        request,
        "lodging/operator_detail.html",
        {
            "operator": operator,
            "stations": list(operator.stations.all()),
            "station_form": StationForm(),
            "history": history,
            "can_act": is_licensing_staff(actor),
        },
    )
