from enum import StrEnum


class BorderError(StrEnum):
    """Stable error codes of the border app (API `code`)."""

    NOT_ALLOWED = "border_not_allowed"
    PORT_NOT_FOUND = "port_not_found"
    PORT_INACTIVE = "port_inactive"
    NOT_ASSIGNED = "officer_not_assigned_to_port"
    INVALID_CROSSING = "invalid_crossing"
    INVALID_DIRECTION = "invalid_direction"
    CLIENT_EVENT_ID_REQUIRED = "client_event_id_required"
    BATCH_TOO_LARGE = "batch_too_large"
    BATCH_EMPTY = "batch_empty"
    OVERSTAY_NOT_FOUND = "overstay_not_found"
    OVERSTAY_CLOSED = "overstay_closed"
    NOTICE_ALREADY_FILED = "escape_notice_already_filed"
    EVIDENCE_REQUIRED = "evidence_required"
    STATEMENT_REQUIRED = "statement_required"
    PILGRIM_NOT_FOUND = "pilgrim_not_found"
    NOT_A_CARRIER = "not_a_carrier"


class RefusalCode(StrEnum):
    """Why a crossing is refused (stable, part of the API and of the carrier check)."""

    NO_VISA = "no_visa"
    VISA_LAPSED = "visa_lapsed"
    VISA_REVOKED = "visa_revoked"
    VISA_EXPIRED = "visa_expired"
    SEAL_INVALID = "seal_invalid"
    MRZ_INVALID = "mrz_invalid"
    PASSPORT_MISMATCH = "passport_mismatch"
    OUTSIDE_ENTRY_WINDOW = "outside_entry_window"
    ALREADY_INSIDE = "already_inside"
    NOT_INSIDE = "not_inside"
    ALREADY_DEPARTED = "already_departed"
    APPLICATION_NOT_ISSUED = "application_not_issued"
