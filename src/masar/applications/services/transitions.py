"""Moving applications through `states.TRANSITIONS`: the shared mechanism and the named
services of the application workflow (submit, company approval, return, withdrawal), one by
one and in bulk. The later apps call `application_transition` for the rows declared for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masar.accounts.models import User
from masar.applications.disclosure import (
    SECURITY_TRANSITIONS,
    neutral_refusal_payload,
    shown_status,
    status_label,
)
from masar.applications.eligibility import (
    EligibilityContext,
    Failure,
    context_for_group,
    evaluate,
    failures_as_fields,
)
from masar.applications.eligibility.base import passport_key
from masar.applications.error_codes import ApplicationsError
from masar.applications.lock_objects import application_lock, applications_lock
from masar.applications.models import (
    Application,
    ApplicationTransition,
    Group,
    ManifestJob,
    Pilgrim,
)
from masar.applications.services.common import (
    AGENT_ROLES,
    COMPANY_ROLES,
    require_company_active,
)
from masar.applications.states import (
    ACTIVE_STATUSES,
    AFTER_COMMIT,
    AGENT,
    COMPANY,
    SYSTEM,
    TRANSITIONS,
    ApplicationStatus,
    Transition,
)
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, Unprocessable, ValidationFailed
from masar.integration.services import event_emit
from masar.integration.services.outbox import events_emit_bulk
from masar.seasons.models import Quota, QuotaHolder
from masar.seasons.services import quota_consume, quota_release

QUOTA_RULES = frozenset({"quota_company", "quota_agent"})


@dataclass
class BatchResult:
    """The outcome of a bulk action: what was done, and why each other one was refused."""

    done: list[Application] = field(default_factory=list)
    refused: dict[int, list[Failure]] = field(default_factory=dict)


# --- The mechanism ---------------------------------------------------------------------


def _actor_kind(actor: User | None) -> str:
    if actor is None:
        return SYSTEM
    return actor.organization.kind if actor.organization is not None else ""


def transition_allowed(actor: User | None, transition: Transition, app: Application) -> bool:
    """Whether the actor's organization may take this transition on this application."""
    kind = _actor_kind(actor)
    if kind not in transition.by:
        return False
    if actor is None:
        return True
    if kind == AGENT:
        return actor.has_role(*AGENT_ROLES) and actor.organization_id == app.agent.organization_id
    if kind == COMPANY:
        return (
            actor.has_role(*COMPANY_ROLES) and actor.organization_id == app.company.organization_id
        )
    return True


def _guard(actor: User | None, transition: Transition, app: Application, reason: str) -> None:
    if not transition_allowed(actor, transition, app):
        raise Forbidden(
            ApplicationsError.NOT_ALLOWED,
            _("You may not %(action)s this application.") % {"action": transition.name},
        )
    if app.status not in transition.sources:
        # The refusal names the state as the actor may see it (no tip-off of a referral).
        shown = app.status if actor is None else shown_status(actor, app.status)
        raise Conflict(
            ApplicationsError.INVALID_TRANSITION,
            _("A %(status)s application cannot be moved by '%(action)s'.")
            % {"status": status_label(shown), "action": transition.name},
            fields={"status": [shown]},
        )
    if transition.reason_required and not reason.strip():
        raise ValidationFailed(
            ApplicationsError.REASON_REQUIRED,
            _("A reason is required."),
            fields={"reason": [_("This field is required.")]},
        )


def _payload(app: Application, transition: Transition, from_status: str, reason: str) -> dict:
    return {
        "application_id": app.pk,
        "number": app.number,
        "group_id": app.group_id,
        "agent_id": app.agent_id,
        "company_id": app.company_id,
        "season_id": app.season_id,
        "transition": transition.name,
        "from": from_status,
        "to": transition.target,
        "reason": reason,
    }


def _event_organizations(name: str, app: Application) -> list[int]:
    """Who besides the ministries receives a transition's event: the agent and the company,
    except for the steps of the security review, which only the ministries receive (no
    tip-off; the submitting side gets `application.refused` for a refusal, see
    `_emit_transition_event`)."""
    if name in SECURITY_TRANSITIONS:
        return []
    return [app.agent.organization_id, app.company.organization_id]


