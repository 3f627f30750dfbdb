from enum import StrEnum


class OperatorsError(StrEnum):
    COMPANY_NOT_FOUND = "company_not_found"
    AGENT_NOT_FOUND = "agent_not_found"
    CONTRACT_NOT_FOUND = "contract_not_found"
    LICENCE_NUMBER_TAKEN = "licence_number_taken"
    INVALID_DATES = "invalid_dates"
    INVALID_COUNTRY = "invalid_country"
    ALREADY_SUSPENDED = "company_already_suspended"
    NOT_SUSPENDED = "company_not_suspended"
    REVOKED = "company_revoked"
    CONTRACT_OVERLAP = "contract_overlaps"
    CONTRACT_NOT_ACTIVE = "contract_not_active"
    AGENT_BARRED = "agent_barred"
    NOT_ALLOWED = "not_allowed"
