from django.urls import path

from masar.integration import api, api_event_schemas

urlpatterns = [
    path("webhooks/", api.WebhookListApi.as_view(), name="webhook-list"),
    path("webhooks/<int:webhook_id>/", api.WebhookDetailApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:webhook_id>/rotate-secret/",
        api.WebhookRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        "webhooks/<int:webhook_id>/replay/", api.WebhookReplayApi.as_view(), name="webhook-replay"
    ),
    path("webhooks/<int:webhook_id>/test/", api.WebhookTestApi.as_view(), name="webhook-test"),
    path(
        "webhooks/<int:webhook_id>/deliveries/",
        api.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path("events/", api.EventFeedApi.as_view(), name="event-feed"),
    path(
        "events/schemas/",
        api_event_schemas.EventSchemaListApi.as_view(),
        name="event-schema-list",
    ),
    path(
        "events/schemas/<str:event_type>/",
        api_event_schemas.EventSchemaDetailApi.as_view(),
        name="event-schema-detail",
    ),
]
