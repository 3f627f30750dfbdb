from enum import StrEnum


class VisasError(StrEnum):
    NOT_ALLOWED = "visas_not_allowed"
    INVALID_DECISION = "invalid_decision"
    INVALID_FILTER = "invalid_filter"
    APPLICATION_NOT_FOUND = "application_not_found"
    TRACK_VALUES_MISSING = "track_values_missing"
    NOT_AWAITING_DECISION = "application_not_awaiting_decision"
    REASON_REQUIRED = "reason_required"
    INVALID_REASON_CODE = "invalid_reason_code"
    NOTHING_SELECTED = "nothing_selected"
    TOO_MANY_SELECTED = "too_many_selected"
    NOT_APPROVED = "application_not_approved"
    VISA_NOT_FOUND = "visa_not_found"
    VISA_NOT_VALID = "visa_not_valid"
    KEYS_MISSING = "visa_keys_missing"
    SEAL_UNREADABLE = "seal_unreadable"
    GROUP_NOT_FOUND = "group_not_found"
    ISSUANCE_RUNNING = "issuance_already_running"
    JOB_NOT_FOUND = "issuance_job_not_found"
    ENTRY_CLOSED = "season_closed_for_entry"
