"""Event types of the reporting app, registered in the integration catalogue."""

from __future__ import annotations

from masar.integration.catalogue import DATE, DATETIME, INT, STR, EventType, _object, register

TYPES = [
    EventType(
        "reporting.baseline_updated",
        1,
        "The ministry changed a season's paper-process baseline, against which the dashboard "
        "measures the time and the staff hours Masar saves.",
        _object(
            {
                "season_id": INT,
                "days_end_to_end": STR,
                "staff_minutes_per_application": INT,
                "staff_minutes_per_manual_decision": INT,
            }
        ),
        ministries=("mohu",),
        examples=[
            {
                "season_id": 1,
                "days_end_to_end": "14.0",
                "staff_minutes_per_application": 45,
                "staff_minutes_per_manual_decision": 10,
            }
        ],
    ),
    EventType(
        "reporting.weekly_report_generated",
        1,
        "A weekly season report (bilingual PDF) was generated, by the scheduled task or on "
        "demand; week 1 starts on the season's first day.",
        _object(
            {
                "report_id": INT,
                "season_id": INT,
                "week": INT,
                "starts_on": DATE,
                "ends_on": DATE,
                "generated_at": DATETIME,
            }
        ),
        examples=[
            {
                "report_id": 3,
                "season_id": 1,
                "week": 12,
                "starts_on": "2026-08-13",
                "ends_on": "2026-08-19",
                "generated_at": "2026-08-20T03:00:00+03:00",
            }
        ],
    ),
]

for _type in TYPES:
    register(_type)
