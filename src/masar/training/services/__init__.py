"""Writes of the training app. Other apps call `require_certified(actor=..., role=...)` at the
start of a service that a role performs."""

from masar.training.services.catalogue import (
    course_create,
    programme_create,
    requirement_set,
    session_schedule,
)
from masar.training.services.certificates import (
    DEFAULT_REMINDER_DAYS,
    ReminderRun,
    certificate_code_normalize,
    certificate_issue,
    certificate_reminders_deliver,
    certificate_reminders_send,
    certificate_revoke,
    missing_certificates,
    require_certified,
)
from masar.training.services.enrolment import (
    can_cancel,
    enrolment_cancel,
    enrolment_create,
    promotion_notify,
)
from masar.training.services.results import (
    SessionResults,
    SheetImport,
    attendance_record,
    scores_record,
    session_close,
    session_sheet_import,
)

__all__ = [
    "DEFAULT_REMINDER_DAYS",
    "ReminderRun",
    "SessionResults",
    "SheetImport",
    "attendance_record",
    "can_cancel",
    "certificate_code_normalize",
    "certificate_issue",
    "certificate_reminders_deliver",
    "certificate_reminders_send",
    "certificate_revoke",
    "course_create",
    "enrolment_cancel",
    "enrolment_create",
    "missing_certificates",
    "programme_create",
    "promotion_notify",
    "require_certified",
    "requirement_set",
    "scores_record",
    "session_close",
    "session_schedule",
    "session_sheet_import",
]
