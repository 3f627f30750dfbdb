"""The second factor: enrolment codes, TOTP devices and recovery codes. Each write is audited.

A password alone never enrols a device. Enrolment (first sign-in, or after a lost phone)
needs a one-time enrolment code that a supervisor of the person's organization or an
administrator issues out of band; the code is shown once, kept as a SHA-256, expires, is
used once and is withdrawn after a few wrong guesses. Enrolment hands out recovery codes
(shown once, hashed, each usable once instead of a TOTP code). See ADR 0100.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from masar.accounts.error_codes import AccountsError
from masar.accounts.models import EnrolmentCode, RecoveryCode, User
from masar.accounts.roles import Role
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, ValidationFailed

# Crockford's base32: no I, L, O or U, so a code read over the phone is not misheard.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ENROLMENT_CODE_LENGTH = 12  # 60 bits
RECOVERY_CODE_LENGTH = 10  # 50 bits
RECOVERY_CODE_COUNT = 10
# Wrong enrolment codes typed by one person before their pending code is withdrawn.
ENROLMENT_CODE_MAX_FAILURES = 5
EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def code_normalize(value: str) -> str:
    """Upper case, Western digits, no spaces or dashes, Crockford's look-alikes folded."""
    value = value.translate(EASTERN_DIGITS).upper().translate(_CONFUSABLES)
    return "".join(ch for ch in value if ch.isascii() and ch.isalnum())


def code_digest(value: str) -> str:
    return hashlib.sha256(code_normalize(value).encode()).hexdigest()


def _new_code(length: int, group: int) -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + group] for i in range(0, length, group))


def second_factor_required(user: User) -> bool:
    """People of the ministries must hold a second factor where the setting asks for one."""
    return bool(
        settings.MASAR_REQUIRE_MINISTRY_OTP
        and not user.is_service_account
        and user.is_ministry_staff
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def may_manage_second_factor(*, actor: User | None, user: User) -> bool:
    """An administrator (no actor: the `masar` command, or a superuser), or a supervisor
    of the person's organization; never the person for themselves."""
    if user.is_service_account:
        return False
    if actor is None:
        return True
    if actor.pk == user.pk:
        return False
    if actor.is_superuser:
        return True
    return bool(
        actor.organization_id is not None
        and actor.organization_id == user.organization_id
        and actor.has_role(Role.SUPERVISOR)
    )


def _check_manager(actor: User | None, user: User) -> None:
    if user.is_service_account:
        raise ValidationFailed(
            AccountsError.NOT_ALLOWED,
            _("Service accounts sign in with tokens and have no second factor."),
        )
    if not may_manage_second_factor(actor=actor, user=user):
        raise Forbidden(
            AccountsError.NOT_ALLOWED,
            _(
                "Only a supervisor of this person's organization or an administrator may "
                "do this, and never for themselves."
            ),
        )


def _withdraw_pending_codes(user: User, now: datetime) -> int:
    return EnrolmentCode.objects.filter(
        user=user, used_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)


@transaction.atomic
def enrolment_code_issue(*, actor: User | None, user: User) -> tuple[EnrolmentCode, str]:
    """Issue a one-time enrolment code for `user` and return it with the code, which is
    never stored nor shown again. Any earlier pending code is withdrawn."""
    _check_manager(actor, user)
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    _withdraw_pending_codes(user, now)
    plain = _new_code(ENROLMENT_CODE_LENGTH, 4)
    entry = EnrolmentCode.objects.create(
        user=user,
        digest=code_digest(plain),
        issued_by=actor,
        issued_at=now,
        expires_at=now + timedelta(hours=settings.MASAR_ENROLMENT_CODE_HOURS),
    )
    audit_record(
        actor=actor,
        action="second_factor.enrolment_code_issued",
        target=user,
        organization=user.organization,
        details={"user": user.username, "expires_at": entry.expires_at.isoformat()},
    )
    return entry, plain


@transaction.atomic
def second_factor_reset(*, actor: User | None, user: User) -> int:
    """Forget a person's devices and recovery codes (a lost phone): they enrol again with a
    new enrolment code. Returns the number of devices removed."""
    _check_manager(actor, user)
    User.objects.select_for_update().filter(pk=user.pk).first()
    devices, _detail = TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    _withdraw_pending_codes(user, timezone.now())
    audit_record(
        actor=actor,
        action="second_factor.reset",
        target=user,
        organization=user.organization,
        details={"user": user.username, "devices": devices},
    )
    return devices


@transaction.atomic
def second_factor_reissue(*, actor: User | None, user: User) -> tuple[EnrolmentCode, str]:
    """A lost device: reset the person's second factor and issue a new enrolment code,
    both or neither."""
    second_factor_reset(actor=actor, user=user)
    return enrolment_code_issue(actor=actor, user=user)


def _invalid_enrolment_code() -> ValidationFailed:
    return ValidationFailed(
        AccountsError.ENROLMENT_CODE_INVALID,
        _("This enrolment code is not valid."),
        fields={
            "enrolment_code": [
                _(
                    "Check the code your supervisor gave you. It works once and expires; "
                    "ask for a new one if it has."
                )
            ]
        },
    )


def enrolment_start(*, user: User, code: str) -> tuple[EnrolmentCode, TOTPDevice]:
    """Check a person's enrolment code and give them a fresh, unconfirmed device whose
    secret only this enrolment sees. The code is spent when the device is confirmed."""
    entry: EnrolmentCode | None = None
    with transaction.atomic():
        if confirmed_device(user) is not None:
            raise Conflict(
                AccountsError.ALREADY_ENROLLED,
                _("You already have a second factor. Ask your supervisor to reset it."),
            )
        now = timezone.now()
        pending = EnrolmentCode.objects.select_for_update().filter(
            user=user, used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now
        )
        entry = pending.filter(digest=code_digest(code)).first() if code_normalize(code) else None
        if entry is None:
            pending.update(failed_attempts=F("failed_attempts") + 1)
            worn = list(pending.filter(failed_attempts__gte=ENROLMENT_CODE_MAX_FAILURES))
            if worn:
                pending.filter(pk__in=[c.pk for c in worn]).update(withdrawn_at=now)
                audit_record(
                    actor=user,
                    action="second_factor.enrolment_code_withdrawn",
                    target=user,
                    organization=user.organization,
                    details={"user": user.username, "reason": "too_many_failed_attempts"},
                )
        else:
            # A secret seen by an earlier, abandoned attempt is never reused.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name="masar", confirmed=False)
    if entry is None:
        raise _invalid_enrolment_code()
    return entry, device


@transaction.atomic
def second_factor_enrol(
    *, user: User, enrolment_code_id: int, device_id: int, token: str
) -> list[str]:
    """Confirm the device started with an enrolment code by a TOTP code from it. Spends
    the enrolment code and returns the new recovery codes (shown once)."""
    entry = (
        EnrolmentCode.objects.select_for_update().filter(pk=enrolment_code_id, user=user).first()
    )
    if entry is None or not entry.is_usable():
        raise _invalid_enrolment_code()
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None or confirmed_device(user) is not None:
        raise _invalid_enrolment_code()
    token = token.strip().translate(EASTERN_DIGITS)
    if not (token.isascii() and token.isdigit()) or not device.verify_token(token):
        raise ValidationFailed(
            AccountsError.SECOND_FACTOR_CODE_INVALID,
            _("That code is not valid. Check your device's clock and try again."),
            fields={"token": [_("Type the six-digit code your authenticator shows now.")]},
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    now = timezone.now()
    entry.used_at = now
    entry.save(update_fields=["used_at"])
    plain = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="second_factor.enrolled",
        target=user,
        organization=user.organization,
        details={
            "user": user.username,
            "device": device.pk,
            "enrolment_code_issued_by": entry.issued_by.username if entry.issued_by else None,
            "recovery_codes": len(plain),
        },
    )
    return plain


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    plain = [_new_code(RECOVERY_CODE_LENGTH, 5) for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=code_digest(code)) for code in plain]
    )
    return plain


