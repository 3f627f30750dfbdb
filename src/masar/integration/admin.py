from django.contrib import admin

from masar.core.admin import ReadOnlyAdmin
from masar.integration.models import OutboxEvent, WebhookDelivery, WebhookSubscription


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "type", "subject_type", "subject_id", "occurred_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "subject_id"]
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "organization", "service_account", "is_active", "consecutive_failures"]
    list_filter = ["is_active"]
    exclude = ["secret", "previous_secret"]
    readonly_fields = ["dispatch_requested_at", "failing_since", "last_success_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["message_id", "subscription", "sequence", "status", "attempts", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
