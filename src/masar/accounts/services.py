"""Writes for organizations, people, roles and API tokens. Each one is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.error_codes import AccountsError
from masar.accounts.models import ApiToken, Membership, Organization, TokenScope, User
from masar.accounts.roles import ROLES_BY_KIND, OrganizationKind
from masar.accounts.second_factor import confirmed_device, second_factor_required, totp_confirm
from masar.accounts.selectors import tokens_visible
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, NotFound, ValidationFailed

TOKEN_PREFIX = "msr"  # noqa: S105 - the public prefix of every token


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    kind: str,
    code: str,
    name_en: str,
    name_ar: str,
    country: str = "SAU",
    email: str = "",
) -> Organization:
    if kind not in OrganizationKind.values:
        raise ValidationFailed(
            AccountsError.NOT_ALLOWED,
            _("Unknown organization kind."),
            fields={"kind": [_("Choose one of: %s") % ", ".join(OrganizationKind.values)]},
        )
    if Organization.objects.filter(code=code).exists():
        raise Conflict(
            AccountsError.ORGANIZATION_CODE_TAKEN,
            _("An organization with this code exists."),
            fields={"code": [_("Already taken.")]},
        )
    org = Organization.objects.create(
        kind=kind, code=code, name_en=name_en, name_ar=name_ar, country=country, email=email
    )
    audit_record(
        actor=actor,
        action="organization.created",
        target=org,
        organization=org,
        details={"kind": kind, "code": code},
    )
    return org


def _check_roles(organization: Organization, roles: Iterable[str]) -> list[str]:
    allowed = ROLES_BY_KIND[organization.kind]
    roles = list(dict.fromkeys(roles))
    bad = [r for r in roles if r not in allowed]
    if bad:
        raise ValidationFailed(
            AccountsError.ROLE_NOT_ALLOWED,
            _("These roles are not held in an organization of this kind: %s") % ", ".join(bad),
            fields={"roles": [_("Allowed: %s") % ", ".join(sorted(allowed))]},
        )
    return roles


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    organization: Organization,
    username: str,
    password: str | None,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    full_name_ar: str = "",
    email: str = "",
    is_service_account: bool = False,
) -> User:
    """A person (with a password) or a service account (never a password)."""
    role_list = _check_roles(organization, roles)
    if User.objects.filter(username=username).exists():
        raise Conflict(
            AccountsError.USERNAME_TAKEN,
            _("This user name is taken."),
            fields={"username": [_("Already taken.")]},
        )
    user = User(
        username=username,
        organization=organization,
        first_name=first_name,
        last_name=last_name,
        full_name_ar=full_name_ar,
        email=email,
        is_service_account=is_service_account,
    )
    if password and not is_service_account:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Membership.objects.bulk_create(
        [Membership(user=user, role=role, granted_by=actor) for role in role_list]
    )
    audit_record(
        actor=actor,
        action="user.created",
        target=user,
        organization=organization,
        details={"username": username, "roles": role_list, "service_account": is_service_account},
    )
    return user


@transaction.atomic
def membership_grant(*, actor: User | None, user: User, role: str) -> Membership:
    if user.organization is None:
        raise ValidationFailed(AccountsError.NOT_ALLOWED, _("This user has no organization."))
    _check_roles(user.organization, [role])
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": actor}
    )
    if created:
        audit_record(actor=actor, action="membership.granted", target=user, details={"role": role})
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, user: User, role: str) -> None:
    deleted, _ = Membership.objects.filter(user=user, role=role).delete()
    if deleted:
        audit_record(actor=actor, action="membership.revoked", target=user, details={"role": role})


def _token_expiry(
    *, user: User, expires_at: datetime | None, long_lived: bool, now: datetime
) -> datetime | None:
    """The expiry a new token gets: the default, or the one asked for within the maximum;
    none only for a service account's token created as long-lived on purpose."""
    if long_lived:
        if not user.is_service_account:
            raise ValidationFailed(
                AccountsError.TOKEN_LONG_LIVED_NOT_ALLOWED,
                _("Only a service account may hold a token without an expiry."),
                fields={"long_lived": [_("People's tokens always expire.")]},
            )
        if expires_at is not None:
            raise ValidationFailed(
                AccountsError.TOKEN_EXPIRY_INVALID,
                _("A long-lived token has no expiry date."),
                fields={"expires_at": [_("Leave the expiry empty for a long-lived token.")]},
            )
        return None
    if expires_at is None:
        return now + timedelta(days=settings.MASAR_TOKEN_DEFAULT_DAYS)
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    if expires_at <= now:
        raise ValidationFailed(
            AccountsError.TOKEN_EXPIRY_INVALID,
            _("The expiry date has passed."),
            fields={"expires_at": [_("Choose a moment in the future.")]},
        )
    if expires_at - now > timedelta(days=settings.MASAR_TOKEN_MAX_DAYS):
        raise ValidationFailed(
            AccountsError.TOKEN_EXPIRY_INVALID,
            _("A token may live %(days)d days at most.") % {"days": settings.MASAR_TOKEN_MAX_DAYS},
            fields={
                "expires_at": [
                    _("Choose a date at most %(days)d days from now.")
                    % {"days": settings.MASAR_TOKEN_MAX_DAYS}
                ]
            },
        )
    return expires_at


