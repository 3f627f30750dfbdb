"""Sending webhook deliveries: claims with a lease, attempts, retries, dead letters.

State lives in `WebhookDelivery` rows, never in the task queue: a task only says "send what
is due for this subscription". A worker claims one delivery at a time (`FOR UPDATE SKIP
LOCKED` on PostgreSQL, the write lock on SQLite) and leases it for a while; a worker killed
mid-delivery leaves the lease to expire, and the tick re-queues the subscription, so the
delivery is sent again with the same `webhook-id`. A delivery is claimable only when no
earlier delivery of the same subject to the same subscription is still pending, which keeps
per-subject order. See docs/adr/0011-webhook-delivery.md.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masar.accounts.roles import Role
from masar.core.audit import audit_record
from masar.integration import conf
from masar.integration.endpoints import endpoint_resolve, host_header, pinned_url
from masar.integration.envelope import envelope_body
from masar.integration.lock_objects import subscription_lock
from masar.integration.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from masar.integration.retries import (
    excerpt,
    is_congestion,
    retry_after_seconds,
    retry_delay,
)
from masar.integration.signing import secret_open, signature_header

logger = logging.getLogger(__name__)

USER_AGENT = "Masar-Webhooks/1.0"
# A dispatch request younger than this is trusted to be queued; an older one was lost.
DISPATCH_STALE_AFTER = timedelta(minutes=2)
ERROR_SNIPPET = 300
MAX_ANSWER_BYTES = 64 * 1024
# Deliveries leased at once by a dispatch task: fewer round trips to the database.
CLAIM_BATCH = 20


def dispatch_request(*, subscription_ids: list[int], force: bool = False) -> int:
    """Queue a dispatch task per subscription, unless one is already queued (or `force`).

    Runs its enqueues after the current transaction commits (at once outside one).
    Returns how many tasks it queued.
    """
    from masar.integration.tasks import webhook_dispatch

    now = timezone.now()
    queued = 0
    for subscription_id in subscription_ids:
        rows = WebhookSubscription.objects.filter(pk=subscription_id, is_active=True)
        if not force:
            rows = rows.filter(
                Q(dispatch_requested_at__isnull=True)
                | Q(dispatch_requested_at__lt=now - DISPATCH_STALE_AFTER)
            )
        if not rows.update(dispatch_requested_at=now):
            continue
        queued += 1
        transaction.on_commit(
            partial(webhook_dispatch.enqueue, subscription_id=subscription_id), robust=True
        )
    return queued


def _retry_later(subscription_id: int, when: datetime) -> None:
    from masar.integration.tasks import webhook_dispatch

    transaction.on_commit(
        lambda: webhook_dispatch.using(run_after=when).enqueue(subscription_id=subscription_id),
        robust=True,
    )


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    lease_token: uuid.UUID
    locked_until: datetime
    webhook_id: str
    url: str
    secrets: tuple[str, ...]
    body: bytes
    attempt: int


@dataclass(frozen=True)
class AttemptResult:
    ok: bool
    status_code: int | None = None
    error: str = ""
    elapsed_ms: int = 0
    # The receiver's Retry-After, in seconds from the answer (None: not given or unreadable).
    retry_after: float | None = None
    timed_out: bool = False

    @property
    def gone(self) -> bool:
        return self.status_code == 410

    @property
    def congestion(self) -> bool:
        """The receiver is overloaded or a gateway before it is: back off more."""
        return self.timed_out or is_congestion(self.status_code)


@dataclass
class DispatchReport:
    subscription_id: int
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    stale: int = 0
    continued: bool = False
    outcomes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("outcomes")
        return data


def _earlier_pending() -> Q:
    """An earlier delivery of the same subject to the same subscription is still pending.

    Two NOT EXISTS, each an index range probe on (subscription, subject, sequence): one for
    an earlier event, one for the same event delivered earlier (a replay beside a live one).
    """
    same_subject = WebhookDelivery.objects.filter(
        subscription_id=OuterRef("subscription_id"),
        subject_key=OuterRef("subject_key"),
        status=DeliveryStatus.PENDING,
    )
    return Q(Exists(same_subject.filter(sequence__lt=OuterRef("sequence")))) | Q(
        Exists(same_subject.filter(sequence=OuterRef("sequence"), id__lt=OuterRef("id")))
    )


def claimable(now: datetime) -> Any:
    """Pending deliveries that are due, not leased and not waiting for an earlier one."""
    return (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .filter(~_earlier_pending())
    )


def _active_secrets(subscription: WebhookSubscription, now: datetime) -> tuple[str, ...]:
    secrets = [secret_open(subscription.secret)]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires is not None and expires > now:
        try:
            secrets.append(secret_open(subscription.previous_secret))
        except ValueError:
            logger.warning("previous secret of webhook %s cannot be opened", subscription.pk)
    return tuple(secrets)


def deliveries_claim(
    *, subscription_id: int, worker: str = "", limit: int = CLAIM_BATCH
) -> list[Claim]:
    """Lease the next sendable deliveries of a subscription (at most one per subject, since
    a later one waits for the earlier), or none if nothing can go now."""
    with transaction.atomic():
        now = timezone.now()
        subscription = WebhookSubscription.objects.filter(
            pk=subscription_id, is_active=True
        ).first()
        if subscription is None:
            return []
        rows = list(
            claimable(now)
            .filter(subscription_id=subscription_id)
            .order_by("sequence", "id")
            .select_related("event")
            .select_for_update(skip_locked=True, of=("self",))[:limit]
        )
        if not rows:
            return []
        token = uuid.uuid4()
        locked_until = now + conf.lease()
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in rows]).update(
            locked_until=locked_until,
            lease_token=token,
            locked_by=worker[:100],
            last_attempt_at=now,
        )
        secrets = _active_secrets(subscription, now)
        return [
            Claim(
                delivery_id=d.pk,
                lease_token=token,
                locked_until=locked_until,
                webhook_id=d.webhook_id,
                url=subscription.url,
                secrets=secrets,
                body=envelope_body(d.event),
                attempt=d.attempts + 1,
            )
            for d in rows
        ]


def deliveries_release(claims: list[Claim]) -> None:
    """Give back leased deliveries that were not sent."""
    WebhookDelivery.objects.filter(
        pk__in=[claim.delivery_id for claim in claims],
        lease_token__in={claim.lease_token for claim in claims},
        status=DeliveryStatus.PENDING,
    ).update(locked_until=None, lease_token=None)


def delivery_attempt(client: httpx.Client, claim: Claim) -> AttemptResult:
    """POST the signed message. Any 2xx is success; everything else is a failed attempt."""
    timestamp = int(timezone.now().timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": claim.webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            claim.secrets, webhook_id=claim.webhook_id, timestamp=timestamp, body=claim.body
        ),
    }
    url = claim.url
    extensions: dict[str, Any] = {}
    if conf.block_private_networks():
        parts = urlsplit(claim.url)
        resolution = endpoint_resolve(
            parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        )
        if resolution.refusal:
            return AttemptResult(ok=False, error=resolution.refusal)
        # Connect to the address just checked, not to whatever the name resolves to next.
        url = pinned_url(parts, resolution.address)
        headers["host"] = host_header(parts)
        if parts.scheme == "https":
            extensions["sni_hostname"] = parts.hostname
    started = time.monotonic()
    try:
        with client.stream(
            "POST", url, content=claim.body, headers=headers, extensions=extensions
        ) as response:
            # Reading a small answer to its end lets the connection be kept alive.
            snippet, read = b"", 0
            for chunk in response.iter_bytes():
                read += len(chunk)
                if len(snippet) < ERROR_SNIPPET:
                    snippet += chunk
                if read > MAX_ANSWER_BYTES:
                    break
            elapsed = int((time.monotonic() - started) * 1000)
            if response.is_success:
                return AttemptResult(ok=True, status_code=response.status_code, elapsed_ms=elapsed)
            # Only the status and a short, cleaned excerpt: the receiver's answer is shown
            # in the deliveries list and pages, and is not Masar's to echo at length.
            text = excerpt(snippet[:ERROR_SNIPPET])
            return AttemptResult(
                ok=False,
                status_code=response.status_code,
                error=f"HTTP {response.status_code}: {text}".strip(),
                elapsed_ms=elapsed,
                retry_after=retry_after_seconds(
                    response.headers.get("retry-after"), now=timezone.now()
                ),
            )
    except httpx.TimeoutException:
        return AttemptResult(
            ok=False,
            error="timed out",
            elapsed_ms=int((time.monotonic() - started) * 1000),
            timed_out=True,
        )
    except httpx.HTTPError as exc:
        # The exception's text may quote the receiver (TLS names, proxies): its kind only.
        return AttemptResult(
            ok=False,
            error=type(exc).__name__,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )


def deliveries_delivered(sent: list[tuple[Claim, AttemptResult]]) -> int:
    """Record successful attempts of one claimed batch in one statement; returns how many
    were still ours (the rest lost their lease to another worker, whose result counts).

    A dispatch records its successes once per batch rather than once per delivery: the
    rows were leased together, and a later delivery of the same subject becomes claimable
    only when this statement commits, so per-subject order holds. A worker killed between
    the attempts and this statement leaves the lease to expire, and those deliveries are
    sent again with the same `webhook-id`, as for a worker killed mid-attempt.
    """
    if not sent:
        return 0
    now = timezone.now()
    ids = [claim.delivery_id for claim, _result in sent]
    return WebhookDelivery.objects.filter(
        pk__in=ids,
        lease_token__in={claim.lease_token for claim, _result in sent},
        status=DeliveryStatus.PENDING,
    ).update(
        status=DeliveryStatus.DELIVERED,
        attempts=F("attempts") + 1,
        delivered_at=now,
        last_status_code=Case(
            *[When(pk=c.delivery_id, then=Value(r.status_code)) for c, r in sent],
            output_field=IntegerField(),
        ),
        last_error="",
        last_response_ms=Case(
            *[When(pk=c.delivery_id, then=Value(r.elapsed_ms)) for c, r in sent],
            output_field=IntegerField(),
        ),
        locked_until=None,
        lease_token=None,
    )


def delivery_record(claim: Claim, result: AttemptResult) -> str:
    """Record an attempt's outcome: delivered, retry (scheduled), dead, or stale (our lease
    was lost to another worker, whose result counts instead)."""
    if result.ok:
        return "delivered" if deliveries_delivered([(claim, result)]) else "stale"
    now = timezone.now()
    mine = WebhookDelivery.objects.filter(
        pk=claim.delivery_id, lease_token=claim.lease_token, status=DeliveryStatus.PENDING
    )
    with transaction.atomic():
        delivery = mine.select_for_update().first()
        if delivery is None:
            return "stale"
        delivery.attempts += 1
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error
        delivery.last_response_ms = result.elapsed_ms
        delivery.locked_until = None
        delivery.lease_token = None
        fields = [
            "attempts",
            "last_status_code",
            "last_error",
            "last_response_ms",
            "locked_until",
            "lease_token",
            "status",
        ]
        subscription = subscription_lock(delivery.subscription_id)
        subscription.consecutive_failures += 1
        failing_since = subscription.failing_since or now
        subscription.failing_since = failing_since
        subscription.last_failure_at = now
        subscription.save(
            update_fields=["consecutive_failures", "failing_since", "last_failure_at"]
        )
        if result.gone or delivery.attempts >= conf.max_attempts():
            delivery.status = DeliveryStatus.DEAD
            delivery.dead_at = now
            delivery.save(update_fields=[*fields, "dead_at"])
            if result.gone:
                webhook_disable(subscription=subscription, cause=CAUSE_GONE, now=now)
            elif now - failing_since >= conf.disable_after():
                webhook_disable(subscription=subscription, cause=CAUSE_FAILING, now=now)
            return "dead"
        delivery.next_attempt_at = now + retry_delay(
            delivery.attempts, congestion=result.congestion, retry_after=result.retry_after
        )
        delivery.save(update_fields=[*fields, "next_attempt_at"])
        _retry_later(delivery.subscription_id, delivery.next_attempt_at)
        return "retry"


def _subscription_succeeded(subscription_id: int, now: datetime) -> None:
    # Touch the row only when its health changes (or once a minute), not on every success.
    (
        WebhookSubscription.objects.filter(pk=subscription_id)
        .filter(
            Q(consecutive_failures__gt=0)
            | Q(failing_since__isnull=False)
            | Q(last_success_at__isnull=True)
            | Q(last_success_at__lt=now - timedelta(minutes=1))
        )
        .update(consecutive_failures=0, failing_since=None, last_success_at=now)
    )


def http_client() -> httpx.Client:
    timeout = conf.timeout_seconds()
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)),
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=2),
    )


def _successes_record(
    report: DispatchReport,
    succeeded: list[tuple[Claim, AttemptResult]],
    health_touched_at: float | None,
) -> float | None:
    """Record the successes so far (before anything that follows them) in the report and
    the endpoint's health; empties `succeeded`. Returns when the health was last touched."""
    done = deliveries_delivered(succeeded)
    report.delivered += done
    report.stale += len(succeeded) - done
    report.outcomes += ["delivered"] * done + ["stale"] * (len(succeeded) - done)
    succeeded.clear()
    # The endpoint's health: reset after failures, else touched once a minute.
    if done and (health_touched_at is None or time.monotonic() - health_touched_at > 60):
        _subscription_succeeded(report.subscription_id, timezone.now())
        return time.monotonic()
    return health_touched_at


