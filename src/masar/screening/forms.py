"""Forms of the analysts' pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from masar.screening.models import Decision, ImportFormat, RejectionCode


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a false positive: why this is not the person listed."),
    )
    reason_code = forms.ChoiceField(
        label=_("Coded reason (true match)"),
        required=False,
        choices=[("", "—"), *RejectionCode.choices],
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("decision") == Decision.FALSE_POSITIVE and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why this is not the person listed."))
        if data.get("decision") == Decision.TRUE_MATCH and not data.get("reason_code"):
            self.add_error("reason_code", _("A true match needs a coded reason."))
        return data


class WatchlistForm(forms.Form):
    name = forms.SlugField(label=_("Short name"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    threshold = forms.FloatField(
        label=_("Threshold (score 50-100)"), min_value=50, max_value=100, initial=80
    )
    review_sla_hours = forms.IntegerField(
        label=_("Hours to decide a referral"), min_value=1, max_value=720, initial=24
    )


class WatchlistSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    threshold = forms.FloatField(label=_("Threshold (score 50-100)"), min_value=50, max_value=100)
    review_sla_hours = forms.IntegerField(
        label=_("Hours to decide a referral"), min_value=1, max_value=720
    )
    is_active = forms.BooleanField(label=_("Screen applicants against this list"), required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("List file (CSV, UTF-8)"))
    format = forms.ChoiceField(label=_("Layout"), choices=ImportFormat.choices)