def totp_confirm(*, user: User, token: str) -> bool:
    """Whether `token` is the current code of the person's confirmed device (throttled by
    django-otp after failures)."""
    device = confirmed_device(user)
    token = (token or "").strip().translate(EASTERN_DIGITS)
    if device is None or not (token.isascii() and token.isdigit()):
        return False
    return bool(device.verify_token(token))


@transaction.atomic
def recovery_codes_regenerate(*, user: User, token: str) -> list[str]:
    """New recovery codes for a person who confirms a current TOTP code; the old ones stop
    working."""
    if confirmed_device(user) is None:
        raise Conflict(AccountsError.NOT_ENROLLED, _("You have no second factor yet."))
    if not totp_confirm(user=user, token=token):
        raise ValidationFailed(
            AccountsError.SECOND_FACTOR_CODE_INVALID,
            _("That code is not valid. Check your device's clock and try again."),
            fields={"token": [_("Type the six-digit code your authenticator shows now.")]},
        )
    plain = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="second_factor.recovery_codes_regenerated",
        target=user,
        organization=user.organization,
        details={"user": user.username, "recovery_codes": len(plain)},
    )
    return plain


def recovery_code_use(*, user: User, code: str) -> TOTPDevice | None:
    """Spend one recovery code instead of a TOTP code. Returns the person's device (to mark
    the session verified) or None when the code is wrong or spent. Wrong codes count
    against the device's throttle, as wrong TOTP codes do."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None or not device.verify_is_allowed()[0]:
            return None
        entry = (
            RecoveryCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, digest=code_digest(code))
            .first()
            if code_normalize(code)
            else None
        )
        if entry is not None:
            entry.used_at = timezone.now()
            entry.save(update_fields=["used_at"])
            device.throttle_reset(commit=True)
            remaining = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
            audit_record(
                actor=user,
                action="second_factor.recovery_code_used",
                target=user,
                organization=user.organization,
                details={"user": user.username, "remaining": remaining},
            )
            return device
    device.throttle_increment(commit=True)
    return None


def recovery_codes_remaining(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
