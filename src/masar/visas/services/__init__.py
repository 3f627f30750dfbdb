"""Writes of the visas app: decisions, issuance, cancellation and lapse."""

from masar.visas.services.decisions import (
    APPROVE,
    REJECT,
    DecisionBatch,
    application_decide,
    applications_decide,
)
from masar.visas.services.issuance import (
    issuance_enqueue,
    issuance_job_run,
    issuance_job_start,
    visa_issue,
    visa_number_format,
    visa_number_valid,
    visas_issue,
    visas_issue_numbers,
)
from masar.visas.services.revocation import (
    revocation_list_bytes,
    seal_check,
    visa_cancel,
    visa_cancel_reason_check,
    visas_lapse,
)

__all__ = [
    "APPROVE",
    "REJECT",
    "DecisionBatch",
    "application_decide",
    "applications_decide",
    "issuance_enqueue",
    "issuance_job_run",
    "issuance_job_start",
    "revocation_list_bytes",
    "seal_check",
    "visa_cancel",
    "visa_cancel_reason_check",
    "visa_issue",
    "visa_number_format",
    "visa_number_valid",
    "visas_issue",
    "visas_issue_numbers",
    "visas_lapse",
]
