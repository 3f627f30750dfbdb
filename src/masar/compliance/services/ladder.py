"""The penalty ladder: per company and season, the overstay rate and points decide which
steps are taken (investigation, warning with a cure period, quota cut, suspension, licence
cancellation) and which agents are barred. Every step writes a penalty, a notice and an
event; suspension, reinstatement and cancellation go through the operators services."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.compliance import facts
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import (
    LADDER,
    LADDER_REASON,
    ComplianceRules,
    NoticeKind,
    Penalty,
    PenaltyStatus,
    PenaltyStep,
    SuspensionMode,
    Violation,
    ViolationStatus,
)
from masar.compliance.services.common import notice_issue, require_reviewer, rules_for
from masar.core.audit import audit_record
from masar.core.errors import Conflict
from masar.integration.services import event_emit
from masar.operators.models import Agent, AgentStatus, Company, CompanyStatus
from masar.seasons.models import Quota, QuotaHolder, Season


def ladder_level(*, rate_pct: Decimal, points: int, entered: int, rules: ComplianceRules) -> int:
    """How many steps of the ladder the figures reach (0 = none, 5 = cancellation).

    A step is reached by the overstay rate (once `minimum_entered` pilgrims have entered)
    or by the points, whichever reaches higher. Pure: the thresholds come from `rules`."""
    thresholds = [
        (rules.investigation_rate_pct, rules.investigation_points),
        (rules.warning_rate_pct, rules.warning_points),
        (rules.quota_cut_rate_pct, rules.quota_cut_points),
        (rules.suspension_rate_pct, rules.suspension_points),
        (rules.cancellation_rate_pct, rules.cancellation_points),
    ]
    rate_counts = entered >= max(rules.minimum_entered, 1)
    level = 0
    for index, (rate_threshold, points_threshold) in enumerate(thresholds, start=1):
        if (rate_counts and rate_pct >= rate_threshold) or (
            points_threshold > 0 and points >= points_threshold
        ):
            level = index
    return level


@dataclass
class Standing:
    season_id: int
    company_id: int
    entered: int
    overstayers: int
    open_overstayers: int
    rate_pct: Decimal
    points: int
    fines_due_sar: Decimal
    level: int
    imposed: list[str] = field(default_factory=list)
    lifted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entered": self.entered,
            "overstayers": self.overstayers,
            "rate_pct": str(self.rate_pct),
            "points": self.points,
            "fines_due_sar": f"{self.fines_due_sar:.2f}",
            "level": self.level,
            "imposed": self.imposed,
            "lifted": self.lifted,
        }


def company_standing(*, season_id: int, company_id: int) -> Standing:
    """The figures of the ladder (reads only)."""
    from masar.compliance.models import Invoice, InvoiceStatus, Payer

    figures = facts.company_figures(season_id=season_id, company_id=company_id)
    points = (
        Violation.objects.filter(season_id=season_id, company_id=company_id)
        .exclude(status=ViolationStatus.CANCELLED)
        .aggregate(total=Sum("points"))["total"]
        or 0
    )
    owed = Invoice.objects.filter(
        season_id=season_id, company_id=company_id, payer=Payer.COMPANY, status=InvoiceStatus.OPEN
    ).aggregate(amount=Sum("amount_sar"), paid=Sum("paid_sar"))
    fines_due = (owed["amount"] or Decimal("0")) - (owed["paid"] or Decimal("0"))
    rules = rules_for(season_id)
    return Standing(
        season_id=season_id,
        company_id=company_id,
        entered=figures.entered,
        overstayers=figures.overstayers,
        open_overstayers=figures.open_overstayers,
        rate_pct=figures.rate_pct,
        points=points,
        fines_due_sar=fines_due.quantize(Decimal("0.01")),
        level=ladder_level(
            rate_pct=figures.rate_pct, points=points, entered=figures.entered, rules=rules
        ),
    )


def _trigger(standing: Standing) -> dict[str, Any]:
    return {
        "rate_pct": str(standing.rate_pct),
        "points": standing.points,
        "entered": standing.entered,
        "overstayers": standing.overstayers,
    }


def _grown_since(previous: Penalty | None, standing: Standing) -> bool:
    """A step already taken (and since lifted) is taken again only on new figures."""
    if previous is None:
        return True
    before = previous.trigger or {}
    return standing.overstayers > int(before.get("overstayers", 0)) or standing.points > int(
        before.get("points", 0)
    )


STEP_SUBJECTS = {
    PenaltyStep.INVESTIGATION: lambda: _("An investigation of your company is opened"),
    PenaltyStep.WARNING: lambda: _("Warning to your company, with a cure period"),
    PenaltyStep.QUOTA_CUT: lambda: _("Your company's quota is cut"),
    PenaltyStep.SUSPENSION: lambda: _("Your company is suspended"),
    PenaltyStep.CANCELLATION: lambda: _("Your company's licence is cancelled"),
    PenaltyStep.AGENT_BAR: lambda: _("An overseas agent of your company is barred"),
}


def _step_body(penalty: Penalty, standing: Standing) -> str:
    base = _(
        "Overstay rate %(rate)s%% (%(over)d of %(entered)d pilgrims entered), "
        "%(points)d violation points."
    ) % {
        "rate": standing.rate_pct,
        "over": standing.overstayers,
        "entered": standing.entered,
        "points": standing.points,
    }
    step = penalty.step
    if step == PenaltyStep.WARNING and penalty.ends_on:
        extra = _("Bring the rate below the warning threshold by %(date)s.") % {
            "date": penalty.ends_on.isoformat()
        }
    elif step == PenaltyStep.QUOTA_CUT and penalty.effect.get("limit_after") is not None:
        extra = _("Quota cut from %(before)d to %(after)d.") % {
            "before": penalty.effect["limit_before"],
            "after": penalty.effect["limit_after"],
        }
    elif step == PenaltyStep.SUSPENSION:
        extra = (
            _("Suspended until %(date)s.") % {"date": penalty.ends_on.isoformat()}
            if penalty.ends_on
            else _("Suspended until all your overstayers have left the kingdom.")
        )
    elif step == PenaltyStep.AGENT_BAR and penalty.agent is not None:
        extra = _("Agent barred: %(agent)s.") % {"agent": penalty.agent.organization.name_en}
    else:
        extra = _("You may appeal this decision with a statement and files.")
    return f"{base} {extra}"


def _apply_effect(penalty: Penalty, rules: ComplianceRules, actor: User | None) -> None:
    """What the step does outside compliance, through the owning app's services."""
    from masar.operators import services as operators
    from masar.seasons.services import quota_set

    company = Company.objects.get(pk=penalty.company_id)
    reason = penalty.reason
    if penalty.step == PenaltyStep.QUOTA_CUT:
        quota = Quota.objects.filter(
            season_id=penalty.season_id, holder_type=QuotaHolder.COMPANY, company=company
        ).first()
        if quota is None:
            penalty.effect = {"quota_id": None}
            return
        cut = math.ceil(quota.limit * rules.quota_cut_pct / Decimal(100))
        after = max(quota.limit - cut, quota.used)
        penalty.effect = {"quota_id": quota.pk, "limit_before": quota.limit, "limit_after": after}
        quota_set(actor=None, season=quota.season, limit=after, company=company)
    elif penalty.step == PenaltyStep.SUSPENSION:
        if company.status != CompanyStatus.ACTIVE:
            penalty.effect = {"company_status_before": company.status}
            return
        operators.company_suspend(actor=None, company=company, reason=reason, until=penalty.ends_on)
        penalty.effect = {"company_status_before": CompanyStatus.ACTIVE}
    elif penalty.step == PenaltyStep.CANCELLATION:
        if company.status == CompanyStatus.REVOKED:
            penalty.effect = {"company_status_before": company.status}
            return
        penalty.effect = {"company_status_before": company.status}
        operators.company_revoke(actor=None, company=company, reason=reason)
    elif penalty.step == PenaltyStep.AGENT_BAR and penalty.agent_id is not None:
        penalty.effect = {
            "agent_status_before": operators.agent_bar(
                actor=None, agent=Agent.objects.get(pk=penalty.agent_id), reason=reason
            )
        }


