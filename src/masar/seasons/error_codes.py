from enum import StrEnum


class SeasonsError(StrEnum):
    CODE_TAKEN = "season_code_taken"
    CALENDAR_ORDER = "season_calendar_out_of_order"
    UNKNOWN_RULE = "unknown_rule_setting"
    INVALID_RULE_VALUE = "invalid_rule_value"
    QUOTA_HOLDER = "invalid_quota_holder"
    QUOTA_BELOW_USED = "quota_below_used"
    QUOTA_EXCEEDED = "quota_exceeded"
    NOT_ALLOWED = "not_allowed"
    SEASON_NOT_FOUND = "season_not_found"
