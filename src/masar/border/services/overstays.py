"""Overstay detection (the daily sweep) and the companies' escape notices.

The sweep is set-based (ADR 0072): per run, one UPDATE moves every application whose stay
is open past its permitted departure from `entered` to `overstayed`; then, per season (for
its escape-notice deadline), one INSERT ... SELECT each writes the overstay records, the
transition log and the two events (`application.overstayed`, `overstay.detected`) of the
applications that UPDATE just moved. Rows of one run are told apart by its timestamp.
Idempotent: a stay with an overstay record, or an application no longer `entered`, is not
selected again; the UPDATE comes first, so an exit committed meanwhile is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.applications.models import Application, ApplicationTransition
from masar.applications.states import AFTER_COMMIT, TRANSITIONS, ApplicationStatus
from masar.border.error_codes import BorderError
from masar.border.lock_objects import overstay_lock
from masar.border.models import EscapeNotice, Overstay, OverstayStatus, Stay
from masar.border.services.crossings import border_rules_for
from masar.border.services.stays import kingdom_day
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from masar.integration import conf as integration_conf
from masar.integration.catalogue import CATALOGUE
from masar.integration.models import OutboxEvent
from masar.integration.services import event_emit
from masar.integration.services.outbox import outbox_relay_after_commit
from masar.operators.models import Agent, Company

S = ApplicationStatus


@dataclass(frozen=True)
class OverstaySweepResult:
    detected: int
    as_of: dt.date


def _json_text(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def _moment_text(value: dt.datetime) -> str:
    # Exactly as DjangoJSONEncoder writes an aware datetime into an event payload.
    return json.loads(_json_text(value))


class _Sql:
    """The few expressions that differ between PostgreSQL and SQLite."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"

    def json_param(self) -> str:
        return "CAST(%s AS jsonb)" if self.pg else "%s"

    def uuid(self) -> str:
        return "gen_random_uuid()" if self.pg else "lower(hex(randomblob(16)))"

    def obj(self, *pairs: tuple[str, str]) -> str:
        func = "jsonb_build_object" if self.pg else "json_object"
        return f"{func}({', '.join(f"'{k}', {v}" for k, v in pairs)})"

    def orgs(self, a: str, b: str) -> str:
        if self.pg:
            return f"jsonb_build_array(LEAST({a}, {b}), GREATEST({a}, {b}))"
        return f"json_array(min({a}, {b}), max({a}, {b}))"

    def date_text(self, column: str) -> str:
        return f"to_char({column}, 'YYYY-MM-DD')" if self.pg else column