def _undo_effect(penalty: Penalty, reason: str) -> None:
    from masar.operators import services as operators
    from masar.seasons.services import quota_set

    company = Company.objects.get(pk=penalty.company_id)
    effect = penalty.effect or {}
    if penalty.step == PenaltyStep.QUOTA_CUT and effect.get("quota_id"):
        quota = Quota.objects.filter(pk=effect["quota_id"]).select_related("season").first()
        if quota is not None and quota.limit == effect.get("limit_after"):
            quota_set(
                actor=None, season=quota.season, limit=effect["limit_before"], company=company
            )
    elif penalty.step == PenaltyStep.SUSPENSION:
        if (
            effect.get("company_status_before") == CompanyStatus.ACTIVE
            and company.status == CompanyStatus.SUSPENDED
        ):
            operators.company_reinstate(actor=None, company=company, reason=reason)
    elif penalty.step == PenaltyStep.AGENT_BAR and penalty.agent_id is not None:
        if effect.get("agent_status_before") == AgentStatus.ACTIVE:
            operators.agent_unbar(
                actor=None, agent=Agent.objects.get(pk=penalty.agent_id), reason=reason
            )


def _impose(
    *,
    season: Season,
    company: Company,
    step: str,
    standing: Standing,
    rules: ComplianceRules,
    actor: User | None = None,
    agent: Agent | None = None,
    reason: str = "",
) -> Penalty:
    today = timezone.localdate()
    ends_on: dt.date | None = None
    if step == PenaltyStep.WARNING:
        ends_on = today + timedelta(days=rules.warning_cure_days)
    elif step == PenaltyStep.SUSPENSION and rules.suspension_mode == SuspensionMode.PERIOD:
        ends_on = today + timedelta(days=rules.suspension_days)
    if not reason:
        # Stored once, in English (the notice carries both languages).
        with translation.override("en"):
            reason = LADDER_REASON % {
                "step": PenaltyStep(step).label,
                "rate": standing.rate_pct,
                "points": standing.points,
            }
    penalty = Penalty.objects.create(
        season=season,
        company=company,
        agent=agent,
        step=step,
        automatic=actor is None,
        reason=reason,
        trigger=_trigger(standing),
        starts_on=today,
        ends_on=ends_on,
        imposed_by=actor,
        imposed_at=timezone.now(),
    )
    _apply_effect(penalty, rules, actor)
    penalty.save(update_fields=["effect"])
    audit_record(
        actor=actor,
        action="penalty.imposed",
        target=penalty,
        organization=company.organization,
        details={"step": step, "agent_id": penalty.agent_id, **penalty.trigger, **penalty.effect},
    )
    event_emit(
        type="penalty.imposed",
        subject=penalty,
        payload={
            "penalty_id": penalty.pk,
            "step": step,
            "company_id": company.pk,
            "agent_id": penalty.agent_id,
            "season_id": season.pk,
            "starts_on": penalty.starts_on,
            "ends_on": penalty.ends_on,
            "overstay_rate_pct": str(standing.rate_pct),
            "points": standing.points,
        },
        organizations=[company.organization_id]
        + ([agent.organization_id] if agent is not None else []),
    )
    notice_issue(
        company=company,
        season=season,
        kind=NoticeKind.PENALTY,
        penalty=penalty,
        subject=STEP_SUBJECTS[PenaltyStep(step)],
        body=lambda: _step_body(penalty, standing),
    )
    return penalty


