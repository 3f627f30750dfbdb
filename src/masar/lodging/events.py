"""Event types of accommodation and transport in the kingdom, registered in the integration
catalogue.

Audience: the ministries (catalogue); per event, the provider itself and, for the field
events, the pilgrim's company and agent (`organizations` given by the service).
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

NULLABLE_STR = {"type": ["string", "null"]}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}

_PROVIDER = {"provider_kind": STR, "provider_id": INT, "licence_number": STR, "status": STR}
_PROVIDER_EXAMPLE = {
    "provider_kind": "hotel",
    "provider_id": 4,
    "licence_number": "HTL-MAK-0042",
    "status": "active",
}

TYPES = [
    EventType(
        "provider.registered",
        1,
        "The ministry registered a licensed hotel or transport operator (`provider_kind` "
        "hotel or transport).",
        _object({**_PROVIDER, "city": NULLABLE_STR}),
        examples=[{**_PROVIDER_EXAMPLE, "city": "makkah"}],
    ),
    EventType(
        "provider.suspended",
        1,
        "The ministry suspended a hotel or transport operator: it may no longer take new "
        "packages, and an eligibility check refuses the packages planned at a suspended hotel.",
        _object({**_PROVIDER, "reason": STR}),
        examples=[{**_PROVIDER_EXAMPLE, "status": "suspended", "reason": "Fire safety"}],
    ),
    EventType(
        "provider.reinstated",
        1,
        "The ministry lifted the suspension of a hotel or transport operator.",
        _object({**_PROVIDER, "reason": STR}),
        examples=[{**_PROVIDER_EXAMPLE, "reason": "Inspection passed"}],
    ),
    EventType(
        "hotel_stay.recorded",
        1,
        "A hotel checked a pilgrim in or out (at the front desk or through its property "
        "system). `occurred_at` is the original time (a late batch keeps it); the stay's "
        "`checked_in_at`/`checked_out_at` are the result once the pilgrim's events at the "
        "hotel are applied in time order.",
        _object(
            {
                "stay_event_id": INT,
                "client_event_id": STR,
                "kind": STR,
                "occurred_at": DATETIME,
                "hotel_id": INT,
                "city": STR,
                "application_id": INT,
                "company_id": INT,
                "agent_id": INT,
                "source": STR,
            }
        ),
        examples=[
            {
                "stay_event_id": 12,
                "client_event_id": "PMS-2026-000012",
                "kind": "check_in",
                "occurred_at": "2026-12-03T14:10:00+03:00",
                "hotel_id": 4,
                "city": "makkah",
                "application_id": 42,
                "company_id": 3,
                "agent_id": 7,
                "source": "api",
            }
        ],
    ),
    EventType(
        "trip.recorded",
        1,
        "A transport operator posted a trip between two cities with its passenger list.",
        _object(
            {
                "trip_id": INT,
                "client_trip_id": STR,
                "operator_id": INT,
                "from_city": STR,
                "to_city": STR,
                "departure_at": DATETIME,
                "passengers": INT,
            }
        ),
        examples=[
            {
                "trip_id": 9,
                "client_trip_id": "HHR-2026-12-05-0931",
                "operator_id": 2,
                "from_city": "makkah",
                "to_city": "madinah",
                "departure_at": "2026-12-05T09:31:00+03:00",
                "passengers": 48,
            }
        ],
    ),
    EventType(
        "trip.boarded",
        1,
        "A pilgrim on a trip's list was scanned on boarding, at `boarded_at`.",
        _object(
            {
                "trip_id": INT,
                "operator_id": INT,
                "from_city": STR,
                "to_city": STR,
                "application_id": INT,
                "company_id": INT,
                "agent_id": INT,
                "boarded_at": DATETIME,
                "travel_date": DATE,
            }
        ),
        examples=[
            {
                "trip_id": 9,
                "operator_id": 2,
                "from_city": "makkah",
                "to_city": "madinah",
                "application_id": 42,
                "company_id": 3,
                "agent_id": 7,
                "boarded_at": "2026-12-05T09:20:00+03:00",
                "travel_date": "2026-12-05",
            }
        ],
    ),
]

for _type in TYPES:
    register(_type)