def overstay_sweep(*, as_of: dt.date | None = None) -> OverstaySweepResult:
    """Find everyone whose permitted departure (a kingdom-local day) is before `as_of`
    (default: today in the kingdom) and who has not left: an overstay record each, the
    application moved to `overstayed`, and the events to the ministries, the company and
    the agent, with the escape-notice deadline. Set-based and idempotent."""
    now = timezone.now()
    as_of = as_of or kingdom_day(now)
    ops = connection.ops
    sql = _Sql()
    p_now = ops.adapt_datetimefield_value(now)
    p_as_of = ops.adapt_datefield_value(as_of)
    app_t = Application._meta.db_table
    stay_t = Stay._meta.db_table
    over_t = Overstay._meta.db_table
    log_t = ApplicationTransition._meta.db_table
    outbox_t = OutboxEvent._meta.db_table
    agent_t = Agent._meta.db_table
    company_t = Company._meta.db_table
    transition = TRANSITIONS["overstay"]
    detected = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {app_t} SET status = %s, overstayed_at = %s, updated_at = %s,
                       status_reason = ''
                WHERE status = %s AND id IN (
                    SELECT s.application_id FROM {stay_t} s
                    WHERE s.exited_at IS NULL AND s.permitted_departure < %s
                      AND NOT EXISTS (SELECT 1 FROM {over_t} o WHERE o.stay_id = s.id))
                """,  # noqa: S608 - our table names; values are parameters
                [S.OVERSTAYED, p_now, p_now, S.ENTERED, p_as_of],
            )
            moved = cursor.rowcount
            if moved:
                cursor.execute(
                    f"SELECT DISTINCT season_id FROM {app_t} "  # noqa: S608 - our table
                    "WHERE status = %s AND overstayed_at = %s",
                    [S.OVERSTAYED, p_now],
                )
                season_ids = sorted(row[0] for row in cursor.fetchall())
            else:
                season_ids = []
            for season_id in season_ids:
                hours = border_rules_for(season_id).escape_notice_hours
                due = now + dt.timedelta(hours=hours)
                detected += _sweep_season(
                    cursor,
                    sql=sql,
                    season_id=season_id,
                    now=now,
                    as_of=as_of,
                    due=due,
                    tables=(app_t, stay_t, over_t, log_t, outbox_t, agent_t, company_t),
                )
        audit_record(
            actor=None,
            action="overstay.sweep",
            target=("border.overstay", "sweep"),
            details={"as_of": as_of.isoformat(), "detected": detected, "moved": moved},
        )
        if detected and integration_conf.relay_on_commit():
            transaction.on_commit(outbox_relay_after_commit, robust=True)
        hooks = AFTER_COMMIT.get(transition.name, [])
        if detected and hooks:
            ids = list(
                Overstay.objects.filter(detected_at=now).values_list("application_id", flat=True)
            )
            for hook in hooks:
                transaction.on_commit(partial(hook, ids), robust=True)
    return OverstaySweepResult(detected=detected, as_of=as_of)


def _sweep_season(
    cursor: Any,
    *,
    sql: _Sql,
    season_id: int,
    now: dt.datetime,
    as_of: dt.date,
    due: dt.datetime,
    tables: tuple[str, ...],
) -> int:
    app_t, stay_t, over_t, log_t, outbox_t, agent_t, company_t = tables
    ops = connection.ops
    p_now = ops.adapt_datetimefield_value(now)
    p_as_of = ops.adapt_datefield_value(as_of)
    p_due = ops.adapt_datetimefield_value(due)
    cursor.execute(
        f"""
        INSERT INTO {over_t} (stay_id, application_id, season_id, company_id, agent_id,
            nationality, permitted_departure, detected_on, detected_at, notice_due_at, status)
        SELECT s.id, s.application_id, s.season_id, s.company_id, s.agent_id, s.nationality,
               s.permitted_departure, %s, %s, %s, %s
        FROM {stay_t} s JOIN {app_t} a ON a.id = s.application_id
        WHERE s.season_id = %s AND s.exited_at IS NULL AND s.permitted_departure < %s
          AND a.status = %s AND a.overstayed_at = %s
        ON CONFLICT (stay_id) DO NOTHING
        """,  # noqa: S608 - our table names; values are parameters
        [
            p_as_of,
            p_now,
            p_due,
            OverstayStatus.OPEN,
            season_id,
            p_as_of,
            S.OVERSTAYED,
            p_now,
        ],
    )
    inserted = cursor.rowcount
    if not inserted:
        return 0
    where = "o.season_id = %s AND o.detected_at = %s"
    cursor.execute(
        f"""
        INSERT INTO {log_t} (application_id, name, from_status, to_status, actor_id, reason,
            details, at)
        SELECT o.application_id, %s, %s, %s, NULL, '', {sql.json_param()}, %s
        FROM {over_t} o WHERE {where}
        """,  # noqa: S608 - our table names; values are parameters
        [
            "overstay",
            S.ENTERED,
            S.OVERSTAYED,
            _json_text({"as_of": as_of}),
            p_now,
            season_id,
            p_now,
        ],
    )
    for type_, payload in (
        (
            "application.overstayed",
            sql.obj(
                ("application_id", "a.id"),
                ("number", "a.number"),
                ("group_id", "a.group_id"),
                ("agent_id", "a.agent_id"),
                ("company_id", "a.company_id"),
                ("season_id", "a.season_id"),
                ("transition", "'overstay'"),
                ("from", f"'{S.ENTERED}'"),
                ("to", f"'{S.OVERSTAYED}'"),
                ("reason", "''"),
            ),
        ),
        (
            "overstay.detected",
            sql.obj(
                ("overstay_id", "o.id"),
                ("application_id", "a.id"),
                ("application_number", "a.number"),
                ("company_id", "o.company_id"),
                ("agent_id", "o.agent_id"),
                ("season_id", "o.season_id"),
                ("nationality", "o.nationality"),
                ("permitted_departure", sql.date_text("o.permitted_departure")),
                ("detected_on", f"'{as_of.isoformat()}'"),
                ("notice_due_at", f"'{_moment_text(due)}'"),
            ),
        ),
    ):
        event_type = CATALOGUE[type_]
        subject = "a.id" if type_.startswith("application.") else "o.id"
        subject_type = (
            Application._meta.label_lower
            if type_.startswith("application.")
            else Overstay._meta.label_lower
        )
        cursor.execute(
            f"""
            INSERT INTO {outbox_t} (event_id, type, version, subject_type, subject_id,
                organizations, ministries, occurred_at, payload)
            SELECT {sql.uuid()}, %s, %s, %s, CAST({subject} AS VARCHAR(64)),
                   {sql.orgs("ag.organization_id", "co.organization_id")},
                   {sql.json_param()}, %s, {payload}
            FROM {over_t} o
            JOIN {app_t} a ON a.id = o.application_id
            JOIN {agent_t} ag ON ag.id = o.agent_id
            JOIN {company_t} co ON co.id = o.company_id
            WHERE {where}
            ORDER BY o.id
            """,  # noqa: S608 - our table names; values are parameters
            [
                type_,
                event_type.version,
                subject_type,
                _json_text(list(event_type.ministries)),
                p_now,
                season_id,
                p_now,
            ],
        )
    return inserted


# --- Escape notices ----------------------------------------------------------------------


def _company_staff(actor: User) -> bool:
    org = actor.organization
    return bool(
        org is not None
        and org.kind == OrganizationKind.COMPANY
        and actor.has_role(Role.COMPANY_STAFF, Role.SUPERVISOR, Role.INTEGRATION)
    )


@transaction.atomic
def escape_notice_file(
    *, actor: User, overstay: Overstay, statement: str, evidence: File[Any] | Any
) -> EscapeNotice:
    """The company reports its overstaying pilgrim as absconded, with a statement and
    evidence. The filing time is kept; `late` when after the overstay's deadline."""
    if not _company_staff(actor):
        raise Forbidden(BorderError.NOT_ALLOWED, _("Only the pilgrim's company files a notice."))
    try:
        locked = overstay_lock(overstay.pk)
    except Overstay.DoesNotExist:
        raise NotFound(BorderError.OVERSTAY_NOT_FOUND, _("No such overstay.")) from None
    if locked.company.organization_id != actor.organization_id:
        raise NotFound(BorderError.OVERSTAY_NOT_FOUND, _("No such overstay."))
    errors: dict[str, list[str]] = {}
    if not (statement or "").strip():
        errors["statement"] = [_("This field is required.")]
    if not evidence:
        errors["evidence"] = [_("Attach the evidence.")]
    if errors:
        code = (
            BorderError.STATEMENT_REQUIRED
            if "statement" in errors
            else BorderError.EVIDENCE_REQUIRED
        )
        raise ValidationFailed(code, _("The notice is incomplete."), fields=errors)
    if locked.escape_notice_filed_at is not None:
        raise Conflict(BorderError.NOTICE_ALREADY_FILED, _("An escape notice was already filed."))
    if locked.status != OverstayStatus.OPEN:
        raise Conflict(BorderError.OVERSTAY_CLOSED, _("The pilgrim has left; no notice is due."))
    now = timezone.now()
    notice = EscapeNotice(
        overstay=locked,
        company=locked.company,
        filed_by=actor,
        filed_at=now,
        statement=statement.strip(),
        late=now > locked.notice_due_at,
    )
    notice.evidence.save(getattr(evidence, "name", "evidence") or "evidence", evidence, save=False)
    notice.save()
    locked.escape_notice_filed_at = now
    locked.save(update_fields=["escape_notice_filed_at"])
    audit_record(
        actor=actor,
        action="escape_notice.file",
        target=notice,
        details={"overstay_id": locked.pk, "late": notice.late},
    )
    event_emit(
        type="escape_notice.filed",
        subject=locked,
        payload={
            "overstay_id": locked.pk,
            "application_id": locked.application_id,
            "company_id": locked.company_id,
            "agent_id": locked.agent_id,
            "season_id": locked.season_id,
            "filed_at": now,
            "late": notice.late,
        },
        organizations=[locked.agent.organization_id, locked.company.organization_id],
    )
    return notice