def penalty_lift_locked(
    *, penalty: Penalty, reason: str, actor: User | None, status: str = PenaltyStatus.LIFTED
) -> Penalty:
    """Lift an active penalty (the caller holds the company lock, in a transaction)."""
    _undo_effect(penalty, reason)
    penalty.status = status
    penalty.lifted_at = timezone.now()
    penalty.lifted_reason = reason
    penalty.save(update_fields=["status", "lifted_at", "lifted_reason"])
    company = penalty.company
    audit_record(
        actor=actor,
        action="penalty.lifted",
        target=penalty,
        organization=company.organization,
        details={"step": penalty.step, "status": status, "reason": reason},
    )
    event_emit(
        type="penalty.lifted",
        subject=penalty,
        payload={
            "penalty_id": penalty.pk,
            "step": penalty.step,
            "company_id": company.pk,
            "agent_id": penalty.agent_id,
            "status": status,
            "reason": reason,
        },
        organizations=[company.organization_id],
    )
    step_label = PenaltyStep(penalty.step).label
    notice_issue(
        company=company,
        season=penalty.season,
        kind=NoticeKind.PENALTY_LIFTED,
        penalty=penalty,
        subject=lambda: _("Penalty lifted: %(step)s") % {"step": str(step_label)},
        body=lambda: _("Reason: %(reason)s") % {"reason": reason},
    )
    return penalty


