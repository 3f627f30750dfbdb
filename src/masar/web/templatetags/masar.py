"""The one place where pages format what sits inside Arabic (or English) text: dates in
both calendars, numbers and amounts by locale, and codes isolated from the text around
them (`<bdi>`; `dir="ltr"` for what is always written left to right: passport numbers,
MRZ lines, flight numbers, application and visa numbers, ISO dates)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from masar.core.dates import hijri_display
from masar.core.labels import target_label
from masar.core.numbers import (
    ARABIC_INDIC,
    as_decimal,
    compact_format,
    number_format,
    riyals_format,
)

register = template.Library()

# Figures from this size up are shown in their compact form in a tile ("2.5M").
COMPACT_FROM = 1_000_000


def _language() -> str:
    return "ar" if (get_language() or "ar")[:2] == "ar" else "en"


def _arabic_digits() -> bool:
    return _language() == "ar" and bool(getattr(settings, "MASAR_ARABIC_INDIC_DIGITS", False))


def _digits(text: str) -> str:
    return text.translate(ARABIC_INDIC) if _arabic_digits() else text


def _local_date(value: dt.date | dt.datetime) -> dt.date:
    # An aware time belongs to the kingdom's day, not to UTC's: 01:30 in Makkah is
    # still the previous day in UTC.
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


@register.filter
def isolated(value: object) -> str:
    """The value in a <bdi> element: a right-to-left override (or any other bidi control)
    inside a name then never reorders the text around it. Escaped as usual."""
    return format_html("<bdi>{}</bdi>", "" if value is None else value)


@register.filter
def ltr(value: object) -> str:
    """Text that is always written left to right (a passport, visa, application or flight
    number, an MRZ line, a code) isolated from the text around it, so that its
    punctuation stays with it inside Arabic. Empty for None or an empty value."""
    if value is None or value == "":
        return ""
    return format_html('<bdi dir="ltr" class="ltr">{}</bdi>', value)


@register.filter
def hijri(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return _digits(hijri_display(_local_date(value), get_language()))


@register.filter
def dual_date(value: dt.date | dt.datetime | None) -> str:
    """A date in the Hijri and the Gregorian calendar, once each, in the page's language:
    "7 جمادى الآخرة 1448 هـ (2026-12-07)".

    Each half is isolated and never wraps inside itself (a line may break only between
    the two), and the parenthesised ISO date is isolated left to right: inside Arabic
    text the bidi algorithm would otherwise show "(2026-05-31)" as "-05-2026)" "(31".
    An aware time is shown as the kingdom's day.
    """
    if value is None:
        return ""
    day = _local_date(value)
    return format_html(
        '<span class="date"><bdi class="hijri">{}</bdi> <bdi dir="ltr" class="gregorian">'
        "({})</bdi></span>",
        _digits(hijri_display(day, get_language())),
        _digits(day.isoformat()),
    )


@register.filter
def dual_datetime(value: dt.datetime | None, seconds: str = "") -> str:
    """A moment as its day in both calendars (`dual_date`) and its kingdom time, the time
    isolated left to right: "7 جمادى الآخرة 1448 هـ (2026-12-07) 19:36". With "s", to the
    second."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = local.strftime("%H:%M:%S" if seconds == "s" else "%H:%M")
    return format_html('{} <bdi dir="ltr" class="ltr">{}</bdi>', dual_date(local), _digits(clock))


@register.filter
def number(value: object, decimals: int = 0) -> str:
    """A number grouped by thousands for the page's language, isolated: "2,000,000"
    (Arabic-Indic digits in Arabic when MASAR_ARABIC_INDIC_DIGITS is set)."""
    if as_decimal(value) is None:
        return "" if value is None else str(value)
    text = number_format(value, _language(), decimals=int(decimals), arabic_digits=_arabic_digits())
    return format_html('<bdi class="num">{}</bdi>', text)


@register.filter
def number_in(value: object, language: str) -> str:
    """A number grouped for the given language, whatever the page's: the Arabic and the
    English halves of a bilingual document (the weekly report, a certificate)."""
    lang = "ar" if language[:2] == "ar" else "en"
    digits = lang == "ar" and bool(getattr(settings, "MASAR_ARABIC_INDIC_DIGITS", False))
    return number_format(value, lang, arabic_digits=digits)


@register.filter
def pct(value: object, decimals: int | None = None) -> str:
    """A percentage, isolated, with the number's own decimals unless told: "25.00%"
    ("٢٥٫٠٠٪" with Arabic-Indic digits)."""
    amount = as_decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if decimals is None:
        exponent = amount.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    else:
        places = int(decimals)
    digits = _arabic_digits()
    text = number_format(amount, _language(), decimals=places, arabic_digits=digits)
    return format_html('<bdi class="num">{}{}</bdi>', text, "٪" if digits else "%")


@register.filter
def compact(value: object) -> str:
    """A figure for a tile: grouped below a million, "2.5M" / "2.5 مليون" from there, the
    exact figure in the title."""
    amount = as_decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    language, digits = _language(), _arabic_digits()
    full = number_format(amount, language, arabic_digits=digits)
    if abs(amount) < COMPACT_FROM:
        return format_html('<bdi class="num">{}</bdi>', full)
    return format_html(
        '<bdi class="num" title="{}">{}</bdi>',
        full,
        compact_format(amount, language, arabic_digits=digits),
    )


@register.filter
def riyals(value: object, decimals: int = 2) -> str:
    """An amount in riyals with its currency, grouped, never wrapped: "2,000,000.00 ر.س"
    in Arabic, "SAR 2,000,000.00" in English."""
    if as_decimal(value) is None:
        return "" if value is None else str(value)
    text = riyals_format(value, _language(), decimals=int(decimals), arabic_digits=_arabic_digits())
    return format_html('<bdi class="amount">{}</bdi>', text)


@register.filter
def riyals_compact(value: object) -> str:
    """An amount for a tile: as `riyals` without decimals below a million, "SAR 2.5M" /
    "2.5 مليون ر.س" from there, the exact amount in the title."""
    amount = as_decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    language, digits = _language(), _arabic_digits()
    full = riyals_format(amount, language, decimals=2, arabic_digits=digits)
    if abs(amount) < COMPACT_FROM:
        shown = riyals_format(amount, language, decimals=0, arabic_digits=digits)
    else:
        shown = riyals_format(amount, language, compact=True, arabic_digits=digits)
    return format_html('<bdi class="amount" title="{}">{}</bdi>', full, shown)


@register.filter
def localized_name(obj: object) -> str:
    display = getattr(obj, "display_name", None)
    if callable(display):
        try:
            return str(display(get_language() or "ar"))
        except TypeError:
            return str(display())
    return str(obj)


@register.simple_tag
def percent(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{100 * part / whole:.0f}%"


@register.filter
def record_kind(value: str) -> str:
    """The kind of a record (``applications.application``) as a person reads it."""
    return target_label(value)