def _emit_transition_event(
    app: Application, transition: Transition, name: str, payload: dict[str, Any]
) -> None:
    event_emit(
        type=transition.event,
        subject=app,
        payload=payload,
        organizations=_event_organizations(name, app),
    )
    if name == "referral_reject":
        event_emit(
            type="application.refused",
            subject=app,
            payload=neutral_refusal_payload(payload),
            organizations=[app.agent.organization_id, app.company.organization_id],
        )


def _apply(app: Application, transition: Transition, reason: str, now: Any) -> list[str]:
    """Change the in-memory application; return the fields to save (quota handled apart)."""
    app.status = transition.target
    app.status_reason = reason
    app.updated_at = now
    setattr(app, transition.timestamp, now)
    fields = ["status", "status_reason", "updated_at", transition.timestamp]
    key = passport_key(app.pilgrim.passport_issuing_state, app.pilgrim.passport_number)
    wanted = key if transition.target in ACTIVE_STATUSES else None
    if app.active_passport != wanted:
        app.active_passport = wanted
        fields.append("active_passport")
    if transition.releases_quota and app.quota_held:
        app.quota_held = False
        fields.append("quota_held")
    return fields


def _passport_key_expression() -> Subquery:
    """SQL for "STATE:NUMBER" of an application's pilgrim (the passport lock's value)."""
    return Subquery(
        Pilgrim.objects.filter(pk=OuterRef("pilgrim_id"))
        .annotate(
            key=Concat(
                "passport_issuing_state",
                Value(":"),
                "passport_number",
                output_field=CharField(),
            )
        )
        .values("key")[:1]
    )


def _passport_taken(app: Application) -> Unprocessable:
    failure = Failure(
        "passport_number",
        "passport_one_active",
        _("This passport already has an active application or visa."),
    )
    return Unprocessable(
        ApplicationsError.NOT_ELIGIBLE,
        _("The application does not meet the eligibility rules."),
        fields=failures_as_fields([failure]),
    )


def _quota_ids(app: Application) -> list[int]:
    return list(
        Quota.objects.filter(season_id=app.season_id)
        .filter(_quota_holder_q(app.company_id, app.agent_id))
        .values_list("pk", flat=True)
    )


def _quota_holder_q(company_id: int, agent_id: int) -> Q:
    return Q(holder_type=QuotaHolder.COMPANY, company_id=company_id) | Q(
        holder_type=QuotaHolder.AGENT, agent_id=agent_id
    )


