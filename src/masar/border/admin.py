from typing import Any

from django.contrib import admin

from masar.border.models import (
    BorderRules,
    CarrierCheck,
    Crossing,
    EscapeNotice,
    Lane,
    Overstay,
    Port,
    PortAssignment,
    Stay,
    Terminal,
)
from masar.core.admin import ReadOnlyAdmin


@admin.register(Port)
class PortAdmin(admin.ModelAdmin):
    list_display = ("code", "icao_code", "name_en", "port_type", "city", "is_active")
    list_filter = ("port_type", "is_active")


@admin.register(Crossing)
class CrossingAdmin(admin.ModelAdmin):
    list_display = ("client_event_id", "port", "direction", "occurred_at", "outcome")
    list_filter = ("direction", "outcome", "source")
    search_fields = ("client_event_id", "passport_number")
    raw_id_fields = ("application", "visa", "recorded_by", "lane")


@admin.register(Overstay)
class OverstayAdmin(ReadOnlyAdmin):
    """Read-only: only the sweep writes overstays, and an exit closes them (ADR 0079)."""

    list_display = ("application", "permitted_departure", "detected_on", "status")
    list_filter = ("status",)
    raw_id_fields = ("stay", "application")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


for model in (Terminal, Lane, PortAssignment, Stay, EscapeNotice, BorderRules, CarrierCheck):
    admin.site.register(model)
