"""The rehearsal's reconciliation (benchmarks/season_day.py): SQL against its database and
the webhook receiver's log, compared with what the clients sent. Every count is printed;
`lost` and `duplicated` add up every kind."""

from __future__ import annotations

from collections import Counter
from typing import Any


def reconcile(day: Any, world: dict[str, Any], plan: dict[str, list[list[dict]]]) -> dict[str, Any]:
    checks: dict[str, int] = {}
    # 1. Every valid uploaded row is exactly one application (and no invalid row is one).
    valid = {p for m in world["manifests"] for p in m["valid"]}
    rows = day.sql(
        "SELECT p.passport_number, a.status, a.id FROM applications_application a "
        "JOIN applications_pilgrim p ON p.id = a.pilgrim_id"
    )
    per_passport = Counter(r[0] for r in rows)
    checks["applications_lost"] = len(valid - set(per_passport))
    checks["applications_duplicated"] = sum(n - 1 for n in per_passport.values() if n > 1)
    checks["applications_unexpected"] = len(set(per_passport) - valid)
    # 2. Every application in exactly the state its journey leads to.
    true_match = {
        r[0] for r in day.sql(
            "SELECT application_id FROM screening_review WHERE decision = 'true_match'"
        )
    }  # fmt: skip
    entries = {e["visa_number"] for b in _all(plan, "entry") for e in b}
    exits = {e["visa_number"] for b in _all(plan, "exit") for e in b}
    visa_of = dict((r[0], r[1]) for r in day.sql("SELECT application_id, number FROM visas_visa"))
    states: Counter[str] = Counter()
    wrong = 0
    for _passport, status, app_id in rows:
        states[status] += 1
        number = visa_of.get(app_id)
        if app_id in true_match:
            expected = "rejected"
        elif number in exits:
            expected = "departed"
        elif number in entries:
            expected = "entered"
        else:
            expected = "issued"
        wrong += status != expected
    checks["applications_in_unexpected_state"] = wrong
    # 3. Every approved application has exactly one visa, and no other has one.
    visas_per_app = Counter(r[0] for r in day.sql("SELECT application_id FROM visas_visa"))
    approved = {r[2] for r in rows if r[1] in ("issued", "entered", "departed")}
    checks["visas_lost"] = len(approved - set(visas_per_app))
    checks["visas_duplicated"] = sum(n - 1 for n in visas_per_app.values() if n > 1)
    checks["visas_unexpected"] = len(set(visas_per_app) - approved)
    # 4. Every gate event is exactly one crossing, accepted.
    sent = Counter(e["client_event_id"] for batches in plan.values() for b in batches for e in b)
    stored = Counter(r[0] for r in day.sql("SELECT client_event_id FROM border_crossing"))
    checks["crossings_lost"] = len(set(sent) - set(stored))
    checks["crossings_duplicated"] = sum(n - 1 for n in stored.values() if n > 1)
    checks["crossings_refused"] = day.scalar(
        "SELECT count(*) FROM border_crossing WHERE outcome <> 'accepted'"
    )
    # 5. Every event reached the receiver at least once; exactly once after de-duplication.
    deliveries = {
        "msg_" + r[0].replace("-", "")
        for r in day.sql("SELECT message_id FROM integration_webhookdelivery")
    }
    received = Counter(webhook_id for webhook_id, _ in day.receiver.received)
    checks["events_without_delivery"] = day.scalar(
        "SELECT count(*) FROM integration_outboxevent e WHERE NOT EXISTS "
        "(SELECT 1 FROM integration_webhookdelivery d WHERE d.event_id = e.id)"
    )
    checks["deliveries_lost"] = len(deliveries - set(received))
    checks["deliveries_unknown"] = len(set(received) - deliveries)
    # 6. Nothing stuck: imports unfinished, applications between states.
    checks["imports_unfinished"] = day.scalar(
        "SELECT count(*) FROM applications_manifestjob WHERE status <> 'completed'"
    )
    checks["applications_stuck"] = sum(
        states[s] for s in ("submitted", "screening", "referred", "decision", "approved")
    )
    # 7. The audit chain is intact.
    audit = day.command("audit", "verify")
    checks["audit_verify_failed"] = int(audit.returncode != 0)
    # 8. No 5xx or connection error outside the database restart windows.
    checks["errors_outside_restart"] = sum(
        1 for at, _name, _what in day.stats.failures
        if not any(lo <= at <= hi for lo, hi in day.restart_windows)
    )  # fmt: skip
    lost = sum(v for k, v in checks.items() if k.endswith("_lost"))
    duplicated = sum(v for k, v in checks.items() if k.endswith("_duplicated"))
    return {
        "checks": checks,
        "states": dict(states),
        "lost": lost,
        "duplicated": duplicated,
        "deliveries": len(deliveries),
        "received_total": sum(received.values()),
        "received_again": sum(received.values()) - len(received),
        "refused_by_receiver": day.receiver.refused,
        "errors_in_restart_window": len(day.stats.failures) - checks["errors_outside_restart"],
        "orphaned_task_rows": day.scalar(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        ),
        "audit": (audit.stdout + audit.stderr).strip().splitlines()[-1:],
    }


def _all(plan: dict[str, list[list[dict]]], direction: str) -> list[list[dict]]:
    return [
        [e for e in b if e["direction"] == direction] for batches in plan.values() for b in batches
    ]


def figures(day: Any) -> dict[str, Any]:
    """Queue delay of background jobs and the database's size."""
    delay = {
        r[0].rsplit(".", 1)[-1]: {
            "tasks": int(r[1]),
            "p50_s": float(r[2]),
            "p95_s": float(r[3]),
            "max_s": float(r[4]),
        }  # fmt: skip
        for r in day.sql(
            "SELECT task_path, count(*), "
            "round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::numeric, 2), "
            "round(percentile_cont(0.95) WITHIN GROUP (ORDER BY d)::numeric, 2), "
            "round(max(d)::numeric, 2) FROM (SELECT task_path, "
            "extract(epoch FROM started_at - enqueued_at) AS d "
            "FROM django_tasks_database_dbtaskresult WHERE started_at IS NOT NULL) t "
            "GROUP BY task_path"
        )
    }
    return {"queue_delay": delay,
            "database_bytes": day.scalar("SELECT pg_database_size('masar')")}  # fmt: skip
