"""The outbox: writing events in the caller's transaction, and relaying them once committed.

`event_emit` inserts the event in the state change's own transaction, so an event exists if
and only if its change committed. Autoincrement ids do not give commit order (a transaction
holding a lower id can commit after a reader has passed it), so readers never use them:
after each commit, `outbox_relay` locks the single cursor row and gives every committed,
unsequenced event the next `sequence` number, in one transaction. Sequences are handed out
only to events already visible, only by one relay at a time, and a reader sees a relay's
whole batch or none of it, so the sequence is gap-free and increases in commit order; the
feed pages by it and can never skip an event. See docs/adr/0010-commit-order-sequence.md.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from masar.accounts.models import Organization
from masar.core.bulk import bulk_set, rows_insert
from masar.core.context import current_origin
from masar.core.ids import uuid7
from masar.integration import conf
from masar.integration.catalogue import CATALOGUE, EventType
from masar.integration.lock_objects import outbox_cursor_lock
from masar.integration.models import (
    EventAudience,
    OutboxCursor,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

RELAY_BATCH = 500
# Rounds one relay call serves before it returns, so its own request is not held long.
MAX_RELAY_ROUNDS = 20
TEST_EVENT = "webhook.test"
# Rows per INSERT statement of `events_emit_bulk` (bounds one statement's parameters).
BULK_EMIT_BATCH = 2000


def event_emit(
    *,
    type: str,
    subject: models.Model | tuple[str, str],
    payload: dict[str, Any],
    organizations: Iterable[Organization | int | None] = (),
) -> OutboxEvent:
    """Write one event of a catalogued type. Must run inside the state change's transaction.

    `organizations` are the non-ministry organizations that may see the event (the company,
    the agent...); the ministries that may see it come from the catalogue. Once the
    transaction commits, the relay sequences the event and fans it out to webhooks.
    """
    connection, event_type = _emit_checks("event_emit", type)
    subject_type, subject_id = _subject_key(subject)
    org_ids = _organization_ids(organizations)
    clean = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    event = OutboxEvent.objects.create(
        type=type,
        version=event_type.version,
        subject_type=subject_type,
        subject_id=subject_id,
        organizations=org_ids,
        ministries=list(event_type.ministries),
        occurred_at=timezone.now(),
        payload=clean,
        request_id=current_origin().request_id,
    )
    if conf.relay_on_commit():
        _relay_after_commit(connection)
    return event


def events_emit_bulk(
    *,
    type: str,
    items: Iterable[
        tuple[
            models.Model | tuple[str, str],
            dict[str, Any],
            Iterable[Organization | int | None],
        ]
    ],
) -> int:
    """Write many events of one catalogued type in one bulk write; returns how many.

    The set-based twin of `event_emit`, with the same checks and semantics: each item is
    `(subject, payload, organizations)` as `event_emit` takes them; it must run inside the
    state change's transaction, the type must be catalogued, each payload is made JSON-clean
    the same way, and the transaction relays once after it commits. Events keep the order of
    `items` (their ids increase in that order), so the relay sequences them in that order.
    On PostgreSQL the write is one COPY, elsewhere one INSERT per `BULK_EMIT_BATCH` rows.
    """
    connection, event_type = _emit_checks("events_emit_bulk", type)
    occurred_at = timezone.now()
    request_id = current_origin().request_id
    encoder = DjangoJSONEncoder()
    rows = (
        (
            *_subject_key(subject),
            _organization_ids(orgs),
            encoder.encode(payload),
        )
        for subject, payload, orgs in items
    )
    if connection.vendor == "postgresql":
        count = _events_copy(
            connection,
            type,
            event_type.version,
            event_type.ministries,
            occurred_at,
            rows,
            request_id=request_id,
        )
    else:
        events = [
            OutboxEvent(
                type=type,
                version=event_type.version,
                subject_type=subject_type,
                subject_id=subject_id,
                organizations=org_ids,
                ministries=list(event_type.ministries),
                occurred_at=occurred_at,
                payload=json.loads(text),
                request_id=request_id,
            )
            for subject_type, subject_id, org_ids, text in rows
        ]
        OutboxEvent.objects.bulk_create(events, batch_size=BULK_EMIT_BATCH)
        count = len(events)
    if not count:
        return 0
    if conf.relay_on_commit():
        _relay_after_commit(connection)
    return count


def _emit_checks(caller: str, type: str) -> tuple[Any, EventType]:
    """The connection of the state change's transaction, and the catalogued event type."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError(f"{caller} must run inside transaction.atomic")
    event_type = CATALOGUE.get(type)
    if event_type is None:
        raise ValueError(f"event type {type!r} is not in the catalogue")
    return connection, event_type


