from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from masar.core.dates import hijri_display
from masar.core.labels import target_label

register = template.Library()


@register.filter
def isolated(value: object) -> str:
    """The value in a <bdi> element: a right-to-left override (or any other bidi control)
    inside a name then never reorders the text around it. Escaped as usual."""
    return format_html("<bdi>{}</bdi>", "" if value is None else value)


@register.filter
def hijri(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return hijri_display(value, get_language())


@register.filter
def dual_date(value: dt.date | dt.datetime | None) -> str:
    """A date in the Hijri and the Gregorian calendar, in the page's language.

    The ISO date is isolated left-to-right: inside Arabic text the bidi algorithm would
    otherwise show 2027-03-23 as 23-03-2027.
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_html(
        '{} <bdi dir="ltr">({})</bdi>', hijri_display(value, get_language()), value.isoformat()
    )


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
