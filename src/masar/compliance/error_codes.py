from enum import StrEnum


class ComplianceError(StrEnum):
    NOT_ALLOWED = "compliance_not_allowed"
    NOT_FOUND = "compliance_not_found"
    INVALID_TYPE = "invalid_violation_type"
    INVALID_RULE = "invalid_compliance_rule"
    INVALID_FILTER = "invalid_filter"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_DECISION = "invalid_appeal_decision"
    ALREADY_APPEALED = "already_appealed"
    NOT_APPEALABLE = "not_appealable"
    APPEAL_DECIDED = "appeal_already_decided"
    INVOICE_CLOSED = "invoice_closed"
    OVERPAYMENT = "payment_exceeds_outstanding"
    PENALTY_NOT_ACTIVE = "penalty_not_active"
    INVALID_FILE = "invalid_survey_file"
    UNKNOWN_COMPANY = "unknown_company"
