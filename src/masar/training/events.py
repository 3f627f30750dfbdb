"""Event types of the training app, registered in the integration catalogue.

Imported by `TrainingConfig.ready()`. Training concerns the ministry of Hajj and Umrah (it
runs it); the person's own organization is named on each event by the service, so a
company sees its staff's training and the ministry of interior its border officers'.
"""

from __future__ import annotations

from masar.integration.catalogue import (
    DATE,
    INT,
    NULLABLE_STR,
    STR,
    EventType,
    _object,
    register,
)

NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
NULLABLE_NUMBER = {"type": ["string", "number", "null"]}
MOHU = ("mohu",)

ENROLMENT = {
    "enrolment_id": INT,
    "session_id": INT,
    "course_id": INT,
    "person_id": INT,
    "organization_id": INT,
    "status": STR,
}

register(
    EventType(
        "training.programme_created",
        1,
        "A training programme was added to the catalogue.",
        _object({"programme_id": INT, "code": STR, "title_en": STR}),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.course_created",
        1,
        "A course was added to a programme, with its completion rules.",
        _object(
            {
                "course_id": INT,
                "programme_id": INT,
                "code": STR,
                "title_en": STR,
                "audience_roles": {"type": "array", "items": STR},
                "pass_mark": {"type": ["integer", "null"]},
                "attendance_required_pct": INT,
                "certificate_validity_months": {"type": ["integer", "null"]},
            }
        ),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.session_scheduled",
        1,
        "A session of a course was scheduled with its trainer, days and seats.",
        _object(
            {
                "session_id": INT,
                "course_id": INT,
                "trainer_id": INT,
                "starts_on": DATE,
                "ends_on": DATE,
                "capacity": INT,
            }
        ),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.enrolment_created",
        1,
        "A person was enrolled in a session (nominated or on their own), or put on its "
        "waiting list when it was full.",
        _object({**ENROLMENT, "nominated_by_id": {"type": ["integer", "null"]}}),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.enrolment_cancelled",
        1,
        "An enrolment (or a place on the waiting list) was cancelled.",
        _object({**ENROLMENT, "previous_status": STR}),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.enrolment_promoted",
        1,
        "A seat freed and the first person on the waiting list moved up into it.",
        _object(ENROLMENT),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.attendance_recorded",
        1,
        "A trainer recorded attendance for one day of a session.",
        _object({"session_id": INT, "day": DATE, "present": INT, "absent": INT}),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.scores_recorded",
        1,
        "A trainer recorded assessment scores for a session.",
        _object({"session_id": INT, "count": INT}),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.session_closed",
        1,
        "A session's results were made final: who completed the course and who did not.",
        _object({"session_id": INT, "course_id": INT, "completed": INT, "not_completed": INT}),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.enrolment_decided",
        1,
        "A person's result in a session: completed (a certificate follows) or not completed.",
        _object(
            {
                **ENROLMENT,
                "attendance_pct": NULLABLE_NUMBER,
                "score": NULLABLE_NUMBER,
            }
        ),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.certificate_issued",
        1,
        "A certificate was issued (or renewed by a refresher course).",
        _object(
            {
                "certificate_id": INT,
                "code": STR,
                "holder_id": INT,
                "course_id": INT,
                "issued_on": DATE,
                "valid_until": NULLABLE_DATE,
                "renews_certificate_id": {"type": ["integer", "null"]},
            }
        ),
    )
)
register(
    EventType(
        "training.certificate_revoked",
        1,
        "A certificate was revoked; the verification page says so.",
        _object({"certificate_id": INT, "code": STR, "holder_id": INT, "reason": STR}),
    )
)
register(
    EventType(
        "training.certificate_reminder_due",
        1,
        "A certificate expires within the threshold; its holder is reminded once per threshold.",
        _object(
            {"certificate_id": INT, "holder_id": INT, "threshold_days": INT, "valid_until": DATE}
        ),
        ministries=MOHU,
    )
)
register(
    EventType(
        "training.requirement_set",
        1,
        "A role now requires (or no longer requires) a valid certificate of a course.",
        _object(
            {
                "requirement_id": INT,
                "role": STR,
                "course_id": INT,
                "is_active": {"type": "boolean"},
                "effective_from": DATE,
                "note": NULLABLE_STR,
            },
            required=["requirement_id", "role", "course_id", "is_active", "effective_from"],
        ),
    )
)
