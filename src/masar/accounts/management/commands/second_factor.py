"""`masar second-factor`: an administrator's enrolment codes and device resets."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masar.accounts import second_factor, selectors
from masar.core.context import Origin, origin_scope
from masar.core.errors import MasarError


class Command(BaseCommand):
    help = (
        "Second factor: issue-code USERNAME (a one-time enrolment code, printed once) | "
        "reset USERNAME [--issue-code] (a lost device) | status USERNAME."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser(
            "issue-code", help="Issue a one-time enrolment code; give it to the person in person."
        )
        issue.add_argument("username")
        reset = sub.add_parser(
            "reset", help="Forget the person's device and recovery codes (a lost phone)."
        )
        reset.add_argument("username")
        reset.add_argument(
            "--issue-code", action="store_true", help="Also issue a new enrolment code."
        )
        status = sub.add_parser("status", help="Whether the person has a second factor.")
        status.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        with origin_scope(Origin(channel="cli", extra={"command": "second-factor"})):
            try:
                getattr(self, f"do_{action}")(options)
            except MasarError as exc:
                raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc

    def _user(self, username: str) -> Any:
        user = selectors.user_by_username(username)
        if user is None:
            raise CommandError(f"no user named {username!r}", returncode=1)
        return user

    def _issue(self, user: Any) -> None:
        entry, code = second_factor.enrolment_code_issue(actor=None, user=user)
        self._print_code(user, entry, code)

    def _print_code(self, user: Any, entry: Any, code: str) -> None:
        expires = timezone.localtime(entry.expires_at)
        self.stdout.write(code)
        self.stderr.write(
            f"enrolment code for {user.username}, single use, valid until "
            f"{expires:%Y-%m-%d %H:%M %Z}; it is not shown again"
        )

    def do_issue_code(self, options: dict[str, Any]) -> None:
        self._issue(self._user(options["username"]))

    def do_reset(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        if options["issue_code"]:
            entry, code = second_factor.second_factor_reissue(actor=None, user=user)
            self.stderr.write(f"{user.username}: devices and recovery codes removed")
            self._print_code(user, entry, code)
            return
        removed = second_factor.second_factor_reset(actor=None, user=user)
        self.stderr.write(f"{user.username}: {removed} device(s) and the recovery codes removed")

    def do_status(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        device = second_factor.confirmed_device(user)
        pending = user.enrolment_codes.filter(
            used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        ).exists()
        state = "enrolled" if device else ("code issued" if pending else "not enrolled")
        remaining = second_factor.recovery_codes_remaining(user=user)
        self.stdout.write(f"{user.username}\t{state}\trecovery codes left: {remaining}")