def application_transition(
    *,
    actor: User | None,
    application: Application,
    name: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    extra_fields: Sequence[str] = (),
) -> Application:
    """Take the transition `name` on an application the caller has locked
    (`lock_objects.application_lock`) inside its transaction.

    Checks who may take it, from which states and whether a reason is needed; records the
    step timestamp, the transition log, the audit entry and the catalogued event; keeps
    the passport lock (one active application per passport) and gives quota places back
    when the transition says so. `extra_fields` are fields the caller changed as well.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("application_transition must run inside transaction.atomic")
    transition = TRANSITIONS[name]
    reason = reason.strip()
    _guard(actor, transition, application, reason)
    from_status = application.status
    released = transition.releases_quota and application.quota_held
    now = timezone.now()
    fields = _apply(application, transition, reason, now)
    try:
        with transaction.atomic():
            application.save(update_fields=[*fields, *extra_fields])
    except IntegrityError:
        raise _passport_taken(application) from None
    if released:
        quota_release(quota_ids=_quota_ids(application))
    ApplicationTransition.objects.create(
        application=application,
        name=name,
        from_status=from_status,
        to_status=transition.target,
        actor=actor,
        reason=reason,
        details=details or {},
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"application.{name}",
        target=application,
        details={"from": from_status, "to": transition.target, "reason": reason, **(details or {})},
    )
    _emit_transition_event(
        application,
        transition,
        name,
        {**_payload(application, transition, from_status, reason), **(payload or {})},
    )
    _after_commit(name, [application.pk])
    return application


def _after_commit(name: str, application_ids: list[int]) -> None:
    for hook in AFTER_COMMIT.get(name, ()):
        transaction.on_commit(partial(hook, application_ids), robust=True)


def _transition_many(
    *,
    actor: User | None,
    applications: Sequence[Application],
    name: str,
    reason: str = "",
    quota_held: bool | None = None,
    audit_details: dict[str, Any] | None = None,
) -> None:
    """The same transition for many locked applications whose guards the caller checked:
    one UPDATE for all of them, one INSERT for the log, one audit entry for the action and
    one event per application, all written at once (`events_emit_bulk`). Raises
    IntegrityError when a passport lock is taken (the caller falls back to one by one)."""
    if not applications:
        return
    transition = TRANSITIONS[name]
    now = timezone.now()
    froms = {app.pk: app.status for app in applications}
    released = [app for app in applications if transition.releases_quota and app.quota_held]
    values: dict[str, Any] = {
        "status": transition.target,
        "status_reason": reason,
        "updated_at": now,
        transition.timestamp: now,
        "active_passport": _passport_key_expression()
        if transition.target in ACTIVE_STATUSES
        else None,
    }
    if transition.releases_quota:
        values["quota_held"] = False
    if quota_held is not None:
        values["quota_held"] = quota_held
    for app in applications:
        _apply(app, transition, reason, now)
        if quota_held is not None:
            app.quota_held = quota_held
    with transaction.atomic():
        Application.objects.filter(pk__in=[app.pk for app in applications]).update(**values)
    by_holder: dict[tuple[int, int, int], list[Application]] = {}
    for app in released:
        by_holder.setdefault((app.season_id, app.company_id, app.agent_id), []).append(app)
    for same_holders in by_holder.values():
        quota_release(quota_ids=_quota_ids(same_holders[0]), amount=len(same_holders))
    ApplicationTransition.objects.bulk_create(
        [
            ApplicationTransition(
                application=app,
                name=name,
                from_status=froms[app.pk],
                to_status=transition.target,
                actor=actor,
                reason=reason,
                at=now,
            )
            for app in applications
        ],
        batch_size=1000,
    )
    audit_record(
        actor=actor,
        action=f"application.{name}",
        target=("applications.application", "bulk"),
        details={
            "from": sorted(set(froms.values())),
            "to": transition.target,
            "reason": reason,
            "count": len(applications),
            "applications": [app.pk for app in applications],
            **(audit_details or {}),
        },
    )
    if name == "referral_reject":
        for app in applications:
            _emit_transition_event(
                app, transition, name, _payload(app, transition, froms[app.pk], reason)
            )
    else:
        events_emit_bulk(
            type=transition.event,
            items=(
                (
                    app,
                    _payload(app, transition, froms[app.pk], reason),
                    _event_organizations(name, app),
                )
                for app in applications
            ),
        )
    _after_commit(name, [app.pk for app in applications])


# --- Submission ------------------------------------------------------------------------


def _not_eligible(failures: Iterable[Failure]) -> Unprocessable:
    failures = list(failures)
    return Unprocessable(
        ApplicationsError.NOT_ELIGIBLE,
        _("The application does not meet %(count)d eligibility rule(s).")
        % {"count": len({f.code for f in failures})},
        fields=failures_as_fields(failures),
    )


def _refuse_while_importing(group: Group) -> None:
    if ManifestJob.objects.filter(group=group, status__in=["queued", "running"]).exists():
        raise Conflict(
            ApplicationsError.MANIFEST_RUNNING,
            _("A manifest is being imported into this group; submit when it has finished."),
        )


_NO_QUOTA = {
    QuotaHolder.COMPANY: (
        "quota_company",
        gettext_lazy("The company has no quota in this season."),
    ),
    QuotaHolder.AGENT: ("quota_agent", gettext_lazy("The agent has no quota in this season.")),
}
_QUOTA_FULL = {
    QuotaHolder.COMPANY: (
        "quota_company",
        gettext_lazy("The company's quota for the season is used up."),
    ),
    QuotaHolder.AGENT: (
        "quota_agent",
        gettext_lazy("The agent's quota for the season is used up."),
    ),
}


def _enabled_quotas(ctx: EligibilityContext) -> tuple[list[Quota], list[Failure]]:
    """The quotas the season's rules apply (read now), and a failure for each one missing."""
    rows = {
        q.holder_type: q
        for q in Quota.objects.filter(season=ctx.season).filter(
            _quota_holder_q(ctx.company.pk, ctx.agent.pk)
        )
    }
    quotas: list[Quota] = []
    missing: list[Failure] = []
    for holder in (QuotaHolder.COMPANY, QuotaHolder.AGENT):
        code, message = _NO_QUOTA[holder]
        if not ctx.is_enabled(code):
            continue
        if holder in rows:
            quotas.append(rows[holder])
        else:
            missing.append(Failure("quota", code, str(message)))
    return quotas, missing