def _token_second_factor(
    *, actor: User | None, user: User, second_factor_code: str, waive_second_factor: bool
) -> str:
    """How the second factor was satisfied for this token: "confirmed", "waived" by an
    administrator at the command line, or "not_required"."""
    if waive_second_factor and actor is not None:
        raise Forbidden(
            AccountsError.NOT_ALLOWED,
            _("Only an administrator at the masar command may waive the second factor."),
        )
    if not second_factor_required(user):
        return "not_required"
    if waive_second_factor:
        return "waived"
    if confirmed_device(user) is None:
        raise Forbidden(
            AccountsError.SECOND_FACTOR_CONFIRMATION_REQUIRED,
            _("Enrol a second factor before you create a token."),
            fields={"second_factor_code": [_("You have no second factor yet.")]},
        )
    if not totp_confirm(user=user, token=second_factor_code):
        raise Forbidden(
            AccountsError.SECOND_FACTOR_CONFIRMATION_REQUIRED,
            _("Confirm your second factor to create a token."),
            fields={
                "second_factor_code": [_("Type the six-digit code your authenticator shows now.")]
            },
        )
    return "confirmed"


def token_create(
    *,
    actor: User | None,
    user: User,
    name: str,
    scopes: Iterable[str] = (TokenScope.READ, TokenScope.WRITE),
    expires_at: datetime | None = None,
    long_lived: bool = False,
    second_factor_code: str = "",
    waive_second_factor: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored nor shown again.

    Every token expires (the default, or `expires_at` within the maximum) unless it is a
    service account's and `long_lived` says so. A person of a ministry confirms a current
    TOTP code (`second_factor_code`); an administrator at the command line (no actor) may
    waive it with `waive_second_factor`, and the audit entry says so.
    """
    scope_list = list(dict.fromkeys(scopes))
    unknown = [s for s in scope_list if s not in TokenScope.values]
    if unknown or not scope_list:
        raise ValidationFailed(
            AccountsError.UNKNOWN_SCOPE,
            _("Unknown token scope."),
            fields={"scopes": [_("Choose from: %s") % ", ".join(TokenScope.values)]},
        )
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        same_org = actor.organization_id == user.organization_id
        if not (same_org and user.is_service_account and actor.has_role("supervisor")):
            raise Forbidden(
                AccountsError.NOT_ALLOWED, _("You may not create tokens for this user.")
            )
    now = timezone.now()
    expiry = _token_expiry(user=user, expires_at=expires_at, long_lived=long_lived, now=now)
    # The TOTP check writes the device's throttle state: it stays outside the transaction
    # below, so a wrong code is counted even though nothing else is written.
    second_factor = _token_second_factor(
        actor=actor,
        user=user,
        second_factor_code=second_factor_code,
        waive_second_factor=waive_second_factor,
    )
    with transaction.atomic():
        prefix = secrets.token_hex(4)
        secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=token_digest(secret),
            scopes=scope_list,
            created_at=now,
            expires_at=expiry,
            long_lived=expiry is None,
        )
        audit_record(
            actor=actor,
            action="token.created",
            target=token,
            organization=user.organization,
            details={
                "user": user.username,
                "name": name,
                "scopes": scope_list,
                "prefix": prefix,
                "expires_at": expiry.isoformat() if expiry else None,
                "second_factor": second_factor,
            },
        )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User | None, token_id: int) -> ApiToken:
    """Revoke a token. A person revokes their own tokens, a supervisor those of their
    organization's people and service accounts; an administrator (no actor) any."""
    query = ApiToken.objects.select_for_update()
    if actor is not None:
        query = query.filter(pk__in=tokens_visible(actor=actor).values("pk"))
    token = query.filter(pk=token_id).first()
    if token is None:
        raise NotFound(AccountsError.TOKEN_NOT_FOUND, _("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="token.revoked",
            target=token,
            organization=token.user.organization,
            details={"prefix": token.prefix, "user": token.user.username},
        )
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token for a secret, or None. Touches last_used_at at most once a minute."""
    token = (
        ApiToken.objects.select_related("user", "user__organization")
        .filter(digest=token_digest(secret))
        .first()
    )
    if token is None or not token.is_active() or not token.user.is_active:
        return None
    if token.long_lived and not token.user.is_service_account:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
