"""The whereabouts sweep: every pilgrim in the kingdom (an open border stay) compared with the
package's plan (the group's planned stays and legs) and the field events (hotel stays,
boardings), set-based (ADR 0165).

One statement reads the conditions that hold now into a temporary table (one row per
application and kind); then, each one statement: close the active alerts whose condition no
longer holds; raise an alert for each condition without one (ids taken in advance, so the
events are written from the same table); escalate the open alerts past their deadline; and
the events of each step. No Python loop runs per pilgrim. Idempotent: a second run at the
same moment finds every condition already alerted and nothing to close or escalate.

The kinds, for an application whose group has a planned stay:
- `not_checked_in`: entered more than WHEREABOUTS_CHECK_IN_HOURS ago, and no hotel stay
  open or ended since the entry;
- `checked_out_no_onward`: the last hotel stay ended more than WHEREABOUTS_ONWARD_HOURS ago,
  with no stay open or begun since and no boarding since the check-out (an exit closes the
  border stay, so the pilgrim is no longer in the kingdom);
- `past_planned_nights`: checked in at a planned hotel whose planned check-out day (every
  planned stay of the group at that hotel) has passed, kingdom-local day;
- `off_plan_city`: checked in at a hotel, or arrived by the last boarded trip (not checked in
  since), in a city that neither a planned stay nor a planned leg of the group names.
"""

# ruff: noqa: S608 - every statement is built from our table names and fixed expressions;
# every value is a parameter.
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from masar.applications.models import Application
from masar.border.models import Stay
from masar.core.audit import audit_record
from masar.core.ids import PG_UUID7_SQL
from masar.integration import conf as integration_conf
from masar.integration.catalogue import CATALOGUE
from masar.integration.models import OutboxEvent
from masar.integration.services.outbox import outbox_relay_after_commit
from masar.lodging.models import HotelStay, PlannedLeg, PlannedStay, Trip, TripPassenger
from masar.operators.models import Agent, Company
from masar.whereabouts import conf
from masar.whereabouts.models import AlertKind, AlertStatus, ClosedReason, WhereaboutsAlert

K = AlertKind
ACTIVE_SQL = f"('{AlertStatus.OPEN}', '{AlertStatus.ANSWERED}', '{AlertStatus.ESCALATED}')"
COND = "whereabouts_sweep_conditions"
NEW = "whereabouts_sweep_new"
ENDED = "whereabouts_sweep_ended"
SWEEP_LOCK = 0x57484552  # the advisory lock key of the sweep


@dataclass(frozen=True)
class SweepResult:
    as_of: dt.datetime
    raised: int = 0
    closed: int = 0
    escalated: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "raised": self.raised,
            "closed": self.closed,
            "escalated": self.escalated,
            "by_kind": self.by_kind,
        }


def tables() -> dict[str, str]:
    return {
        "stay": Stay._meta.db_table,
        "app": Application._meta.db_table,
        "hs": HotelStay._meta.db_table,
        "ps": PlannedStay._meta.db_table,
        "pl": PlannedLeg._meta.db_table,
        "trip": Trip._meta.db_table,
        "tp": TripPassenger._meta.db_table,
        "alert": WhereaboutsAlert._meta.db_table,
        "outbox": OutboxEvent._meta.db_table,
        "agent": Agent._meta.db_table,
        "company": Company._meta.db_table,
    }


