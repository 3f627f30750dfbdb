"""Event types of the border app, registered in the integration catalogue.

Audience: the ministries (catalogue) and, per event, the company and the agent of the
pilgrim (`organizations` given by the service).
"""

from __future__ import annotations

from masar.integration.catalogue import (
    DATE,
    DATETIME,
    INT,
    STR,
    EventType,
    _object,
    register,
)

NULLABLE_INT = {"type": ["integer", "null"]}
NULLABLE_STR = {"type": ["string", "null"]}
BOOL = {"type": "boolean"}

TYPES = [
    EventType(
        "crossing.recorded",
        1,
        "An entry or exit was presented at a port (by an officer, a gate or a port's system) "
        "and recorded, accepted or refused with a `refusal_code`. `occurred_at` is the original "
        "time at the port (a late batch from an offline port keeps it). The application ids "
        "are null when no visa was found.",
        _object(
            {
                "crossing_id": INT,
                "client_event_id": STR,
                "port_code": STR,
                "port_type": STR,
                "direction": STR,
                "occurred_at": DATETIME,
                "outcome": STR,
                "refusal_code": STR,
                "application_id": NULLABLE_INT,
                "application_number": NULLABLE_STR,
                "visa_number": NULLABLE_STR,
                "company_id": NULLABLE_INT,
                "agent_id": NULLABLE_INT,
                "season_id": NULLABLE_INT,
            }
        ),
        examples=[
            {
                "crossing_id": 17,
                "client_event_id": "JED-T1-2026-11-25-000017",
                "port_code": "JED",
                "port_type": "air",
                "direction": "entry",
                "occurred_at": "2026-11-25T06:40:00+00:00",
                "outcome": "accepted",
                "refusal_code": "",
                "application_id": 42,
                "application_number": "A26000042",
                "visa_number": "000001234",
                "company_id": 3,
                "agent_id": 7,
                "season_id": 1,
            }
        ],
    ),
    EventType(
        "crossing.revised",
        1,
        "A late crossing from a port that was offline changed the outcome of a crossing "
        "recorded earlier (crossings of a pilgrim are applied in the order of their original "
        "times): the crossing's new `outcome` and `refusal_code`.",
        _object(
            {
                "crossing_id": INT,
                "client_event_id": STR,
                "direction": STR,
                "occurred_at": DATETIME,
                "outcome": STR,
                "refusal_code": STR,
                "previous_outcome": STR,
                "application_id": INT,
                "company_id": INT,
                "agent_id": INT,
                "season_id": INT,
            }
        ),
        examples=[
            {
                "crossing_id": 18,
                "client_event_id": "HAD-L2-000311",
                "direction": "exit",
                "occurred_at": "2026-12-20T21:05:00+00:00",
                "outcome": "accepted",
                "refusal_code": "",
                "previous_outcome": "refused",
                "application_id": 42,
                "company_id": 3,
                "agent_id": 7,
                "season_id": 1,
            }
        ],
    ),
    EventType(
        "overstay.detected",
        1,
        "The daily sweep found a pilgrim still in the kingdom after the permitted departure "
        "date (kingdom-local day). The company must file an escape notice by `notice_due_at`.",
        _object(
            {
                "overstay_id": INT,
                "application_id": INT,
                "application_number": STR,
                "company_id": INT,
                "agent_id": INT,
                "season_id": INT,
                "nationality": STR,
                "permitted_departure": DATE,
                "detected_on": DATE,
                "notice_due_at": DATETIME,
            }
        ),
        examples=[
            {
                "overstay_id": 5,
                "application_id": 42,
                "application_number": "A26000042",
                "company_id": 3,
                "agent_id": 7,
                "season_id": 1,
                "nationality": "IDN",
                "permitted_departure": "2027-02-20",
                "detected_on": "2027-02-21",
                "notice_due_at": "2027-02-22T00:05:00+03:00",
            }
        ],
    ),
    EventType(
        "overstay.closed",
        1,
        "An overstayer left the kingdom: the overstay is closed with the days overstayed "
        "(kingdom-local days after the permitted departure; 0 when a late batch shows the "
        "pilgrim had left in time).",
        _object(
            {
                "overstay_id": INT,
                "application_id": INT,
                "company_id": INT,
                "agent_id": INT,
                "season_id": INT,
                "exited_at": DATETIME,
                "days_overstayed": INT,
            }
        ),
        examples=[
            {
                "overstay_id": 5,
                "application_id": 42,
                "company_id": 3,
                "agent_id": 7,
                "season_id": 1,
                "exited_at": "2027-02-25T10:00:00+00:00",
                "days_overstayed": 5,
            }
        ],
    ),
    EventType(
        "escape_notice.filed",
        1,
        "A company filed an escape notice (statement and evidence) for its overstaying "
        "pilgrim; `late` when filed after the overstay's `notice_due_at`.",
        _object(
            {
                "overstay_id": INT,
                "application_id": INT,
                "company_id": INT,
                "agent_id": INT,
                "season_id": INT,
                "filed_at": DATETIME,
                "late": BOOL,
            }
        ),
        examples=[
            {
                "overstay_id": 5,
                "application_id": 42,
                "company_id": 3,
                "agent_id": 7,
                "season_id": 1,
                "filed_at": "2027-02-21T15:00:00+03:00",
                "late": False,
            }
        ],
    ),
]

for _type in TYPES:
    register(_type)
