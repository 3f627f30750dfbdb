from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from masar.operators.models import Agent, Company


class DateInput(forms.DateInput):
    input_type = "date"


class CompanyLicenseForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    licence_number = forms.CharField(label=_("Licence number"), max_length=40)
    licence_valid_from = forms.DateField(label=_("Licence valid from"), widget=DateInput)
    licence_valid_until = forms.DateField(label=_("Licence valid until"), widget=DateInput)
    guarantee_amount = forms.DecimalField(
        label=_("Bank guarantee (SAR)"), max_digits=14, decimal_places=2
    )
    guarantee_valid_until = forms.DateField(label=_("Guarantee valid until"), widget=DateInput)
    email = forms.EmailField(label=_("Email"), required=False)


class AgentRegisterForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    country = forms.CharField(label=_("Country (ISO alpha-3)"), max_length=3)
    licence_number = forms.CharField(label=_("Licence number"), max_length=40)
    licence_valid_until = forms.DateField(label=_("Licence valid until"), widget=DateInput)
    email = forms.EmailField(label=_("Email"), required=False)


def _organization_name(operator: Company | Agent) -> str:
    return operator.organization.display_name(get_language() or "ar")


class ContractRegisterForm(forms.Form):
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.none(), empty_label=_("Choose a company")
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"), queryset=Agent.objects.none(), empty_label=_("Choose an agent")
    )
    countries = forms.CharField(
        label=_("Countries covered (ISO alpha-3, comma separated)"), max_length=200
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)

    def __init__(self, *args: object, companies: object, agents: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        self.fields["agent"].queryset = agents  # type: ignore[attr-defined]
        # Each company and agent by its name in the page's language.
        for name in ("company", "agent"):
            self.fields[name].label_from_instance = _organization_name  # type: ignore[attr-defined]

    def clean_countries(self) -> list[str]:
        return [c.strip().upper() for c in self.cleaned_data["countries"].split(",") if c.strip()]


class QuotaForm(forms.Form):
    holder_type = forms.ChoiceField(
        label=_("Holder"),
        choices=[("company", _("Company")), ("agent", _("Agent")), ("country", _("Country"))],
    )
    holder = forms.CharField(label=_("Company or agent code, or country (ISO alpha-3)"))
    limit = forms.IntegerField(label=_("Limit"), min_value=0)


#: Record types whose reads are recorded, with their labels (the auditors' filter).
READ_RECORD_TYPES = [
    ("", _("Any")),
    ("applications.application", _("Application")),
    ("screening.review", _("Screening review")),
    ("visas.visa", _("E-visa")),
    ("border.stay", _("Stay in the kingdom")),
    ("border.overstay", _("Overstay")),
]
_BIGINT_MAX = 2**63 - 1


class PersonalDataReadFilterForm(forms.Form):
    """The filters of the auditors' page of personal-data reads (all optional)."""

    user = forms.CharField(label=_("User name"), max_length=150, required=False)
    record_type = forms.ChoiceField(
        label=_("Record type"), choices=READ_RECORD_TYPES, required=False
    )
    record = forms.IntegerField(
        label=_("Record id"), min_value=1, max_value=_BIGINT_MAX, required=False
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("To"), required=False, widget=DateInput)
    before = forms.IntegerField(
        min_value=1, max_value=_BIGINT_MAX, required=False, widget=forms.HiddenInput
    )