def conditions_sql(now: dt.datetime) -> tuple[str, list[Any]]:
    """The SELECT of every condition that holds at `now`: (application_id, kind, pilgrim_id,
    season_id, company_id, agent_id, nationality, city, hotel_id), one row per application
    and kind but for a pilgrim checked in at two hotels at once (callers keep the first)."""
    t = tables()
    ops = connection.ops
    check_in_cutoff = ops.adapt_datetimefield_value(now - conf.check_in_within())
    onward_cutoff = ops.adapt_datetimefield_value(now - conf.onward_within())
    today = ops.adapt_datefield_value(timezone.localtime(now).date())
    # In the kingdom, on a planned package.
    base = f"""
        FROM {t["stay"]} s JOIN {t["app"]} a ON a.id = s.application_id
        {{join}}
        WHERE s.exited_at IS NULL AND a.group_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM {t["ps"]} ps WHERE ps.group_id = a.group_id)
    """
    columns = (
        "s.application_id AS application_id, '{kind}' AS kind, a.pilgrim_id AS pilgrim_id, "
        "s.season_id AS season_id, s.company_id AS company_id, s.agent_id AS agent_id, "
        "s.nationality AS nationality, {city} AS city, {hotel} AS hotel_id"
    )

    def select(kind: str, city: str, hotel: str, join: str = "") -> str:
        return (
            "SELECT " + columns.format(kind=kind, city=city, hotel=hotel) + base.format(join=join)
        )

    def off_plan(city: str) -> str:
        return f"""
          NOT EXISTS (SELECT 1 FROM {t["ps"]} p2 WHERE p2.group_id = a.group_id
                      AND p2.city = {city})
          AND NOT EXISTS (SELECT 1 FROM {t["pl"]} pl WHERE pl.group_id = a.group_id
                          AND (pl.to_city = {city} OR pl.from_city = {city}))
        """

    open_stay = (
        f"JOIN {t['hs']} hs ON hs.application_id = s.application_id AND hs.checked_out_at IS NULL"
    )
    parts = [
        (
            select(K.NOT_CHECKED_IN, "''", "NULL")
            + f"""
          AND s.entered_at < %s
          AND NOT EXISTS (SELECT 1 FROM {t["hs"]} h2 WHERE h2.application_id = s.application_id
                          AND (h2.checked_out_at IS NULL OR h2.checked_out_at >= s.entered_at))
            """,
            [check_in_cutoff],
        ),
        (
            select(
                K.CHECKED_OUT_NO_ONWARD,
                "hs.city",
                "hs.hotel_id",
                f"JOIN {t['hs']} hs ON hs.application_id = s.application_id "
                "AND hs.checked_out_at IS NOT NULL AND hs.checked_out_at >= s.entered_at "
                "AND hs.checked_out_at < %s",
            )
            + f"""
          AND NOT EXISTS (SELECT 1 FROM {t["hs"]} h2 WHERE h2.application_id = s.application_id
                          AND (h2.checked_out_at IS NULL OR h2.checked_out_at > hs.checked_out_at))
          AND NOT EXISTS (SELECT 1 FROM {t["tp"]} tp WHERE tp.application_id = s.application_id
                          AND tp.boarded_at >= hs.checked_out_at)
            """,
            [onward_cutoff],
        ),
        (
            select(K.PAST_PLANNED_NIGHTS, "hs.city", "hs.hotel_id", open_stay)
            + f"""
          AND EXISTS (SELECT 1 FROM {t["ps"]} p2 WHERE p2.group_id = a.group_id
                      AND p2.hotel_id = hs.hotel_id)
          AND NOT EXISTS (SELECT 1 FROM {t["ps"]} p3 WHERE p3.group_id = a.group_id
                          AND p3.hotel_id = hs.hotel_id AND p3.check_out >= %s)
            """,
            [today],
        ),
        (
            select(K.OFF_PLAN_CITY, "hs.city", "hs.hotel_id", open_stay)
            + " AND "
            + off_plan("hs.city"),
            [],
        ),
        (
            select(
                K.OFF_PLAN_CITY,
                "tr.to_city",
                "NULL",
                f"JOIN {t['tp']} tp ON tp.application_id = s.application_id "
                "AND tp.boarded_at >= s.entered_at "
                f"JOIN {t['trip']} tr ON tr.id = tp.trip_id",
            )
            + f"""
          AND NOT EXISTS (SELECT 1 FROM {t["tp"]} t2 WHERE t2.application_id = s.application_id
                          AND t2.boarded_at > tp.boarded_at)
          AND NOT EXISTS (SELECT 1 FROM {t["hs"]} h2 WHERE h2.application_id = s.application_id
                          AND (h2.checked_out_at IS NULL OR h2.checked_in_at > tp.boarded_at))
          AND {off_plan("tr.to_city")}
            """,
            [],
        ),
    ]
    sql = "\nUNION ALL\n".join(part for part, _params in parts)
    params = [p for _part, ps in parts for p in ps]
    return sql, params


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def _moment_text(value: dt.datetime) -> str:
    # Exactly as DjangoJSONEncoder writes an aware datetime into an event payload.
    return str(json.loads(_json(value)))


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

    def on_commit_drop(self) -> str:
        return " ON COMMIT DROP" if self.pg else ""