def _full(quotas: Sequence[Quota]) -> Failure:
    tightest = min(quotas, key=lambda q: q.limit - q.used)
    code, message = _QUOTA_FULL[QuotaHolder(tightest.holder_type)]
    return Failure("quota", code, str(message))


def _take_places(ctx: EligibilityContext, wanted: int) -> tuple[int, list[Failure]]:
    """Take up to `wanted` places from every enabled quota, all quotas alike; return how
    many were taken and, when fewer than wanted, why. `quota_consume`'s conditional
    UPDATEs keep this exact under concurrent submitters; a race lost is retried."""
    for _attempt in range(5):
        quotas, missing = _enabled_quotas(ctx)
        if missing:
            return 0, missing
        if not quotas:
            return wanted, []
        places = min([wanted, *(max(q.limit - q.used, 0) for q in quotas)])
        if places == 0:
            return 0, [_full(quotas)]
        if quota_consume(quota_ids=[q.pk for q in quotas], amount=places):
            return places, ([] if places == wanted else [_full(_enabled_quotas(ctx)[0])])
    return 0, [_full(_enabled_quotas(ctx)[0])]


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> Application:
    """The agent submits one application to its company: every eligibility rule runs (all
    failures are returned together), then the company's and the agent's quota places are
    taken, race-safe, in the same transaction."""
    app = application_lock(application.pk)
    _guard(actor, TRANSITIONS["submit"], app, "")
    require_company_active(app.company)
    _refuse_while_importing(app.group)
    key = passport_key(app.pilgrim.passport_issuing_state, app.pilgrim.passport_number)
    ctx = context_for_group(app.group, passport_keys=[key])
    failures = evaluate(app.pilgrim, ctx)
    if failures:
        raise _not_eligible(failures)
    taken, why = _take_places(ctx, 1)
    if not taken:
        raise _not_eligible(why)
    app.quota_held = bool(_enabled_quotas(ctx)[0])
    return application_transition(
        actor=actor, application=app, name="submit", extra_fields=["quota_held"]
    )


@transaction.atomic
def group_submit(
    *, actor: User, group: Group, application_ids: Iterable[int] | None = None
) -> BatchResult:
    """Submit every draft or returned application of a group (or those named): each that
    passes the rules and finds quota places is submitted; each other is refused with all
    its reasons. Quota places are taken in one conditional UPDATE per quota."""
    result = BatchResult()
    query = Application.objects.filter(group=group, status__in=list(TRANSITIONS["submit"].sources))
    if application_ids is not None:
        query = query.filter(pk__in=list(application_ids))
    apps = list(applications_lock(query.values_list("pk", flat=True)))
    if not apps:
        return result
    for app in apps:
        _guard(actor, TRANSITIONS["submit"], app, "")
    require_company_active(group.company)
    _refuse_while_importing(group)
    keys = [passport_key(a.pilgrim.passport_issuing_state, a.pilgrim.passport_number) for a in apps]
    ctx = context_for_group(group, passport_keys=keys)
    passing: list[Application] = []
    seen: set[str] = set()
    for app, key in zip(apps, keys, strict=True):
        failures = evaluate(app.pilgrim, ctx, skip=QUOTA_RULES)
        if key in seen:
            failures.append(
                Failure(
                    "passport_number",
                    "passport_one_active",
                    _("Another application of this batch has the same passport."),
                )
            )
        if failures:
            result.refused[app.pk] = failures
        else:
            seen.add(key)
            passing.append(app)
    if not passing:
        return result
    taken, why = _take_places(ctx, len(passing))
    admitted = passing[:taken]
    for app in passing[taken:]:
        result.refused[app.pk] = why
    holds = bool(_enabled_quotas(ctx)[0])
    try:
        with transaction.atomic():
            _transition_many(
                actor=actor,
                applications=admitted,
                name="submit",
                quota_held=holds,
                audit_details={"group_id": group.pk},
            )
    except IntegrityError:
        # A concurrent submission took one of these passports: give the places back and
        # submit one by one, so that only the application concerned is refused.
        if admitted and holds:
            quota_release(quota_ids=[q.pk for q in _enabled_quotas(ctx)[0]], amount=taken)
        for app in admitted:
            app.quota_held = False
            try:
                with transaction.atomic():
                    result.done.append(application_submit(actor=actor, application=app))
            except Unprocessable as exc:
                result.refused[app.pk] = [
                    Failure(name, item["code"], item["message"])
                    for name, items in exc.fields.items()
                    for item in items
                ]
        return result
    result.done.extend(admitted)
    return result