def webhook_dispatch_run(*, subscription_id: int, worker: str = "") -> DispatchReport:
    """Send what is due for one subscription, in claimed batches, for a bounded time.

    The body of the `webhook_dispatch` task. Stops when nothing more can go now (the rest is
    waiting for a retry time, leased by another worker, or behind an earlier delivery of its
    subject); when its time is up with work left, it queues its own continuation so that
    other subscriptions get their turn on this worker. A claimed delivery is sent only while
    its lease has room for a whole attempt; otherwise it is given back unsent.
    """
    WebhookSubscription.objects.filter(pk=subscription_id).update(dispatch_requested_at=None)
    report = DispatchReport(subscription_id=subscription_id)
    deadline = time.monotonic() + conf.pump_budget_seconds()
    attempt_room = timedelta(seconds=conf.timeout_seconds() + 1)
    health_touched_at: float | None = None
    with http_client() as client:
        while True:
            claims = deliveries_claim(subscription_id=subscription_id, worker=worker)
            if not claims:
                break
            succeeded: list[tuple[Claim, AttemptResult]] = []
            for index, claim in enumerate(claims):
                if (
                    time.monotonic() >= deadline
                    or timezone.now() + attempt_room > claim.locked_until
                ):
                    deliveries_release(claims[index:])
                    break
                result = delivery_attempt(client, claim)
                report.sent += 1
                if result.ok:
                    succeeded.append((claim, result))
                    continue
                health_touched_at = _successes_record(report, succeeded, health_touched_at)
                outcome = delivery_record(claim, result)
                report.outcomes.append(outcome)
                if outcome == "stale":
                    report.stale += 1
                else:
                    report.dead += outcome == "dead"
                    report.failed += outcome == "retry"
                    health_touched_at = None
            health_touched_at = _successes_record(report, succeeded, health_touched_at)
            if time.monotonic() >= deadline:
                if claimable(timezone.now()).filter(subscription_id=subscription_id).exists():
                    dispatch_request(subscription_ids=[subscription_id], force=True)
                    report.continued = True
                break
    return report


