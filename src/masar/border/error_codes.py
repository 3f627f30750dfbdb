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


class CarrierCode(StrEnum):
    """The only codes a carrier check answers: coarse enough to tell the carrier what to do
    (board, turn away, send to another day, call the authorities), never why in detail —
    a revocation, a lapse or a past stay is the ministry's to know, not the airline's."""

    OK = "ok"
    NO_VALID_VISA = "no_valid_visa"
    OUTSIDE_TRAVEL_DATES = "outside_travel_dates"
    REFER_TO_AUTHORITIES = "refer_to_authorities"


_CARRIER_CODES: dict[str, CarrierCode] = {
    RefusalCode.NO_VISA: CarrierCode.NO_VALID_VISA,
    RefusalCode.VISA_LAPSED: CarrierCode.NO_VALID_VISA,
    RefusalCode.VISA_REVOKED: CarrierCode.NO_VALID_VISA,
    RefusalCode.VISA_EXPIRED: CarrierCode.NO_VALID_VISA,
    RefusalCode.SEAL_INVALID: CarrierCode.NO_VALID_VISA,
    RefusalCode.MRZ_INVALID: CarrierCode.NO_VALID_VISA,
    RefusalCode.PASSPORT_MISMATCH: CarrierCode.NO_VALID_VISA,
    RefusalCode.APPLICATION_NOT_ISSUED: CarrierCode.NO_VALID_VISA,
    RefusalCode.OUTSIDE_ENTRY_WINDOW: CarrierCode.OUTSIDE_TRAVEL_DATES,
}


def carrier_code(refusal: str) -> CarrierCode:
    """The coarse answer for a detailed refusal code (`ok` for none); anything not mapped —
    a stay already open, a departure already recorded — is for the authorities to handle."""
    if refusal in ("", CarrierCode.OK):
        return CarrierCode.OK
    return _CARRIER_CODES.get(refusal, CarrierCode.REFER_TO_AUTHORITIES)