# --- The company's decision --------------------------------------------------------------


@transaction.atomic
def application_company_approve(*, actor: User, application: Application) -> Application:
    """The company approves its agent's application: it goes to security screening."""
    app = application_lock(application.pk)
    _guard(actor, TRANSITIONS["company_approve"], app, "")
    require_company_active(app.company)
    application_transition(actor=actor, application=app, name="company_approve")
    _ready_for_screening(app)
    return app


def _ready_for_screening(app: Application) -> None:
    """Announce the application to the ministries and queue its security screening, which
    runs once this transaction has committed (`masar.screening.tasks.screen_application`)."""
    transaction.on_commit(partial(_screening_enqueue, app.pk), robust=True)
    event_emit(
        type="application.ready_for_screening",
        subject=app,
        payload={
            "application_id": app.pk,
            "number": app.number,
            "season_id": app.season_id,
            "nationality": app.pilgrim.nationality,
            "passport_issuing_state": app.pilgrim.passport_issuing_state,
        },
        organizations=[app.company.organization_id],
    )


def _screening_enqueue(application_id: int) -> None:
    # Imported here: the screening app builds on this one. If the queue is unreachable the
    # application stays in `screening`; `masar screening sweep` screens what was left.
    from masar.screening.tasks import screen_application

    screen_application.enqueue(application_id=application_id)


@transaction.atomic
def applications_company_approve(*, actor: User, application_ids: Iterable[int]) -> BatchResult:
    """Approve many applications at once; each that cannot be approved says why."""
    result = BatchResult()
    apps = list(applications_lock(application_ids))
    ready: list[Application] = []
    for app in apps:
        try:
            _guard(actor, TRANSITIONS["company_approve"], app, "")
            require_company_active(app.company)
        except (Forbidden, Conflict) as exc:
            result.refused[app.pk] = [Failure("status", exc.code, str(exc.message))]
        else:
            ready.append(app)
    _transition_many(actor=actor, applications=ready, name="company_approve")
    for app in ready:
        _ready_for_screening(app)
    result.done.extend(ready)
    return result


@transaction.atomic
def application_return(*, actor: User, application: Application, reason: str) -> Application:
    """The company returns an application to its agent with a reason; the quota places
    it held are given back."""
    app = application_lock(application.pk)
    _guard(actor, TRANSITIONS["return"], app, reason)
    require_company_active(app.company)
    return application_transition(actor=actor, application=app, name="return", reason=reason)


@transaction.atomic
def applications_return(*, actor: User, application_ids: Iterable[int], reason: str) -> BatchResult:
    result = BatchResult()
    reason = reason.strip()
    apps = list(applications_lock(application_ids))
    ready: list[Application] = []
    for app in apps:
        try:
            _guard(actor, TRANSITIONS["return"], app, reason)
            require_company_active(app.company)
        except (Forbidden, Conflict, ValidationFailed) as exc:
            result.refused[app.pk] = [Failure("status", exc.code, str(exc.message))]
        else:
            ready.append(app)
    _transition_many(actor=actor, applications=ready, name="return", reason=reason)
    result.done.extend(ready)
    return result


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """The agent withdraws a draft, submitted or returned application."""
    app = application_lock(application.pk)
    return application_transition(actor=actor, application=app, name="withdraw", reason=reason)


__all__ = [
    "ApplicationStatus",
    "BatchResult",
    "application_company_approve",
    "application_return",
    "application_submit",
    "application_transition",
    "application_withdraw",
    "applications_company_approve",
    "applications_return",
    "group_submit",
]
