"""Overstay detection (the daily sweep) and the companies' escape notices.

The sweep is set-based (ADR 0072, 0076): per run, one INSERT ... SELECT reads the
overstayers (open stay past its permitted departure, application `entered`, no overstay
record) once into a temporary table, each with its overstay id taken in advance; one UPDATE
moves their applications from `entered` to `overstayed` (re-checked under the row lock, so
an exit committed meanwhile wins and its stay leaves the candidates); then one INSERT ...
SELECT each from the candidates writes the overstay records, the transition log and both
events (`application.overstayed`, `overstay.detected`). Idempotent: a stay with an overstay
record, or an application no longer `entered`, is not selected again.
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
from masar.core.ids import PG_UUID7_SQL
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
        return PG_UUID7_SQL if self.pg else "lower(hex(randomblob(16)))"

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
    the agent, with the escape-notice deadline. Set-based and idempotent (ADR 0076): the
    candidates are read once into a temporary table, and every write reads that table."""
    now = timezone.now()
    as_of = as_of or kingdom_day(now)
    ops = connection.ops
    sql = _Sql()
    p_now = ops.adapt_datetimefield_value(now)
    p_as_of = ops.adapt_datefield_value(as_of)
    t = {
        "app": Application._meta.db_table,
        "stay": Stay._meta.db_table,
        "over": Overstay._meta.db_table,
        "log": ApplicationTransition._meta.db_table,
        "outbox": OutboxEvent._meta.db_table,
        "agent": Agent._meta.db_table,
        "company": Company._meta.db_table,
        "cand": "border_sweep_candidates",
    }
    transition = TRANSITIONS["overstay"]
    hooks = AFTER_COMMIT.get(transition.name, [])
    detected = 0
    moved_ids: list[int] = []
    with transaction.atomic(), connection.cursor() as cursor:
        detected = _sweep_candidates(cursor, sql=sql, t=t, p_as_of=p_as_of)
        if detected:
            detected = _sweep_move(cursor, sql=sql, t=t, p_now=p_now, candidates=detected)
        if detected:
            cursor.execute(f"SELECT DISTINCT season_id FROM {t['cand']}")  # noqa: S608
            dues = {
                season_id: now + dt.timedelta(hours=border_rules_for(season_id).escape_notice_hours)
                for (season_id,) in cursor.fetchall()
            }
            _sweep_write(cursor, sql=sql, t=t, now=now, as_of=as_of, dues=dues)
            if hooks:
                cursor.execute(f"SELECT application_id FROM {t['cand']} ORDER BY stay_id")  # noqa: S608
                moved_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {t['cand']}")
        audit_record(
            actor=None,
            action="overstay.sweep",
            target=("border.overstay", "sweep"),
            details={"as_of": as_of.isoformat(), "detected": detected, "moved": detected},
        )
        if detected and integration_conf.relay_on_commit():
            transaction.on_commit(outbox_relay_after_commit, robust=True)
        for hook in hooks if detected else ():
            transaction.on_commit(partial(hook, moved_ids), robust=True)
    return OverstaySweepResult(detected=detected, as_of=as_of)


