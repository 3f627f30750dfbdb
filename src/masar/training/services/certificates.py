"""Certificates: issue (and renew), revoke, remind before expiry, and the check other apps
call before a person acts in a role that requires one (`require_certified`)."""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.core.audit import audit_record
from masar.core.dates import both_calendars, riyadh_today
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.integration.services import event_emit
from masar.training.error_codes import TrainingError
from masar.training.lock_objects import certificate_lock
from masar.training.models import (
    Certificate,
    CertificateReminder,
    CertificateStatus,
    Enrolment,
    RoleRequirement,
)
from masar.training.services.common import require_catalogue_manager

logger = logging.getLogger(__name__)

# Crockford's base32 without I, L, O, U: no letter is mistaken for a digit when typed.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
DEFAULT_REMINDER_DAYS = (60, 30, 7)


def certificate_code_new() -> str:
    """A random code of 60 bits, printed as XXXX-XXXX-XXXX."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(
        chars[i : i + CODE_GROUP_LENGTH] for i in range(0, len(chars), CODE_GROUP_LENGTH)
    )


def certificate_code_normalize(text: str) -> str:
    """Accept a code typed in lower case, with spaces, or with O/I/L for 0/1/1."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    raw = raw.translate(str.maketrans("OIL", "011"))
    return "-".join(raw[i : i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _holder_names(person: User) -> tuple[str, str]:
    english = person.get_full_name().strip() or person.username
    return english, person.full_name_ar.strip()


def certificate_issue(*, actor: User | None, enrolment: Enrolment) -> Certificate:
    """Issue the certificate of a completed enrolment. Runs inside `session_close`'s
    transaction. A refresher course issues the certificate of the course it renews; the
    holder's earlier certificate of that course is marked renewed."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("certificate_issue runs inside the session's closing transaction")
    course = enrolment.session.course.certified_course
    person = enrolment.person
    today = riyadh_today()
    previous = list(
        Certificate.objects.select_for_update(of=("self",))
        .filter(holder=person, course=course, status=CertificateStatus.VALID)
        .order_by("-issued_on", "-id")
    )
    name_en, name_ar = _holder_names(person)
    certificate = Certificate.objects.create(
        code=certificate_code_new(),
        holder=person,
        organization_id=enrolment.organization_id,
        course=course,
        enrolment=enrolment,
        holder_name_en=name_en,
        holder_name_ar=name_ar,
        issued_on=today,
        valid_until=(
            add_months(today, course.certificate_validity_months)
            if course.certificate_validity_months
            else None
        ),
        renews_certificate=previous[0] if previous else None,
    )
    if previous:
        Certificate.objects.filter(pk__in=[c.pk for c in previous]).update(
            status=CertificateStatus.RENEWED
        )
    payload = {
        "certificate_id": certificate.pk,
        "code": certificate.code,
        "holder_id": person.pk,
        "course_id": course.pk,
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "renews_certificate_id": previous[0].pk if previous else None,
    }
    audit_record(
        actor=actor,
        action="training.certificate_issued",
        target=certificate,
        organization=enrolment.organization,
        details=payload,
    )
    event_emit(
        type="training.certificate_issued",
        subject=certificate,
        payload=payload,
        organizations=[enrolment.organization_id],
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User | None, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate: the verification page says so, and it no longer qualifies."""
    require_catalogue_manager(actor)
    if not reason.strip():
        raise ValidationFailed(
            TrainingError.NOT_ALLOWED,
            _("A revocation needs a reason."),
            fields={"reason": [_("Required.")]},
        )
    certificate = certificate_lock(certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(TrainingError.CERTIFICATE_REVOKED, _("This certificate is already revoked."))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
    payload = {
        "certificate_id": certificate.pk,
        "code": certificate.code,
        "holder_id": certificate.holder_id,
        "reason": reason,
    }
    audit_record(
        actor=actor,
        action="training.certificate_revoked",
        target=certificate,
        organization=certificate.organization,
        details=payload,
    )
    event_emit(
        type="training.certificate_revoked",
        subject=certificate,
        payload=payload,
        organizations=[certificate.organization_id],
    )
    return certificate


def missing_certificates(
    *, person: User, role: str, on: dt.date | None = None
) -> list[RoleRequirement]:
    """The requirements of a role in force on a day that the person does not meet."""
    day = on or riyadh_today()
    requirements = list(
        RoleRequirement.objects.filter(role=role, is_active=True, effective_from__lte=day)
        .select_related("course")
        .order_by("course__code")
    )
    if not requirements:
        return []
    held = set(
        Certificate.objects.filter(
            holder=person,
            status=CertificateStatus.VALID,
            course__in=[r.course_id for r in requirements],
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .values_list("course_id", flat=True)
    )
    return [r for r in requirements if r.course_id not in held]


def require_certified(*, actor: User | None, role: str, on: dt.date | None = None) -> None:
    """Refuse to let a person act in a role that requires a certificate they do not hold.

    Other apps call this first in the services of a role (border crossings, applications).
    The system itself (`actor=None`) and service accounts (a port's gate, another agency's
    system) are not people who train, so they pass. Without a requirement in force for the
    role, everyone passes: a season without requirements behaves as before."""
    if actor is None or actor.is_service_account:
        return
    missing = missing_certificates(person=actor, role=role, on=on)
    if not missing:
        return
    language = translation.get_language() or "ar"
    courses = ", ".join(r.course.display_name(language) for r in missing)
    role_label = dict(Role.choices).get(role, role)
    raise Forbidden(
        TrainingError.CERTIFICATE_REQUIRED,
        _(
            "Acting as %(role)s requires a valid certificate of: %(courses)s. You may sign in "
            "and train, but not act in this role until you hold it."
        )
        % {"role": role_label, "courses": courses},
        fields={"certificate": [r.course.code for r in missing]},
    )


@dataclass(frozen=True)
class ReminderRun:
    created: int
    sent: int


def certificate_reminders_send(
    *, thresholds: Iterable[int] | None = None, today: dt.date | None = None
) -> ReminderRun:
    """Remind holders whose valid certificate expires within a threshold (days).

    Each certificate gets at most one reminder per threshold: the nearest threshold it has
    crossed. The reminder row is written first (unique per certificate and threshold), then
    the mail goes after the commit; a mail that failed is retried by the next run."""
    days = sorted({int(t) for t in (thresholds or _configured_thresholds()) if int(t) >= 0})
    if not days:
        return ReminderRun(created=0, sent=0)
    day = today or riyadh_today()
    horizon = day + dt.timedelta(days=days[-1])
    candidates = (
        Certificate.objects.filter(
            status=CertificateStatus.VALID, valid_until__gte=day, valid_until__lte=horizon
        )
        .select_related("holder", "course")
        .order_by("valid_until", "id")
    )
    created = 0
    for certificate in candidates.iterator(chunk_size=500):
        assert certificate.valid_until is not None
        left = (certificate.valid_until - day).days
        threshold = next(t for t in days if left <= t)
        with transaction.atomic():
            reminder, is_new = CertificateReminder.objects.get_or_create(
                certificate=certificate, threshold_days=threshold
            )
            if not is_new:
                continue
            created += 1
            payload = {
                "certificate_id": certificate.pk,
                "holder_id": certificate.holder_id,
                "threshold_days": threshold,
                "valid_until": certificate.valid_until,
            }
            audit_record(
                actor=None,
                action="training.certificate_reminder_due",
                target=certificate,
                organization=certificate.organization,
                details=payload,
            )
            event_emit(
                type="training.certificate_reminder_due",
                subject=certificate,
                payload=payload,
                organizations=[certificate.organization_id],
            )
    sent = certificate_reminders_deliver()
    return ReminderRun(created=created, sent=sent)


def _configured_thresholds() -> tuple[int, ...]:
    return tuple(getattr(settings, "MASAR_TRAINING_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def certificate_reminders_deliver() -> int:
    """Send every reminder not yet sent. Each is claimed with a conditional update first,
    so two runs at once never mail the same reminder twice."""
    sent = 0
    pending = CertificateReminder.objects.filter(sent_at__isnull=True).select_related(
        "certificate__holder", "certificate__course"
    )
    for reminder in pending.order_by("id"):
        claimed = CertificateReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            _reminder_mail(reminder)
        except Exception:
            logger.exception("certificate reminder %s could not be sent", reminder.pk)
            CertificateReminder.objects.filter(pk=reminder.pk).update(sent_at=None)
            continue
        sent += 1
    return sent


def _reminder_mail(reminder: CertificateReminder) -> None:
    certificate = reminder.certificate
    holder = certificate.holder
    if not holder.email:
        return
    assert certificate.valid_until is not None
    with translation.override(holder.preferred_language or "ar"):
        language = translation.get_language() or "ar"
        course = certificate.course.display_name(language)
        subject = _("Your certificate expires soon: %s") % course
        body = _(
            "Your certificate %(code)s of %(course)s is valid until %(until)s. Take the "
            "refresher course before then to keep acting in your role."
        ) % {
            "code": certificate.code,
            "course": course,
            "until": both_calendars(certificate.valid_until, language),
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [holder.email])