def _lock_company(company_id: int) -> Company:
    return (
        Company.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=company_id)
    )


# Steps lifted automatically once the figures fall below them (after an appeal): the
# others (investigation, warning, cancellation) stand until a person decides.
AUTO_LIFTED = (PenaltyStep.QUOTA_CUT, PenaltyStep.SUSPENSION)


@transaction.atomic
def ladder_recompute(*, season: Season | int, company: Company | int) -> Standing:
    """Recompute a company's standing in a season and take or lift ladder steps.

    Idempotent: one active penalty per (season, company, step) (a unique constraint), and a
    step lifted earlier is taken again only when the figures grew since. The company row is
    locked, so concurrent recomputations of one company run one after the other."""
    season_obj = season if isinstance(season, Season) else Season.objects.get(pk=season)
    company_obj = _lock_company(company if isinstance(company, int) else company.pk)
    rules = rules_for(season_obj)
    standing = company_standing(season_id=season_obj.pk, company_id=company_obj.pk)
    today = timezone.localdate()
    penalties = list(
        Penalty.objects.filter(season=season_obj, company=company_obj, agent__isnull=True)
        .select_related("company__organization", "season")
        .order_by("-imposed_at", "-pk")
    )
    active = {p.step: p for p in penalties if p.status == PenaltyStatus.ACTIVE}
    level = standing.level
    # A warning whose cure period passed with the rate still at the warning step escalates.
    warning = active.get(PenaltyStep.WARNING)
    if warning and warning.ends_on and warning.ends_on < today and level >= 2:
        level = max(level, 3)
    standing.level = level
    if company_obj.status != CompanyStatus.REVOKED:
        for index, step in enumerate(LADDER, start=1):
            if index > level or step in active:
                continue
            previous = next((p for p in penalties if p.step == step), None)
            if previous is not None and previous.status == PenaltyStatus.CANCELLED:
                continue  # cancelled on appeal: a person decided; not retaken this season
            if not _grown_since(previous, standing):
                continue
            _impose(
                season=season_obj, company=company_obj, step=step, standing=standing, rules=rules
            )
            standing.imposed.append(step)
            company_obj.refresh_from_db(fields=["status"])
    for step in AUTO_LIFTED:
        penalty = active.get(step)
        if penalty and penalty.automatic and LADDER.index(step) + 1 > level:
            with translation.override("en"):
                reason = _("The figures are now below the %(step)s threshold.") % {
                    "step": PenaltyStep(step).label
                }
            penalty_lift_locked(penalty=penalty, reason=reason, actor=None)
            standing.lifted.append(step)
    _bar_agents(season_obj, company_obj, rules, standing)
    return standing