CAUSE_GONE = "gone"
CAUSE_FAILING = "failing"


def _cause_text(cause: str, failing_since: datetime) -> str:
    """Why an endpoint was disabled, in the active language."""
    if cause == CAUSE_GONE:
        return _("The endpoint answered 410 Gone.")
    return _("The endpoint has failed every delivery since %(since)s (UTC).") % {
        "since": failing_since.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    }


def webhook_disable(*, subscription: WebhookSubscription, cause: str, now: datetime) -> None:
    """Disable an endpoint that keeps failing (or answered 410 Gone): audit it, emit
    `webhook.disabled`, and tell the organization by email. Runs inside the caller's
    transaction, with the subscription row locked."""
    from masar.integration.services.outbox import event_emit

    if not subscription.is_active:
        return
    failing_since = subscription.failing_since or now
    with translation.override("en"):
        reason = _cause_text(cause, failing_since)
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.disabled_reason = reason[:300]
    subscription.updated_at = now
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    recipients = _notice_recipients(subscription)
    audit_record(
        actor=None,
        action="webhook.disabled",
        target=subscription,
        organization=subscription.organization,
        details={
            "url": subscription.url,
            "cause": cause,
            "reason": reason,
            "failing_since": failing_since,
            "consecutive_failures": subscription.consecutive_failures,
            "notified": recipients,
        },
    )
    event_emit(
        type="webhook.disabled",
        subject=subscription,
        payload={
            "subscription_id": subscription.pk,
            "url": subscription.url,
            "reason": reason,
            "failing_since": failing_since,
        },
        organizations=[subscription.organization_id],
    )
    if recipients:
        subscription_id = subscription.pk
        transaction.on_commit(
            lambda: disabled_notice_send(
                subscription_id=subscription_id,
                recipients=recipients,
                cause=cause,
                failing_since=failing_since,
            ),
            robust=True,
        )