def _sweep_candidates(cursor: Any, *, sql: _Sql, t: dict[str, str], p_as_of: Any) -> int:
    """Read the overstayers once into a temporary table, each with its overstay id taken
    in advance (so no later statement has to find the rows it wrote again)."""
    cursor.execute(
        f"""
        CREATE TEMP TABLE {t["cand"]} (
            stay_id bigint PRIMARY KEY, overstay_id bigint NOT NULL,
            application_id bigint NOT NULL, number varchar(32) NOT NULL,
            group_id bigint, season_id bigint NOT NULL, company_id bigint NOT NULL,
            agent_id bigint NOT NULL, app_season_id bigint NOT NULL,
            app_company_id bigint NOT NULL, app_agent_id bigint NOT NULL,
            nationality varchar(3) NOT NULL, permitted_departure date NOT NULL,
            agent_org bigint NOT NULL, company_org bigint NOT NULL
        ){" ON COMMIT DROP" if sql.pg else ""}
        """
    )
    params: list[Any] = []
    if sql.pg:
        # The sequence found once: pg_get_serial_sequence() is not constant-folded and would
        # look the catalogue up again for every row.
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [t["over"]])
        overstay_id = "nextval(CAST(%s AS regclass))"
        params.append(cursor.fetchone()[0])
    else:
        # SQLite has one writer at a time: the next ids after the largest.
        overstay_id = (
            f"(SELECT coalesce(max(id), 0) FROM {t['over']}) "  # noqa: S608 - our table
            "+ row_number() OVER (ORDER BY s.id)"
        )
    cursor.execute(
        f"""
        INSERT INTO {t["cand"]}
        SELECT s.id, {overstay_id}, a.id, a.number, a.group_id, s.season_id, s.company_id,
               s.agent_id, a.season_id, a.company_id, a.agent_id, s.nationality,
               s.permitted_departure, ag.organization_id, co.organization_id
        FROM {t["stay"]} s
        JOIN {t["app"]} a ON a.id = s.application_id
        JOIN {t["agent"]} ag ON ag.id = a.agent_id
        JOIN {t["company"]} co ON co.id = a.company_id
        WHERE s.exited_at IS NULL AND s.permitted_departure < %s AND a.status = %s
          AND NOT EXISTS (SELECT 1 FROM {t["over"]} o WHERE o.stay_id = s.id)
        ORDER BY s.id
        """,  # noqa: S608 - our table names; values are parameters
        [*params, p_as_of, S.ENTERED],
    )
    found: int = cursor.rowcount
    if found and sql.pg:
        cursor.execute(f"ANALYZE {t['cand']}")
    return found


def _sweep_move(cursor: Any, *, sql: _Sql, t: dict[str, str], p_now: Any, candidates: int) -> int:
    """Move the candidates' applications from `entered` to `overstayed` (one UPDATE). The
    status is checked again under the row lock: an exit committed since the candidates
    were read wins, and its stay is dropped from the candidates."""
    if sql.pg:
        # The ids as one array: each application found through its primary key, whatever
        # the planner would guess for a join of the candidates with ten million rows.
        where = (
            f"WHERE id = ANY(ARRAY(SELECT application_id FROM {t['cand']})) "  # noqa: S608
            "AND status = %s"
        )
    else:
        where = (
            f"FROM {t['cand']} c WHERE {t['app']}.id = c.application_id AND {t['app']}.status = %s"
        )
    cursor.execute(
        f"""
        UPDATE {t["app"]} SET status = %s, overstayed_at = %s, updated_at = %s,
               status_reason = ''
        {where}
        """,  # noqa: S608 - our table names; values are parameters
        [S.OVERSTAYED, p_now, p_now, S.ENTERED],
    )
    moved: int = cursor.rowcount
    if moved < candidates:
        cursor.execute(
            f"""
            DELETE FROM {t["cand"]} WHERE NOT EXISTS (
                SELECT 1 FROM {t["app"]} a WHERE a.id = {t["cand"]}.application_id
                  AND a.status = %s AND a.overstayed_at = %s)
            """,  # noqa: S608 - our table names; values are parameters
            [S.OVERSTAYED, p_now],
        )
        cursor.execute(f"SELECT count(*) FROM {t['cand']}")  # noqa: S608 - our table
        moved = cursor.fetchone()[0]
    return moved


