from enum import StrEnum


class CoreError(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    NOT_AUTHENTICATED = "not_authenticated"
    VALIDATION = "validation_error"
    THROTTLED = "throttled"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA = "unsupported_media_type"
    PARSE_ERROR = "parse_error"
    IDEMPOTENCY_MISMATCH = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_key_in_progress"
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    ROLE_REQUIRED = "role_required"
    SCOPE_REQUIRED = "scope_required"
    INVALID_DATE = "invalid_date"
    INVALID_CURSOR = "invalid_cursor"
    PAGE_OUT_OF_RANGE = "page_out_of_range"
    PDF_UNAVAILABLE = "pdf_unavailable"
    METRICS_FORBIDDEN = "metrics_forbidden"
    JSON_TOO_DEEP = "json_too_deep"
    NUMBER_OUT_OF_RANGE = "number_out_of_range"
