from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masar.accounts import selectors, services
from masar.accounts.models import ApiToken
from masar.core.context import Origin, origin_scope
from masar.core.errors import MasarError


class Command(BaseCommand):
    help = (
        "API tokens: create USERNAME | list USERNAME | revoke PREFIX. Tokens expire (90 days "
        "by default, a year at most); only a service account's token may be --long-lived."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print its secret once.")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        create.add_argument("--scopes", default="read,write", help="Comma separated: read,write")
        expiry = create.add_mutually_exclusive_group()
        expiry.add_argument(
            "--expires-days", type=int, default=None, help="Days until it expires (default 90)."
        )
        expiry.add_argument(
            "--expires-on", default=None, help="The day it expires, YYYY-MM-DD (at most a year)."
        )
        expiry.add_argument(
            "--long-lived",
            action="store_true",
            help="Service accounts only: a token that never expires (revoke it when done).",
        )
        factor = create.add_mutually_exclusive_group()
        factor.add_argument(
            "--second-factor-code",
            default="",
            help="Ministry staff: the current code of the person's authenticator.",
        )
        factor.add_argument(
            "--waive-second-factor",
            action="store_true",
            help=(
                "Administrators only: create a token for a ministry person without their "
                "second factor (e.g. a test harness). The audit trail records the waiver."
            ),
        )
        listing = sub.add_parser("list", help="List a user's tokens (never their secrets).")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        with origin_scope(Origin(channel="cli")):
            try:
                getattr(self, f"do_{options['action']}")(options)
            except MasarError as exc:
                raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc

    def _user(self, username: str) -> Any:
        user = selectors.user_by_username(username)
        if user is None:
            raise CommandError(f"no user named {username!r}", returncode=1)
        return user

    def _expiry(self, options: dict[str, Any]) -> dt.datetime | None:
        if options["expires_days"] is not None:
            if options["expires_days"] <= 0:
                raise CommandError("--expires-days must be a positive number of days")
            try:
                return timezone.now() + dt.timedelta(days=options["expires_days"])
            except OverflowError as exc:
                raise CommandError("--expires-days is at most a year") from exc
        if options["expires_on"]:
            try:
                day = dt.date.fromisoformat(options["expires_on"])
            except ValueError as exc:
                raise CommandError("--expires-on must be a date: YYYY-MM-DD") from exc
            end = dt.datetime.combine(day, dt.time(23, 59, 59))
            return timezone.make_aware(end)
        return None

    def do_create(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        _, secret = services.token_create(
            actor=None,
            user=user,
            name=options["name"],
            scopes=scopes,
            expires_at=self._expiry(options),
            long_lived=options["long_lived"],
            second_factor_code=options["second_factor_code"],
            waive_second_factor=options["waive_second_factor"],
        )
        self.stdout.write(secret)

    def do_list(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        for token in selectors.token_list(user=user):
            state = (
                "revoked" if token.revoked_at else ("active" if token.is_active() else "expired")
            )
            expires = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "long-lived"
            self.stdout.write(
                f"{token.prefix}\t{token.name}\t{','.join(token.scopes)}\t{state}\t"
                f"{token.created_at:%Y-%m-%d}\t{expires}"
            )

    def do_revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"no token with prefix {options['prefix']!r}", returncode=1)
        services.token_revoke(actor=None, token_id=token.pk)
        self.stdout.write(f"revoked {token.prefix}")
