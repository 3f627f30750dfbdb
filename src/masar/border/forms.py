"""Forms of the border pages: the officer's check and record, and the company's escape
notice."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from masar.border.models import Direction
from masar.documents import parse_mrz
from masar.visas.seal import seal_bytes, seal_decode

#: Two lines of 44 characters of the MRZ alphabet, whatever the scanner put between them.
_MRZ_CHARS = re.compile(r"[A-Z0-9<]+")
#: A passport typed by hand when the MRZ will not read: "IDN A1234567" (nationality first).
_TYPED_PASSPORT = re.compile(r"([A-Z]{3})[\s/:-]+([A-Z0-9]{1,9})")

# The direction's own labels: "Entry" alone is already "an entry (of a register)" in the
# project's catalogue, which takes precedence over the app's.
DIRECTION_CHOICES = [
    (Direction.ENTRY.value, pgettext_lazy("crossing direction", "Entry")),
    (Direction.EXIT.value, pgettext_lazy("crossing direction", "Exit")),
]

EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ScanInput:
    """What the single input held: a passport MRZ, a typed passport, or a visa seal."""

    passport_mrz: str = ""
    passport_number: str = ""
    nationality: str = ""
    seal: str = ""

    @property
    def kind(self) -> str:
        if self.passport_mrz:
            return "mrz"
        if self.passport_number:
            return "passport"
        return "seal"


def scan_input(raw: str) -> ScanInput:
    """Tell the MRZ (2 x 44, any line breaks or spaces a scanner adds) from a hand-typed
    passport ("IDN A1234567") and from the visa seal's QR text (hex, base64 or the
    reader's Latin-1 text, passed on untouched)."""
    compact = "".join(raw.split()).upper()
    if len(compact) == 88 and _MRZ_CHARS.fullmatch(compact):
        return ScanInput(passport_mrz=f"{compact[:44]}\n{compact[44:]}")
    typed = _TYPED_PASSPORT.fullmatch(raw.strip().upper())
    if typed:
        return ScanInput(nationality=typed.group(1), passport_number=typed.group(2))
    # A seal read as text may end in a byte that looks like white space: only the line
    # break the scanner (or the textarea) added at the very end is dropped.
    return ScanInput(seal=raw[:-1] if raw.endswith("\n") else raw)


def scan_readable(scan: ScanInput) -> bool:
    """Whether the input is a document at all: two MRZ lines that carry a document
    number, a typed nationality and number, or a seal whose bytes have the seal's
    structure. A seal that reads but fails its signature *is* a document (a forged or
    damaged one, refused at the check); text that is none of these was not read, and
    the desk asks for another scan instead of offering to record a refusal."""
    if scan.passport_number:
        return True
    if scan.passport_mrz:
        try:
            return bool(parse_mrz(scan.passport_mrz).document_number)
        except ValueError:
            return False
    try:
        seal_decode(seal_bytes(scan.seal))
    except Exception:  # noqa: BLE001 - whatever fails to decode was not read
        return False
    return True


class CheckForm(forms.Form):
    scan = forms.CharField(
        label=_("Passport MRZ or visa seal"),
        max_length=4000,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "wrap": "off",
                "dir": "ltr",
                "spellcheck": "false",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autofocus": True,
            }
        ),
        help_text=_(
            "Scan the passport's two MRZ lines or the visa seal's QR code, or type the "
            "nationality and passport number (e.g. IDN A1234567)."
        ),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=DIRECTION_CHOICES,
        initial=Direction.ENTRY,
        widget=forms.RadioSelect,
    )
    port = forms.ChoiceField(label=_("Port"), choices=())

    def __init__(self, *args: object, ports: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        port = self.fields["port"]
        assert isinstance(port, forms.ChoiceField)
        port.choices = ports
        if ports:
            port.initial = ports[0][0]

    def clean_scan(self) -> str:
        value: str = self.cleaned_data["scan"]
        if not value.strip():
            raise forms.ValidationError(_("Scan or type the passport or the visa seal."))
        return value


class RecordForm(CheckForm):
    client_event_id = forms.RegexField(regex=r"^[A-Za-z0-9_.:-]{8,64}$", widget=forms.HiddenInput)


class EscapeNoticeForm(forms.Form):
    statement = forms.CharField(
        label=_("Statement"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the company knows: when and where the pilgrim was last seen."),
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG, at most 5 MB)"),
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )

    def clean_statement(self) -> str:
        value: str = self.cleaned_data["statement"].strip()
        if len(value) < 10:
            raise forms.ValidationError(_("Write a statement of at least 10 characters."))
        return value

    def clean_evidence(self) -> object:
        upload = self.cleaned_data["evidence"]
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The evidence file is larger than 5 MB."))
        return upload
