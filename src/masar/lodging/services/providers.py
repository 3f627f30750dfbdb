"""Writes for the providers in the kingdom: licensed hotels and transport operators,
registered, suspended and reinstated by the ministry of Hajj and Umrah like companies."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.accounts.roles import OrganizationKind
from masar.accounts.services import organization_create
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.integration.services import event_emit
from masar.lodging.error_codes import LodgingError
from masar.lodging.models import (
    City,
    Hotel,
    ProviderStatus,
    Station,
    TransportMode,
    TransportOperator,
)

Provider = Hotel | TransportOperator


def _require_licensing(actor: User | None) -> None:
    """Only the ministry's licensing staff (or the system itself) register providers."""
    if actor is not None and not is_licensing_staff(actor):
        raise Forbidden(
            LodgingError.NOT_ALLOWED,
            _("Only licensing officers of the ministry of Hajj and Umrah may do this."),
        )


def _check_city(city: str, field: str = "city") -> None:
    if city not in City.values:
        raise ValidationFailed(
            LodgingError.INVALID_CITY,
            _("Unknown city."),
            fields={field: [_("Choose one of: %s") % ", ".join(City.values)]},
        )


def _check_licence_free(model: type[Provider], licence_number: str) -> None:
    if not licence_number.strip():
        raise ValidationFailed(
            LodgingError.INVALID_VALUE,
            _("A licence number is required."),
            fields={"licence_number": [_("Required.")]},
        )
    if model.objects.filter(licence_number=licence_number).exists():
        raise Conflict(
            LodgingError.LICENCE_NUMBER_TAKEN,
            _("A provider holds this licence number."),
            fields={"licence_number": [_("Already taken.")]},
        )


def _kind(provider: Provider) -> str:
    return OrganizationKind.HOTEL if isinstance(provider, Hotel) else OrganizationKind.TRANSPORT


def _payload(provider: Provider) -> dict[str, object]:
    return {
        "provider_kind": _kind(provider),
        "provider_id": provider.pk,
        "licence_number": provider.licence_number,
        "status": provider.status,
    }


@transaction.atomic
def hotel_register(
    *,
    actor: User | None,
    code: str,
    name_en: str,
    name_ar: str,
    licence_number: str,
    city: str,
    address: str,
    beds: int,
    email: str = "",
) -> Hotel:
    """Register a licensed hotel: its organization and its licence in one step."""
    _require_licensing(actor)
    _check_city(city)
    if beds <= 0:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE,
            _("A hotel needs at least one bed."),
            fields={"beds": [_("Must be greater than zero.")]},
        )
    _check_licence_free(Hotel, licence_number)
    org = organization_create(
        actor=actor,
        kind=OrganizationKind.HOTEL,
        code=code,
        name_en=name_en,
        name_ar=name_ar,
        email=email,
    )
    hotel = Hotel.objects.create(
        organization=org,
        licence_number=licence_number,
        city=city,
        address=address,
        beds=beds,
        status_changed_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="hotel.registered",
        target=hotel,
        organization=org,
        details={"licence_number": licence_number, "city": city, "beds": beds},
    )
    event_emit(
        type="provider.registered",
        subject=hotel,
        payload={**_payload(hotel), "city": city},
        organizations=[org],
    )
    return hotel


@transaction.atomic
def transport_operator_register(
    *,
    actor: User | None,
    code: str,
    name_en: str,
    name_ar: str,
    licence_number: str,
    mode: str,
    fleet_size: int,
    email: str = "",
) -> TransportOperator:
    """Register a licensed transport operator (a bus company, or the train)."""
    _require_licensing(actor)
    if mode not in TransportMode.values:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE,
            _("Unknown transport mode."),
            fields={"mode": [_("Choose one of: %s") % ", ".join(TransportMode.values)]},
        )
    if fleet_size < 0:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE,
            _("The fleet size cannot be negative."),
            fields={"fleet_size": [_("Must be zero or more.")]},
        )
    _check_licence_free(TransportOperator, licence_number)
    org = organization_create(
        actor=actor,
        kind=OrganizationKind.TRANSPORT,
        code=code,
        name_en=name_en,
        name_ar=name_ar,
        email=email,
    )
    operator = TransportOperator.objects.create(
        organization=org,
        licence_number=licence_number,
        mode=mode,
        fleet_size=fleet_size,
        status_changed_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="transport_operator.registered",
        target=operator,
        organization=org,
        details={"licence_number": licence_number, "mode": mode, "fleet_size": fleet_size},
    )
    event_emit(
        type="provider.registered",
        subject=operator,
        payload={**_payload(operator), "city": None},
        organizations=[org],
    )
    return operator


@transaction.atomic
def station_add(
    *,
    actor: User | None,
    operator: TransportOperator,
    code: str,
    city: str,
    name: str,
    name_ar: str,
) -> Station:
    """Add a station to an operator's network (the train's stations)."""
    _require_licensing(actor)
    _check_city(city)
    if Station.objects.filter(operator=operator, code=code).exists():
        raise Conflict(
            LodgingError.INVALID_VALUE,
            _("The operator has a station with this code."),
            fields={"code": [_("Already taken.")]},
        )
    station = Station.objects.create(
        operator=operator, code=code, city=city, name=name, name_ar=name_ar
    )
    audit_record(
        actor=actor,
        action="station.added",
        target=station,
        organization=operator.organization,
        details={"code": code, "city": city},
    )
    return station


def _lock(provider: Provider) -> Provider:
    return (
        type(provider)
        .objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=provider.pk)
    )


@transaction.atomic
def provider_suspend(*, actor: User | None, provider: Provider, reason: str) -> Provider:
    """Suspend a hotel or an operator: no new package may plan it, and the eligibility of
    a package planned at a suspended hotel fails."""
    _require_licensing(actor)
    if not reason.strip():
        raise ValidationFailed(
            LodgingError.NOT_ALLOWED,
            _("A suspension needs a reason."),
            fields={"reason": [_("Required.")]},
        )
    provider = _lock(provider)
    if provider.status == ProviderStatus.SUSPENDED:
        raise Conflict(LodgingError.ALREADY_SUSPENDED, _("This provider is already suspended."))
    provider.status = ProviderStatus.SUSPENDED
    provider.status_reason = reason
    provider.status_changed_at = timezone.now()
    provider.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        actor=actor,
        action=f"{_kind(provider)}.suspended",
        target=provider,
        organization=provider.organization,
        details={"reason": reason},
    )
    event_emit(
        type="provider.suspended",
        subject=provider,
        payload={**_payload(provider), "reason": reason},
        organizations=[provider.organization],
    )
    return provider


@transaction.atomic
def provider_reinstate(*, actor: User | None, provider: Provider, reason: str) -> Provider:
    _require_licensing(actor)
    provider = _lock(provider)
    if provider.status != ProviderStatus.SUSPENDED:
        raise Conflict(LodgingError.NOT_SUSPENDED, _("This provider is not suspended."))
    provider.status = ProviderStatus.ACTIVE
    provider.status_reason = reason
    provider.status_changed_at = timezone.now()
    provider.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        actor=actor,
        action=f"{_kind(provider)}.reinstated",
        target=provider,
        organization=provider.organization,
        details={"reason": reason},
    )
    event_emit(
        type="provider.reinstated",
        subject=provider,
        payload={**_payload(provider), "reason": reason},
        organizations=[provider.organization],
    )
    return provider
