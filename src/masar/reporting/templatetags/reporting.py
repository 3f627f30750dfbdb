from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

from masar.web.templatetags.masar import dual_date, number

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """A duration for people: seconds, minutes, hours or days, one decimal."""
    if seconds is None:
        return "–"
    value = float(seconds)
    if value < 60:
        return _("%(n)s s") % {"n": f"{value:.0f}"}
    if value < 3600:
        return _("%(n)s min") % {"n": f"{value / 60:.1f}"}
    if value < 2 * 86400:
        return _("%(n)s h") % {"n": f"{value / 3600:.1f}"}
    return _("%(n)s days") % {"n": f"{value / 86400:.1f}"}


@register.filter
def dual_iso(value: str) -> str:
    """An ISO day (as the tables keep it) in both calendars."""
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return dual_date(day)


@register.simple_tag
def cell(row: dict[str, Any], column: Any) -> str:
    value = row.get(column.key)
    if column.kind == "seconds":
        return duration(value)
    if value is None:
        return "–"
    if column.kind == "percent":
        return f"{value}%"
    if column.kind == "int":
        return number(value)
    return str(value)
