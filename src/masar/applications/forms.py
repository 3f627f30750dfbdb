"""Forms of the agent and company pages. They only collect input: the services clean,
check and refuse, and their field errors are put back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from masar.applications.models import ManifestMode, Sex, VaccineType
from masar.core.errors import MasarError


def add_service_errors(form: forms.Form, exc: MasarError) -> None:
    """Show a service's refusal on the form: each field's messages next to the field."""
    placed = False
    for name, messages in exc.fields.items():
        target = name.split(".")[-1]
        for message in messages:
            text = message.get("message", "") if isinstance(message, dict) else str(message)
            if target in form.fields:
                form.add_error(target, text)
                placed = True
            else:
                form.add_error(None, f"{name}: {text}")
                placed = True
    if not placed:
        form.add_error(None, str(exc.message))


class DateInput(forms.DateInput):
    input_type = "date"


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=120)
    reference = forms.CharField(label=_("Your reference"), max_length=40, required=False)
    season = forms.ChoiceField(label=_("Season"))
    company = forms.ChoiceField(label=_("Umrah company (contracted)"))
    hotel_contract_number = forms.CharField(
        label=_("Hotel contract number"), max_length=60, required=False
    )
    makkah_hotel = forms.CharField(label=_("Hotel in Makkah"), max_length=120, required=False)
    makkah_nights = forms.IntegerField(label=_("Nights in Makkah"), min_value=0, initial=0)
    madinah_hotel = forms.CharField(label=_("Hotel in Madinah"), max_length=120, required=False)
    madinah_nights = forms.IntegerField(label=_("Nights in Madinah"), min_value=0, initial=0)
    ground_transport = forms.CharField(label=_("Ground transport"), max_length=120, required=False)
    arrival_flight = forms.CharField(label=_("Inbound flight"), max_length=12, required=False)
    arrival_port = forms.CharField(label=_("Port of arrival"), max_length=3, required=False)
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DateInput)
    departure_flight = forms.CharField(label=_("Return flight"), max_length=12, required=False)
    departure_port = forms.CharField(label=_("Port of departure"), max_length=3, required=False)
    departure_date = forms.DateField(label=_("Departure date"), required=False, widget=DateInput)

    def __init__(
        self,
        *args: Any,
        seasons: list[tuple[int, str]],
        companies: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["season"].choices = seasons  # type: ignore[attr-defined]
        self.fields["company"].choices = companies  # type: ignore[attr-defined]


class PilgrimForm(forms.Form):
    mrz = forms.CharField(
        label=_("Passport MRZ (the two lines at the bottom of the photo page)"),
        widget=forms.Textarea(
            attrs={"rows": 2, "spellcheck": "false", "autocomplete": "off", "dir": "ltr"}
        ),
    )
    surname = forms.CharField(label=_("Surname (as in the passport)"), required=False)
    given_names = forms.CharField(label=_("Given names"), required=False)
    native_name = forms.CharField(label=_("Name in Arabic or the native script"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput)
    nationality = forms.CharField(label=_("Nationality (3 letters)"), required=False)
    residence_country = forms.CharField(label=_("Country of residence"), required=False)
    passport_number = forms.CharField(label=_("Passport number"), required=False)
    passport_issuing_state = forms.CharField(label=_("Issuing state"), required=False)
    passport_issue_date = forms.DateField(label=_("Passport issue date"), widget=DateInput)
    passport_expiry_date = forms.DateField(
        label=_("Passport expiry date"), required=False, widget=DateInput
    )
    vaccine_type = forms.ChoiceField(
        label=_("Meningococcal ACWY vaccine"),
        choices=[("", "—"), *VaccineType.choices],
        required=False,
    )
    vaccine_date = forms.DateField(label=_("Vaccination date"), required=False, widget=DateInput)
    photo = forms.FileField(
        label=_("Photo (JPEG or PNG, at most 2 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def pilgrim_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("photo", None)
        return {k: v for k, v in data.items() if v not in (None, "")}


class ManifestUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Manifest file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    mode = forms.ChoiceField(
        label=_("If some rows are not valid"),
        choices=ManifestMode.choices,
        initial=ManifestMode.KEEP_VALID,
        widget=forms.RadioSelect,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the agent sees it)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