def _notice_recipients(subscription: WebhookSubscription) -> list[str]:
    """The organization's address; failing that, its supervisors' addresses."""
    organization = subscription.organization
    if organization.email:
        return [organization.email]
    return sorted(
        {
            email
            for email in organization.users.filter(
                is_active=True, memberships__role=Role.SUPERVISOR
            ).values_list("email", flat=True)
            if email
        }
    )


def disabled_notice_send(
    *, subscription_id: int, recipients: list[str], cause: str, failing_since: datetime
) -> None:
    """The notice of a disabled endpoint, in Arabic then English."""
    subscription = WebhookSubscription.objects.select_related("organization").get(
        pk=subscription_id
    )
    subjects: list[str] = []
    parts: list[str] = []
    for language in ("ar", "en"):
        with translation.override(language):
            subjects.append(_("Masar: a webhook endpoint was disabled"))
            parts.append(
                _(
                    "The webhook endpoint %(url)s of %(organization)s was disabled.\n"
                    "Reason: %(reason)s\n"
                    "Masar no longer sends events to it. Fix the endpoint, enable the "
                    "subscription again (PATCH /api/v1/webhooks/%(id)s/ with "
                    '{"is_active": true}), then replay what it missed '
                    "(POST /api/v1/webhooks/%(id)s/replay/)."
                )
                % {
                    "url": subscription.url,
                    "organization": subscription.organization.display_name(language),
                    "reason": _cause_text(cause, failing_since),
                    "id": subscription.pk,
                }
            )
    EmailMessage(
        subject=" / ".join(subjects),
        body="\n\n----\n\n".join(parts),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    ).send(using="default")