def _sweep_write(
    cursor: Any,
    *,
    sql: _Sql,
    t: dict[str, str],
    now: dt.datetime,
    as_of: dt.date,
    dues: dict[int, dt.datetime],
) -> None:
    """The overstay records, the transition log and both events, each one INSERT ...
    SELECT from the candidates."""
    ops = connection.ops
    p_now = ops.adapt_datetimefield_value(now)
    p_as_of = ops.adapt_datefield_value(as_of)
    due_case = (
        "CASE c.season_id "
        + " ".join(f"WHEN {int(season_id)} THEN %s" for season_id in dues)
        + " END"
    )
    due_params = [ops.adapt_datetimefield_value(due) for due in dues.values()]
    due_text = (
        "CASE c.season_id "
        + " ".join(
            f"WHEN {int(season_id)} THEN '{_moment_text(due)}'" for season_id, due in dues.items()
        )
        + " END"
    )
    if sql.pg:
        due_case = f"CAST({due_case} AS timestamptz)"
    cursor.execute(
        f"""
        INSERT INTO {t["over"]} (id, stay_id, application_id, season_id, company_id, agent_id,
            nationality, permitted_departure, detected_on, detected_at, notice_due_at, status)
        SELECT c.overstay_id, c.stay_id, c.application_id, c.season_id, c.company_id,
               c.agent_id, c.nationality, c.permitted_departure, %s, %s, {due_case}, %s
        FROM {t["cand"]} c ORDER BY c.stay_id
        """,  # noqa: S608 - our table names; values are parameters
        [p_as_of, p_now, *due_params, OverstayStatus.OPEN],
    )
    cursor.execute(
        f"""
        INSERT INTO {t["log"]} (application_id, name, from_status, to_status, actor_id, reason,
            details, at)
        SELECT c.application_id, %s, %s, %s, NULL, '', {sql.json_param()}, %s
        FROM {t["cand"]} c ORDER BY c.stay_id
        """,  # noqa: S608 - our table names; values are parameters
        ["overstay", S.ENTERED, S.OVERSTAYED, _json_text({"as_of": as_of}), p_now],
    )
    moved_payload = sql.obj(
        ("application_id", "c.application_id"),
        ("number", "c.number"),
        ("group_id", "c.group_id"),
        ("agent_id", "c.app_agent_id"),
        ("company_id", "c.app_company_id"),
        ("season_id", "c.app_season_id"),
        ("transition", "'overstay'"),
        ("from", f"'{S.ENTERED}'"),
        ("to", f"'{S.OVERSTAYED}'"),
        ("reason", "''"),
    )
    detected_payload = sql.obj(
        ("overstay_id", "c.overstay_id"),
        ("application_id", "c.application_id"),
        ("application_number", "c.number"),
        ("company_id", "c.company_id"),
        ("agent_id", "c.agent_id"),
        ("season_id", "c.season_id"),
        ("nationality", "c.nationality"),
        ("permitted_departure", sql.date_text("c.permitted_departure")),
        ("detected_on", f"'{as_of.isoformat()}'"),
        ("notice_due_at", due_text),
    )
    moved_type, detected_type = CATALOGUE["application.overstayed"], CATALOGUE["overstay.detected"]
    # Both events in one INSERT: every application.overstayed first, then every
    # overstay.detected (UNION ALL appends in that order; each part reads the candidates in
    # the order they were written, by stay). No ORDER BY: sorting 200,000 rows with their
    # payloads would spill to disk.
    cursor.execute(
        f"""
        INSERT INTO {t["outbox"]} (event_id, type, version, subject_type, subject_id,
            organizations, ministries, occurred_at, payload)
        SELECT {sql.uuid()}, e.type, e.version, e.subject_type, e.subject_id, e.orgs,
               e.ministries, %s, e.payload
        FROM (
            SELECT 0 AS part, c.stay_id, %s AS type, %s AS version, %s AS subject_type,
                   CAST(c.application_id AS VARCHAR(64)) AS subject_id,
                   {sql.orgs("c.agent_org", "c.company_org")} AS orgs,
                   {sql.json_param()} AS ministries, {moved_payload} AS payload
            FROM {t["cand"]} c
            UNION ALL
            SELECT 1, c.stay_id, %s, %s, %s, CAST(c.overstay_id AS VARCHAR(64)),
                   {sql.orgs("c.agent_org", "c.company_org")},
                   {sql.json_param()}, {detected_payload}
            FROM {t["cand"]} c
        ) e
        """,  # noqa: S608 - our table names; values are parameters
        [
            p_now,
            "application.overstayed",
            moved_type.version,
            Application._meta.label_lower,
            _json_text(list(moved_type.ministries)),
            "overstay.detected",
            detected_type.version,
            Overstay._meta.label_lower,
            _json_text(list(detected_type.ministries)),
        ],
    )


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