def whereabouts_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Compare every pilgrim in the kingdom with the plan at `now` (default: the present):
    raise the alerts that are due (an event to the company and its agent each, with the
    answer deadline), close those whose condition no longer holds, escalate to the
    ministries the open ones past their deadline. Set-based and idempotent."""
    now = now or timezone.now()
    sql = _Sql()
    t = tables()
    with transaction.atomic(), connection.cursor() as cursor:
        if sql.pg:
            # One sweep at a time: a second one waits, then finds everything done (two at
            # once would both read the same new conditions). SQLite has one writer anyway.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])
        _conditions(cursor, sql=sql, now=now)
        closed = _close(cursor, sql=sql, t=t, now=now)
        raised, by_kind = _raise(cursor, sql=sql, t=t, now=now)
        escalated = _escalate(cursor, sql=sql, t=t, now=now)
        for name in (COND, NEW, ENDED):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        result = SweepResult(
            as_of=now, raised=raised, closed=closed, escalated=escalated, by_kind=by_kind
        )
        audit_record(
            actor=None,
            action="whereabouts.sweep",
            target=("whereabouts.whereaboutsalert", "sweep"),
            details=result.as_dict(),
        )
        if (raised or closed or escalated) and integration_conf.relay_on_commit():
            transaction.on_commit(outbox_relay_after_commit, robust=True)
    return result


def _conditions(cursor: Any, *, sql: _Sql, now: dt.datetime) -> None:
    cursor.execute(
        f"""
        CREATE TEMP TABLE {COND} (
            application_id bigint NOT NULL, kind varchar(24) NOT NULL, pilgrim_id bigint NOT NULL,
            season_id bigint NOT NULL, company_id bigint NOT NULL, agent_id bigint NOT NULL,
            nationality varchar(3) NOT NULL, city varchar(12) NOT NULL, hotel_id bigint,
            PRIMARY KEY (application_id, kind)
        ){sql.on_commit_drop()}
        """
    )
    select, params = conditions_sql(now)
    # `WHERE true` before ON CONFLICT: SQLite would otherwise read ON as a join's.
    cursor.execute(
        f"INSERT INTO {COND} SELECT * FROM ({select}) c WHERE 1 = 1 ON CONFLICT DO NOTHING",
        params,
    )
    if sql.pg:
        cursor.execute(f"ANALYZE {COND}")


def _close(cursor: Any, *, sql: _Sql, t: dict[str, str], now: dt.datetime) -> int:
    """Close the active alerts whose condition no longer holds (`left` when the pilgrim's
    border stay is closed), with an event each."""
    p_now = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(
        f"""
        CREATE TEMP TABLE {ENDED} (alert_id bigint PRIMARY KEY, reason varchar(10) NOT NULL)
        {sql.on_commit_drop()}
        """
    )
    cursor.execute(
        f"""
        INSERT INTO {ENDED}
        SELECT al.id, CASE WHEN EXISTS (
                   SELECT 1 FROM {t["stay"]} s WHERE s.application_id = al.application_id
                   AND s.exited_at IS NULL) THEN %s ELSE %s END
        FROM {t["alert"]} al
        WHERE al.status IN {ACTIVE_SQL}
          AND NOT EXISTS (SELECT 1 FROM {COND} c WHERE c.application_id = al.application_id
                          AND c.kind = al.kind)
        """,
        [ClosedReason.RESOLVED, ClosedReason.LEFT],
    )
    closed: int = cursor.rowcount
    if not closed:
        return 0
    cursor.execute(
        f"""
        UPDATE {t["alert"]} SET status = %s, closed_at = %s,
            closed_reason = (SELECT e.reason FROM {ENDED} e WHERE e.alert_id = {t["alert"]}.id)
        WHERE id IN (SELECT alert_id FROM {ENDED})
        """,
        [AlertStatus.CLOSED, p_now],
    )
    payload = sql.obj(
        ("alert_id", "al.id"),
        ("application_id", "al.application_id"),
        ("kind", "al.kind"),
        ("company_id", "al.company_id"),
        ("agent_id", "al.agent_id"),
        ("season_id", "al.season_id"),
        ("closed_reason", "e.reason"),
        ("closed_at", f"'{_moment_text(now)}'"),
    )
    _events(
        cursor,
        sql=sql,
        t=t,
        now=now,
        name="whereabouts_alert.closed",
        select=f"""
            SELECT al.id AS subject_id, {sql.orgs("ag.organization_id", "co.organization_id")}
                   AS orgs, {payload} AS payload
            FROM {ENDED} e JOIN {t["alert"]} al ON al.id = e.alert_id
            JOIN {t["agent"]} ag ON ag.id = al.agent_id
            JOIN {t["company"]} co ON co.id = al.company_id
        """,
    )
    return closed


def _raise(
    cursor: Any, *, sql: _Sql, t: dict[str, str], now: dt.datetime
) -> tuple[int, dict[str, int]]:
    """An alert for each condition without an active one (ids taken in advance), and its
    event to the company and the agent."""
    ops = connection.ops
    deadline = now + conf.answer_within()
    cursor.execute(
        f"""
        CREATE TEMP TABLE {NEW} (
            alert_id bigint PRIMARY KEY, application_id bigint NOT NULL,
            number varchar(32) NOT NULL, kind varchar(24) NOT NULL, pilgrim_id bigint NOT NULL,
            season_id bigint NOT NULL, company_id bigint NOT NULL, agent_id bigint NOT NULL,
            nationality varchar(3) NOT NULL, city varchar(12) NOT NULL, hotel_id bigint,
            agent_org bigint NOT NULL, company_org bigint NOT NULL
        ){sql.on_commit_drop()}
        """
    )
    params: list[Any] = []
    if sql.pg:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [t["alert"]])
        alert_id = "nextval(CAST(%s AS regclass))"
        params.append(cursor.fetchone()[0])
    else:
        # SQLite has one writer at a time: the next ids after the largest.
        alert_id = (
            f"(SELECT coalesce(max(id), 0) FROM {t['alert']}) "
            "+ row_number() OVER (ORDER BY c.application_id, c.kind)"
        )
    cursor.execute(
        f"""
        INSERT INTO {NEW}
        SELECT {alert_id}, c.application_id, a.number, c.kind, c.pilgrim_id, c.season_id,
               c.company_id, c.agent_id, c.nationality, c.city, c.hotel_id,
               ag.organization_id, co.organization_id
        FROM {COND} c
        JOIN {t["app"]} a ON a.id = c.application_id
        JOIN {t["agent"]} ag ON ag.id = c.agent_id
        JOIN {t["company"]} co ON co.id = c.company_id
        WHERE NOT EXISTS (SELECT 1 FROM {t["alert"]} al WHERE al.application_id = c.application_id
                          AND al.kind = c.kind AND al.status IN {ACTIVE_SQL})
        ORDER BY c.application_id, c.kind
        """,
        params,
    )
    raised: int = cursor.rowcount
    if not raised:
        return 0, {}
    cursor.execute(
        f"""
        INSERT INTO {t["alert"]} (id, application_id, pilgrim_id, season_id, company_id,
            agent_id, nationality, kind, city, hotel_id, detected_at, deadline, status,
            answer, answer_reason, answered_late, closed_reason)
        SELECT n.alert_id, n.application_id, n.pilgrim_id, n.season_id, n.company_id,
               n.agent_id, n.nationality, n.kind, n.city, n.hotel_id, %s, %s, %s,
               '', '', %s, ''
        FROM {NEW} n ORDER BY n.alert_id
        """,
        [
            ops.adapt_datetimefield_value(now),
            ops.adapt_datetimefield_value(deadline),
            AlertStatus.OPEN,
            False,
        ],
    )
    payload = sql.obj(
        ("alert_id", "n.alert_id"),
        ("application_id", "n.application_id"),
        ("application_number", "n.number"),
        ("kind", "n.kind"),
        ("company_id", "n.company_id"),
        ("agent_id", "n.agent_id"),
        ("season_id", "n.season_id"),
        ("nationality", "n.nationality"),
        ("city", "n.city"),
        ("hotel_id", "n.hotel_id"),
        ("detected_at", f"'{_moment_text(now)}'"),
        ("deadline", f"'{_moment_text(deadline)}'"),
    )
    _events(
        cursor,
        sql=sql,
        t=t,
        now=now,
        name="whereabouts_alert.raised",
        select=f"""
            SELECT n.alert_id AS subject_id, {sql.orgs("n.agent_org", "n.company_org")} AS orgs,
                   {payload} AS payload
            FROM {NEW} n
        """,
    )
    cursor.execute(f"SELECT kind, count(*) FROM {NEW} GROUP BY kind ORDER BY kind")
    return raised, {kind: n for kind, n in cursor.fetchall()}


def _escalate(cursor: Any, *, sql: _Sql, t: dict[str, str], now: dt.datetime) -> int:
    """Open alerts past their deadline go to the ministries."""
    p_now = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(f"DELETE FROM {ENDED}")
    cursor.execute(
        f"""
        INSERT INTO {ENDED}
        SELECT al.id, '' FROM {t["alert"]} al WHERE al.status = %s AND al.deadline < %s
        """,
        [AlertStatus.OPEN, p_now],
    )
    escalated: int = cursor.rowcount
    if not escalated:
        return 0
    # The status is checked again under the row lock: an answer committed since wins.
    cursor.execute(
        f"""
        UPDATE {t["alert"]} SET status = %s, escalated_at = %s
        WHERE id IN (SELECT alert_id FROM {ENDED}) AND status = %s
        """,
        [AlertStatus.ESCALATED, p_now, AlertStatus.OPEN],
    )
    if cursor.rowcount < escalated:
        cursor.execute(
            f"""
            DELETE FROM {ENDED} WHERE NOT EXISTS (SELECT 1 FROM {t["alert"]} al
                WHERE al.id = {ENDED}.alert_id AND al.status = %s)
            """,
            [AlertStatus.ESCALATED],
        )
        escalated -= cursor.rowcount
    if not escalated:
        return 0
    deadline_text = (
        "to_char(al.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"
        if sql.pg
        else "strftime('%Y-%m-%dT%H:%M:%S+00:00', al.deadline)"
    )
    payload = sql.obj(
        ("alert_id", "al.id"),
        ("application_id", "al.application_id"),
        ("company_id", "al.company_id"),
        ("agent_id", "al.agent_id"),
        ("season_id", "al.season_id"),
        ("kind", "al.kind"),
        ("nationality", "al.nationality"),
        ("deadline", deadline_text),
        ("escalated_at", f"'{_moment_text(now)}'"),
    )
    _events(
        cursor,
        sql=sql,
        t=t,
        now=now,
        name="whereabouts_alert.escalated",
        select=f"""
            SELECT al.id AS subject_id, {sql.orgs("ag.organization_id", "co.organization_id")}
                   AS orgs, {payload} AS payload
            FROM {ENDED} e JOIN {t["alert"]} al ON al.id = e.alert_id
            JOIN {t["agent"]} ag ON ag.id = al.agent_id
            JOIN {t["company"]} co ON co.id = al.company_id
        """,
    )
    return escalated


def _events(
    cursor: Any, *, sql: _Sql, t: dict[str, str], now: dt.datetime, name: str, select: str
) -> None:
    """One event of type `name` per row of `select` (subject_id, orgs, payload)."""
    event_type = CATALOGUE[name]
    cursor.execute(
        f"""
        INSERT INTO {t["outbox"]} (event_id, type, version, subject_type, subject_id,
            organizations, ministries, occurred_at, payload, request_id)
        SELECT {sql.uuid()}, %s, %s, %s, CAST(e.subject_id AS VARCHAR(64)), e.orgs,
               {sql.json_param()}, %s, e.payload, ''
        FROM ({select}) e
        """,
        [
            name,
            event_type.version,
            WhereaboutsAlert._meta.label_lower,
            _json(list(event_type.ministries)),
            connection.ops.adapt_datetimefield_value(now),
        ],
    )
