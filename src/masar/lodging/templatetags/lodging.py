"""Labels of the lodging app's values on pages (a city's name in the page's language)."""

from __future__ import annotations

from django import template

from masar.lodging.models import City

register = template.Library()


@register.filter
def city_label(value: str) -> str:
    """The city's name in the page's language; an unknown value as it is."""
    try:
        return str(City(value).label)
    except ValueError:
        return value
