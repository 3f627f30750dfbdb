from enum import StrEnum


class ReportingError(StrEnum):
    NOT_ALLOWED = "reporting_not_allowed"
    INVALID_FILTER = "reporting_invalid_filter"
    INVALID_BASELINE = "reporting_invalid_baseline"
    SEASON_NOT_FOUND = "reporting_season_not_found"
    COMPANY_NOT_FOUND = "reporting_company_not_found"
    DATASET_NOT_FOUND = "open_data_dataset_not_found"
    WEEK_OUT_OF_SEASON = "reporting_week_out_of_season"
    TABLE_NOT_FOUND = "reporting_table_not_found"
