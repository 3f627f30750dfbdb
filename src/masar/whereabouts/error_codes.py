from enum import StrEnum


class WhereaboutsError(StrEnum):
    """Stable error codes of the whereabouts app (API `code`)."""

    NOT_ALLOWED = "whereabouts_not_allowed"
    ALERT_NOT_FOUND = "whereabouts_alert_not_found"
    PILGRIM_NOT_FOUND = "whereabouts_pilgrim_not_found"
    ALERT_CLOSED = "whereabouts_alert_closed"
    ALREADY_ANSWERED = "whereabouts_alert_already_answered"
    INVALID_ANSWER = "whereabouts_invalid_answer"
    REASON_REQUIRED = "whereabouts_reason_required"
