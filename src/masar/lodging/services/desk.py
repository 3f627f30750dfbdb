"""What the hotel's front desk shows before it records: who the scanned document names,
whether the pilgrim is in this hotel now, and whether the group planned this hotel. Writes
nothing; the desk then records with `stay_record`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masar.accounts.models import User
from masar.applications.models import Application
from masar.lodging.models import Hotel, HotelStay, PlannedStay, StayEventKind
from masar.lodging.services.identity import Identity, identities_resolve
from masar.lodging.services.stays import hotel_of

PROBLEM_MESSAGES = {
    "no_visa": gettext_lazy("No visa was found for this passport or seal."),
    "mrz_invalid": gettext_lazy("The passport's machine readable zone is not valid."),
    "seal_invalid": gettext_lazy("The visa seal is not valid (signature or format)."),
    "passport_mismatch": gettext_lazy("The passport does not match the visa."),
}


@dataclass
class DeskVerdict:
    hotel: Hotel
    kind: str
    application: Application | None = None
    problem: str = ""
    open_stay: HotelStay | None = None
    planned: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def problem_message(self) -> str:
        return str(PROBLEM_MESSAGES.get(self.problem, self.problem))

    @property
    def can_record(self) -> bool:
        return self.application is not None


def desk_identify(
    *,
    actor: User,
    kind: str,
    passport_mrz: str = "",
    passport_number: str = "",
    nationality: str = "",
    seal: str = "",
) -> DeskVerdict:
    """The pilgrim the scan names, and what the clerk should know before recording."""
    hotel = hotel_of(actor)
    identity = Identity(
        passport_mrz=passport_mrz,
        passport_number=passport_number.upper(),
        nationality=nationality.upper()[:3],
        seal=seal,
    )
    identities_resolve([identity])
    verdict = DeskVerdict(hotel=hotel, kind=kind, problem=identity.problem)
    app = identity.application
    if app is None:
        verdict.problem = verdict.problem or "no_visa"
        return verdict
    verdict.application = app
    verdict.open_stay = HotelStay.objects.filter(
        application=app, hotel=hotel, checked_out_at__isnull=True
    ).first()
    today = timezone.localdate()
    verdict.planned = PlannedStay.objects.filter(
        group_id=app.group_id, hotel=hotel, check_in__lte=today, check_out__gte=today
    ).exists()
    if kind == StayEventKind.CHECK_IN and verdict.open_stay is not None:
        verdict.notes.append(_("The pilgrim is already checked in at this hotel."))
    if kind == StayEventKind.CHECK_OUT and verdict.open_stay is None:
        verdict.notes.append(_("The pilgrim is not checked in at this hotel."))
    if kind == StayEventKind.CHECK_IN and not verdict.planned:
        verdict.notes.append(_("The group's itinerary does not plan this hotel for today."))
    return verdict
