from enum import StrEnum


class ScreeningError(StrEnum):
    NOT_ALLOWED = "screening_not_allowed"
    WATCHLIST_EXISTS = "watchlist_exists"
    WATCHLIST_NOT_FOUND = "watchlist_not_found"
    INVALID_WATCHLIST = "invalid_watchlist"
    INVALID_FILE = "invalid_watchlist_file"
    FILE_TOO_LARGE = "watchlist_file_too_large"
    IMPORT_RUNNING = "watchlist_import_running"
    REVIEW_NOT_FOUND = "review_not_found"
    REVIEW_DECIDED = "review_already_decided"
    REASON_REQUIRED = "reason_required"
    INVALID_DECISION = "invalid_decision"
    INVALID_QUERY = "invalid_match_query"
    INVALID_BAN = "invalid_ban"
    BAN_LIFTED = "ban_already_lifted"
