from enum import StrEnum


class IntegrationError(StrEnum):
    SUBSCRIPTION_NOT_FOUND = "webhook_not_found"
    SERVICE_ACCOUNT_REQUIRED = "service_account_required"
    NOT_ALLOWED = "not_allowed"
    INVALID_URL = "invalid_webhook_url"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    SUBSCRIPTION_DISABLED = "webhook_disabled"
    INVALID_SINCE = "invalid_replay_start"
    INVALID_CURSOR = "invalid_cursor"
    TOO_MANY_SUBSCRIPTIONS = "too_many_webhooks"