def _organization_ids(organizations: Iterable[Organization | int | None]) -> list[int]:
    return sorted(
        {o.pk if isinstance(o, Organization) else int(o) for o in organizations if o is not None}
    )


def _subject_key(subject: models.Model | tuple[str, str]) -> tuple[str, str]:
    if isinstance(subject, tuple):
        return subject
    return subject._meta.label_lower, str(subject.pk)


def _events_copy(
    connection: Any,
    type: str,
    version: int,
    ministries: Iterable[str],
    occurred_at: datetime,
    rows: Iterable[tuple[str, str, list[int], str]],
    *,
    request_id: str = "",
) -> int:
    """PostgreSQL: one COPY of the events (no SQL to compile, rows streamed as built).
    JSON columns go as their JSON text; `id` comes from its sequence in row order."""
    ministries_text = json.dumps(list(ministries))
    count = 0
    sql = (
        f"COPY {connection.ops.quote_name(OutboxEvent._meta.db_table)} (event_id, type,"
        " version, subject_type, subject_id, organizations, ministries, occurred_at, payload,"
        " request_id)"
        " FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for subject_type, subject_id, org_ids, payload_text in rows:
            copy.write_row(
                (
                    uuid7(),
                    type,
                    version,
                    subject_type,
                    subject_id,
                    json.dumps(org_ids),
                    ministries_text,
                    occurred_at,
                    payload_text,
                    request_id,
                )
            )
            count += 1
    return count


def _relay_after_commit(connection: Any) -> None:
    """Schedule one relay run for when the outermost transaction commits.

    A relay callback already registered at this savepoint level (or an enclosing one) will
    run whenever this event commits, so a transaction writing many events relays once.
    """
    current = set(connection.savepoint_ids)
    for sids, func, _robust in connection.run_on_commit:
        if func is outbox_relay_after_commit and sids <= current:
            return
    transaction.on_commit(outbox_relay_after_commit, robust=True)


def outbox_relay_after_commit() -> None:
    outbox_relay(wait=False)


def outbox_relay(*, batch: int = RELAY_BATCH, wait: bool = True) -> int:
    """Sequence every committed event not yet sequenced, in commit order; returns how many.

    Safe to run from any number of processes at once and idempotent: the tick runs it too,
    for events whose after-commit relay never ran. After a commit the relay does not queue
    behind another one (`wait=False`): it leaves its events to the relay holding the lock,
    which looks again once it has let go. Its events committed before it tried the lock, so
    that second look, which starts after the lock is released, sees them.
    """
    total = 0
    for _round in range(MAX_RELAY_ROUNDS):
        done = _relay_batch(batch, wait=wait)
        if done is None:
            return total
        total += done
        if done < batch and (
            # Only where relays can skip the lock (PostgreSQL) may events wait for a second
            # look; SQLite runs one writer at a time, so the next relay sees them anyway.
            not connection_skips_locks()
            or not OutboxEvent.objects.filter(sequence__isnull=True).exists()
        ):
            return total
    return total  # a busy moment: the next commit's relay, or the tick, goes on


def connection_skips_locks() -> bool:
    return bool(transaction.get_connection().features.has_select_for_update_skip_locked)


def _relay_batch(batch: int, *, wait: bool) -> int | None:
    """One relay transaction; None if another relay holds the cursor and `wait` is False."""
    with transaction.atomic():
        # Lock first, then read: the read's snapshot is taken after the previous relay
        # committed, so it sees every sequence that relay gave out.
        cursor = outbox_cursor_lock(wait=wait)
        if cursor is None:
            return None
        # The payload is read only for the rare test event (deferred, loaded on access).
        events = list(
            OutboxEvent.objects.filter(sequence__isnull=True)
            .defer("payload")
            .order_by("id")[:batch]
        )
        if not events:
            return 0
        now = timezone.now()
        sequences: dict[int, int] = {}
        last = cursor.last_sequence
        for event in events:
            last += 1
            sequences[event.pk] = event.sequence = last
            event.sequenced_at = now
        audiences = _audiences(events)
        # One statement each, linear in the batch (core.bulk: no CASE per event).
        bulk_set(OutboxEvent, events, ["sequence", "sequenced_at"])
        rows_insert(
            EventAudience,
            ["event_id", "organization_id", "sequence"],
            (
                (event.pk, org_id, sequences[event.pk])
                for event in events
                for org_id in sorted(audiences[event.pk])
            ),
        )
        OutboxCursor.objects.filter(pk=cursor.pk).update(last_sequence=last)
        subscription_ids = _fan_out(events, audiences, sequences, now)
        if subscription_ids:
            from masar.integration.services.delivery import dispatch_request

            transaction.on_commit(
                lambda: dispatch_request(subscription_ids=subscription_ids), robust=True
            )
        return len(events)


def _audiences(events: list[OutboxEvent]) -> dict[int, set[int]]:
    """Which organizations may see each event: those it names, and the ministries it names
    (every organization of those kinds)."""
    named = {int(org_id) for event in events for org_id in event.organizations}
    kinds = {kind for event in events for kind in event.ministries}
    existing: set[int] = set()
    ministries: dict[str, list[int]] = defaultdict(list)
    rows = Organization.objects.filter(Q(pk__in=named) | Q(kind__in=kinds)).values_list(
        "pk", "kind"
    )
    for pk, kind in rows:
        existing.add(pk)
        if kind in kinds:
            ministries[kind].append(pk)
    audiences: dict[int, set[int]] = {}
    for event in events:
        orgs = {int(o) for o in event.organizations} & existing
        for kind in event.ministries:
            orgs.update(ministries[kind])
        audiences[event.pk] = orgs
    return audiences


@dataclass(frozen=True)
class _Subscriber:
    pk: int
    organization_id: int
    event_types: frozenset[str]

    def wants(self, event_type: str) -> bool:
        return event_type in self.event_types or "*" in self.event_types


def _fan_out(
    events: list[OutboxEvent],
    audiences: dict[int, set[int]],
    sequences: dict[int, int],
    now: datetime,
) -> list[int]:
    """Create a delivery for every active subscription that wants and may see each event."""
    subscriptions = [
        _Subscriber(pk, org_id, frozenset(types))
        for pk, org_id, types in WebhookSubscription.objects.filter(is_active=True).values_list(
            "id", "organization_id", "event_types"
        )
    ]
    if not subscriptions:
        return []
    by_org: dict[int, list[_Subscriber]] = defaultdict(list)
    by_id = {s.pk: s for s in subscriptions}
    for subscription in subscriptions:
        by_org[subscription.organization_id].append(subscription)
    deliveries: list[WebhookDelivery] = []
    for event in events:
        audience = audiences[event.pk]
        if event.type == TEST_EVENT:
            # A test event goes to the one subscription it was requested for.
            target = by_id.get(event.payload.get("subscription_id"))  # type: ignore[arg-type]
            targets = [target] if target and target.organization_id in audience else []
        else:
            targets = [
                s for org_id in audience for s in by_org.get(org_id, ()) if s.wants(event.type)
            ]
        deliveries.extend(
            WebhookDelivery(
                subscription_id=s.pk,
                event=event,
                sequence=sequences[event.pk],
                subject_key=event.subject_key,
                next_attempt_at=now,
            )
            for s in targets
        )
    WebhookDelivery.objects.bulk_create(deliveries)
    return sorted({d.subscription_id for d in deliveries})
