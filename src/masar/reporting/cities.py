"""Arabic names of the cities of the kingdom's ports (the border app keeps English names):
declared here so that the app's catalogue translates them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CITY_NAMES = {
    "Jeddah": _("Jeddah"),
    "Madinah": _("Madinah"),
    "Makkah": _("Makkah"),
    "Taif": _("Taif"),
    "Yanbu": _("Yanbu"),
    "Riyadh": _("Riyadh"),
    "Dammam": _("Dammam"),
    "Al-Qurayyat": _("Al-Qurayyat"),
    "Al-Khafji": _("Al-Khafji"),
    "Al-Batha": _("Al-Batha"),
    "Al-Wadiah": _("Al-Wadiah"),
    "Khobar": _("Khobar"),
    "Tabuk": _("Tabuk"),
    "Abha": _("Abha"),
    "Jizan": _("Jizan"),
    "Al-Ula": _("Al-Ula"),
    "Halat Ammar": _("Halat Ammar"),
    "Al-Durrah": _("Al-Durrah"),
    "King Fahd Causeway": _("King Fahd Causeway"),
}


def city_name(city: str) -> str:
    name = CITY_NAMES.get(city)
    return str(name) if name is not None else city
