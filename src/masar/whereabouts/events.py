"""Event types of the whereabouts app, registered in the integration catalogue.

Audience: the ministry of Hajj and Umrah and the interior ministry (catalogue) and, per
event, the company and the agent of the pilgrim (`organizations` given by the service).
"""

from __future__ import annotations

from masar.integration.catalogue import DATETIME, INT, STR, EventType, _object, register

NULLABLE_INT = {"type": ["integer", "null"]}
NULLABLE_STR = {"type": ["string", "null"]}
BOOL = {"type": "boolean"}
MINISTRIES = ("mohu", "moi")

_EXAMPLE = {
    "alert_id": 12,
    "application_id": 42,
    "application_number": "A26000042",
    "kind": "not_checked_in",
    "company_id": 3,
    "agent_id": 7,
    "season_id": 1,
    "nationality": "IDN",
}

TYPES = [
    EventType(
        "whereabouts_alert.raised",
        1,
        "The whereabouts sweep found a pilgrim in the kingdom whom the hotel stays and trips do "
        "not place as the package plans (`kind`: not_checked_in, checked_out_no_onward, "
        "past_planned_nights, off_plan_city). The company answers by `deadline`, or the alert "
        "is escalated to the ministries. `city` is where the pilgrim was last seen, when known.",
        _object(
            {
                "alert_id": INT,
                "application_id": INT,
                "application_number": STR,
                "kind": STR,
                "company_id": INT,
                "agent_id": INT,
                "season_id": INT,
                "nationality": STR,
                "city": STR,
                "hotel_id": NULLABLE_INT,
                "detected_at": DATETIME,
                "deadline": DATETIME,
            }
        ),
        ministries=MINISTRIES,
        examples=[
            {
                **_EXAMPLE,
                "city": "",
                "hotel_id": None,
                "detected_at": "2026-11-26T07:00:00+03:00",
                "deadline": "2026-11-27T07:00:00+03:00",
            }
        ],
    ),
    EventType(
        "whereabouts_alert.answered",
        1,
        "The company answered a whereabouts alert: `found`, `moved` (with a reason) or "
        "`absconded` (an absconding report, which raises a compliance violation: "
        "`violation_id`). `late` when answered after the deadline.",
        _object(
            {
                "alert_id": INT,
                "application_id": INT,
                "kind": STR,
                "company_id": INT,
                "agent_id": INT,
                "season_id": INT,
                "answer": STR,
                "reason": STR,
                "answered_at": DATETIME,
                "late": BOOL,
                "violation_id": NULLABLE_INT,
            }
        ),
        ministries=MINISTRIES,
        examples=[
            {
                "alert_id": 12,
                "application_id": 42,
                "kind": "not_checked_in",
                "company_id": 3,
                "agent_id": 7,
                "season_id": 1,
                "answer": "moved",
                "reason": "Stayed with relatives in Jeddah for one night.",
                "answered_at": "2026-11-26T10:15:00+03:00",
                "late": False,
                "violation_id": None,
            }
        ],
    ),
    EventType(
        "whereabouts_alert.escalated",
        1,
        "A whereabouts alert was not answered by its deadline: the sweep escalated it to the "
        "ministries.",
        _object(
            {
                **{
                    k: INT
                    for k in ("alert_id", "application_id", "company_id", "agent_id", "season_id")
                },
                "kind": STR,
                "nationality": STR,
                "deadline": DATETIME,
                "escalated_at": DATETIME,
            }
        ),
        ministries=MINISTRIES,
        examples=[
            {
                **_EXAMPLE,
                "deadline": "2026-11-27T07:00:00+03:00",
                "escalated_at": "2026-11-27T08:00:00+03:00",
            }
        ],
    ),
    EventType(
        "whereabouts_alert.closed",
        1,
        "A whereabouts alert no longer holds: the field events place the pilgrim again "
        "(`resolved`) or the pilgrim left the kingdom (`left`).",
        _object(
            {
                "alert_id": INT,
                "application_id": INT,
                "kind": STR,
                "company_id": INT,
                "agent_id": INT,
                "season_id": INT,
                "closed_reason": STR,
                "closed_at": DATETIME,
            }
        ),
        ministries=MINISTRIES,
        examples=[
            {
                "alert_id": 12,
                "application_id": 42,
                "kind": "not_checked_in",
                "company_id": 3,
                "agent_id": 7,
                "season_id": 1,
                "closed_reason": "resolved",
                "closed_at": "2026-11-26T12:00:00+03:00",
            }
        ],
    ),
]

for _type in TYPES:
    register(_type)
