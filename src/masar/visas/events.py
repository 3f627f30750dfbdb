"""Event types of the visas app, registered in the integration catalogue."""

from __future__ import annotations

from masar.integration.catalogue import DATE, DATETIME, INT, STR, EventType, _object, register

TYPES = [
    EventType(
        "visa.issued",
        1,
        "An e-visa was issued to an approved application: its number, type, validity window, "
        "permitted stay and number of entries (0 = multiple). The application moves to "
        "`issued` in the same transaction (`application.issued`).",
        _object(
            {
                "visa_number": STR,
                "application_id": INT,
                "application_number": STR,
                "season_id": INT,
                "company_id": INT,
                "agent_id": INT,
                "visa_type": STR,
                "valid_from": DATE,
                "valid_until": DATE,
                "stay_days": INT,
                "entries": INT,
                "issued_at": DATETIME,
            }
        ),
        examples=[
            {
                "visa_number": "000001234",
                "application_id": 42,
                "application_number": "A26000042",
                "season_id": 1,
                "company_id": 3,
                "agent_id": 7,
                "visa_type": "umrah",
                "valid_from": "2026-11-25",
                "valid_until": "2027-02-23",
                "stay_days": 90,
                "entries": 1,
                "issued_at": "2026-11-25T09:00:00+00:00",
            }
        ],
    ),
    EventType(
        "visa.revoked",
        1,
        "An e-visa was revoked: `reason` is `cancelled` (by a visa officer, with "
        "`reason_code`) or `lapsed` (not used for entry within its validity). Its number "
        "appears on the next revocation list (`GET /api/v1/revocations/`).",
        _object(
            {
                "visa_number": STR,
                "application_id": INT,
                "season_id": INT,
                "company_id": INT,
                "agent_id": INT,
                "reason": STR,
                "reason_code": STR,
                "revoked_at": DATETIME,
            }
        ),
        examples=[
            {
                "visa_number": "000001234",
                "application_id": 42,
                "season_id": 1,
                "company_id": 3,
                "agent_id": 7,
                "reason": "lapsed",
                "reason_code": "",
                "revoked_at": "2027-02-24T00:00:00+00:00",
            }
        ],
    ),
]

for _type in TYPES:
    register(_type)
