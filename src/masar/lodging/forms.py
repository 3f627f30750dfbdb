"""Forms of the lodging pages: the register of providers, the hotel's front desk, the
operator's trips and boardings, and a group's itinerary."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from masar.lodging.models import City, StayEventKind, TransportMode


class DateInput(forms.DateInput):
    input_type = "date"


class HotelRegisterForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    licence_number = forms.CharField(label=_("Licence number"), max_length=40)
    city = forms.ChoiceField(label=_("City"), choices=City.choices)
    address = forms.CharField(label=_("Address"), max_length=300)
    beds = forms.IntegerField(label=_("Capacity (beds)"), min_value=1, max_value=100_000)
    email = forms.EmailField(label=_("Email"), required=False)


class OperatorRegisterForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    licence_number = forms.CharField(label=_("Licence number"), max_length=40)
    mode = forms.ChoiceField(label=_("Mode"), choices=TransportMode.choices)
    fleet_size = forms.IntegerField(label=_("Fleet (vehicles)"), min_value=0, max_value=100_000)
    email = forms.EmailField(label=_("Email"), required=False)


class StationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12)
    city = forms.ChoiceField(label=_("City"), choices=City.choices)
    name = forms.CharField(label=_("Name (English)"), max_length=120)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=120)


KIND_CHOICES = [
    (StayEventKind.CHECK_IN.value, _("Check-in")),
    (StayEventKind.CHECK_OUT.value, _("Check-out")),
]


class DeskForm(forms.Form):
    """The front desk's one input (as the border desk's) and the kind of event."""

    scan = forms.CharField(
        label=_("Passport MRZ or visa seal"),
        max_length=4000,
        strip=False,
        help_text=_(
            "Scan the passport's two MRZ lines or the visa seal's QR code, or type the "
            "nationality and passport number (e.g. IDN A1234567)."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Event"),
        choices=KIND_CHOICES,
        initial=StayEventKind.CHECK_IN,
        widget=forms.RadioSelect,
    )

    def clean_scan(self) -> str:
        value: str = self.cleaned_data["scan"]
        if not value.strip():
            raise forms.ValidationError(_("Scan or type the passport or the visa seal."))
        return value


class DeskRecordForm(DeskForm):
    client_event_id = forms.RegexField(regex=r"^[A-Za-z0-9_.:-]{8,64}$", widget=forms.HiddenInput)


class TripForm(forms.Form):
    client_trip_id = forms.CharField(label=_("Trip reference"), max_length=64)
    from_city = forms.ChoiceField(label=_("From"), choices=City.choices)
    to_city = forms.ChoiceField(label=_("To"), choices=City.choices)
    departure_at = forms.DateTimeField(
        label=_("Departure"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    vehicle = forms.CharField(label=_("Vehicle"), max_length=40, required=False)
    driver = forms.CharField(label=_("Driver"), max_length=120, required=False)


class BoardingForm(forms.Form):
    scan = forms.CharField(
        label=_("Passport MRZ or visa seal"),
        max_length=4000,
        strip=False,
        help_text=_("Scan each passenger as they board; Enter records the boarding."),
    )