def _bar_agents(
    season: Season, company: Company, rules: ComplianceRules, standing: Standing
) -> None:
    barred = set(
        Penalty.objects.filter(
            season=season, company=company, step=PenaltyStep.AGENT_BAR
        ).values_list("agent_id", flat=True)
    )
    for agent_id, figures in sorted(
        facts.agent_figures(season_id=season.pk, company_id=company.pk).items()
    ):
        if agent_id in barred:
            continue
        if figures.overstayers < rules.agent_bar_min_overstayers:
            continue
        if figures.rate_pct < rules.agent_bar_rate_pct:
            continue
        agent = Agent.objects.select_related("organization").get(pk=agent_id)
        agent_standing = Standing(
            season_id=season.pk,
            company_id=company.pk,
            entered=figures.entered,
            overstayers=figures.overstayers,
            open_overstayers=0,
            rate_pct=figures.rate_pct,
            points=standing.points,
            fines_due_sar=standing.fines_due_sar,
            level=standing.level,
        )
        _impose(
            season=season,
            company=company,
            step=PenaltyStep.AGENT_BAR,
            standing=agent_standing,
            rules=rules,
            agent=agent,
        )
        standing.imposed.append(PenaltyStep.AGENT_BAR)


@transaction.atomic
def penalty_lift(*, actor: User, penalty: Penalty, reason: str) -> Penalty:
    """Ministry staff lift a penalty (reinstatement of a suspended company is this service
    on its suspension). A cancellation is final: it is not lifted."""
    require_reviewer(actor)
    _lock_company(penalty.company_id)
    penalty = (
        Penalty.objects.select_for_update(of=("self",))
        .select_related("company__organization", "season", "agent")
        .get(pk=penalty.pk)
    )
    if penalty.status != PenaltyStatus.ACTIVE or penalty.step == PenaltyStep.CANCELLATION:
        raise Conflict(ComplianceError.PENALTY_NOT_ACTIVE, _("This penalty cannot be lifted."))
    return penalty_lift_locked(penalty=penalty, reason=reason, actor=actor)


def company_reinstate(*, actor: User, company: Company, season: Season, reason: str) -> Penalty:
    """Reinstate a company suspended by the ladder: lifts its active suspension."""
    penalty = Penalty.objects.filter(
        season=season,
        company=company,
        step=PenaltyStep.SUSPENSION,
        status=PenaltyStatus.ACTIVE,
        agent__isnull=True,
    ).first()
    if penalty is None:
        raise Conflict(
            ComplianceError.PENALTY_NOT_ACTIVE, _("This company has no active suspension.")
        )
    return penalty_lift(actor=actor, penalty=penalty, reason=reason)


def suspensions_expire(*, today: dt.date | None = None) -> list[int]:
    """Lift suspensions whose period ended, or (until-left mode) whose company has no
    overstayer left in the kingdom. Returns the penalty ids lifted."""
    today = today or timezone.localdate()
    lifted = []
    for penalty in Penalty.objects.filter(
        step=PenaltyStep.SUSPENSION, status=PenaltyStatus.ACTIVE, agent__isnull=True
    ).select_related("season"):
        if penalty.ends_on is not None:
            due = penalty.ends_on < today
            with translation.override("en"):
                reason = _("The suspension period ended.")
        else:
            figures = facts.company_figures(
                season_id=penalty.season_id, company_id=penalty.company_id
            )
            due = figures.open_overstayers == 0
            with translation.override("en"):
                reason = _("All the company's overstayers have left the kingdom.")
        if not due:
            continue
        with transaction.atomic():
            _lock_company(penalty.company_id)
            row = (
                Penalty.objects.select_for_update(of=("self",))
                .select_related("company__organization", "season")
                .get(pk=penalty.pk)
            )
            if row.status != PenaltyStatus.ACTIVE:
                continue
            penalty_lift_locked(penalty=row, reason=str(reason), actor=None)
            lifted.append(row.pk)
    return lifted


def ladders_due_for_review(*, today: dt.date | None = None) -> list[tuple[int, int]]:
    """(season, company) pairs whose warning cure period has passed: recompute them."""
    today = today or timezone.localdate()
    return list(
        Penalty.objects.filter(
            step=PenaltyStep.WARNING,
            status=PenaltyStatus.ACTIVE,
            ends_on__lt=today,
            agent__isnull=True,
        ).values_list("season_id", "company_id")
    )
