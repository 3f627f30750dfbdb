"""Raising violations: by an inspector (one, with evidence), and automatically from border
records (set-based and idempotent: the unique constraint on (type, overstay) makes a second
run a no-op). Both paths write the same rows: the violation, its fines (invoices) and a
notice; then the company's ladder is recomputed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from masar.accounts.models import User
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import (
    AUTOMATIC_TYPES,
    ZERO,
    Invoice,
    InvoiceStatus,
    NoticeKind,
    Payer,
    Violation,
    ViolationEvidence,
    ViolationSource,
    ViolationStatus,
    ViolationType,
)
from masar.compliance.services.common import (
    money,
    new_number,
    notice_issue,
    require_inspector,
    rules_for,
    schedule_for,
)
from masar.core.audit import audit_record
from masar.core.errors import ValidationFailed
from masar.integration.services import event_emit
from masar.integration.services.outbox import events_emit_bulk
from masar.operators.models import Agent, Company
from masar.seasons.models import Season

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def _violation_payload(v: Violation) -> dict[str, Any]:
    return {
        "violation_id": v.pk,
        "number": v.number,
        "violation_type": v.violation_type,
        "source": v.source,
        "company_id": v.company_id,
        "agent_id": v.agent_id,
        "season_id": v.season_id,
        "overstay_id": v.overstay_ref,
        "fine_sar": money(v.fine_sar),
        "points": v.points,
        "occurred_on": v.occurred_on,
    }


def _invoice_payload(inv: Invoice) -> dict[str, Any]:
    return {
        "invoice_id": inv.pk,
        "number": inv.number,
        "violation_id": inv.violation_id,
        "company_id": inv.company_id,
        "agent_id": inv.agent_id,
        "payer": inv.payer,
        "amount_sar": money(inv.amount_sar),
        "due_on": inv.due_on,
    }


def _invoices_for(violations: Iterable[Violation], today: dt.date) -> list[Invoice]:
    """The fines of new violations: one for the company, one for the agent when charged."""
    invoices = []
    now = timezone.now()
    due_days = {}
    for v in violations:
        if v.fine_sar <= 0:
            continue
        if v.season_id not in due_days:
            due_days[v.season_id] = rules_for(v.season_id).fine_due_days
        due_on = today + timedelta(days=due_days[v.season_id])
        payers = [Payer.COMPANY] + ([Payer.AGENT] if v.agent_charged and v.agent_id else [])
        for payer in payers:
            invoices.append(
                Invoice(
                    number=new_number("F"),
                    violation=v,
                    season_id=v.season_id,
                    company_id=v.company_id,
                    agent_id=v.agent_id,
                    payer=payer,
                    amount_sar=v.fine_sar,
                    issued_at=now,
                    due_on=due_on,
                )
            )
    return invoices


def _organizations(v: Violation) -> list[int]:
    orgs = [v.company.organization_id]
    if v.agent_id and v.agent_charged and v.agent is not None:
        orgs.append(v.agent.organization_id)
    return orgs


def _violation_notice(company: Company, season: Season, violations: list[Violation]) -> None:
    count = len(violations)
    numbers = ", ".join(v.number for v in violations[:20])
    total = sum((v.fine_sar for v in violations), start=violations[0].fine_sar * 0)
    notice_issue(
        company=company,
        season=season,
        kind=NoticeKind.VIOLATION,
        violation=violations[0] if count == 1 else None,
        subject=lambda: (
            ngettext(
                "%(count)d violation recorded against your company",
                "%(count)d violations recorded against your company",
                count,
            )
            % {"count": count}
        ),
        body=lambda: (
            _(
                "Violations: %(numbers)s. Fines: SR %(total)s, due within the period shown on "
                "each invoice. You may appeal each violation with a statement and files."
            )
            % {"numbers": numbers, "total": money(total)}
        ),
    )


@transaction.atomic
def violation_raise(
    *,
    actor: User | None,
    season: Season,
    company: Company,
    violation_type: str,
    occurred_on: dt.date,
    description: str,
    agent: Agent | None = None,
    evidence: Iterable[UploadedFile] = (),
    recompute: bool = True,
) -> Violation:
    """An inspector records a violation with its evidence files; its fines follow the
    season's schedule, and the company's ladder is recomputed."""
    require_inspector(actor)
    if violation_type not in ViolationType.values or violation_type in AUTOMATIC_TYPES:
        raise ValidationFailed(
            ComplianceError.INVALID_TYPE,
            _("Inspectors record these types: %s")
            % ", ".join(t for t in ViolationType.values if t not in AUTOMATIC_TYPES),
            fields={"violation_type": [_("Not a type an inspector records.")]},
        )
    if not description.strip():
        raise ValidationFailed(
            ComplianceError.INVALID_TYPE,
            _("Describe the violation."),
            fields={"description": [_("Required.")]},
        )
    files = list(evidence)
    for f in files:
        if (f.size or 0) > MAX_EVIDENCE_BYTES:
            raise ValidationFailed(
                ComplianceError.INVALID_FILE,
                _("An evidence file may not exceed 10 MB."),
                fields={"evidence": [_("Too large: %s") % f.name]},
            )
    if agent is not None and not company.contracts.filter(agent=agent).exists():
        raise ValidationFailed(
            ComplianceError.NOT_FOUND,
            _("This agent has no contract with the company."),
            fields={"agent": [_("No contract with the company.")]},
        )
    schedule = schedule_for(season)[violation_type]
    now = timezone.now()
    violation = Violation.objects.create(
        number=new_number("V"),
        season=season,
        company=company,
        agent=agent,
        violation_type=violation_type,
        source=ViolationSource.INSPECTOR,
        occurred_on=occurred_on,
        description=description,
        fine_sar=schedule.fine_sar,
        points=schedule.points,
        agent_charged=schedule.agent_charged and agent is not None,
        raised_by=actor,
        raised_at=now,
    )
    for f in files:
        ViolationEvidence.objects.create(
            violation=violation, file=f, name=f.name or "", uploaded_by=actor, uploaded_at=now
        )
    invoices = Invoice.objects.bulk_create(_invoices_for([violation], timezone.localdate()))
    audit_record(
        actor=actor,
        action="violation.raised",
        target=violation,
        organization=company.organization,
        details={**_violation_payload(violation), "evidence": [f.name for f in files]},
    )
    event_emit(
        type="violation.raised",
        subject=violation,
        payload=_violation_payload(violation),
        organizations=_organizations(violation),
    )
    for inv in invoices:
        event_emit(
            type="invoice.issued",
            subject=inv,
            payload=_invoice_payload(inv),
            organizations=[company.organization_id],
        )
    _violation_notice(company, season, [violation])
    if recompute:
        from masar.compliance.services.ladder import ladder_recompute

        ladder_recompute(season=season, company=company)
    return violation


def violation_raise_absconded(
    *,
    season_id: int,
    company: Company,
    agent: Agent | None,
    application_id: int,
    nationality: str,
    occurred_on: dt.date,
    description: str,
    recompute: bool = True,
) -> Violation:
    """The company reported its pilgrim absconded (answering a whereabouts alert): an
    automatic violation with the season's fine and points for the type, its invoices, the
    events and notice, and the company's ladder recomputed, as an overstay's violation is.
    The caller holds the alert's lock, so one report raises one violation."""
    season = Season.objects.get(pk=season_id)
    schedule = schedule_for(season)[ViolationType.ABSCONDED]
    violation = Violation.objects.create(
        number=new_number("V"),
        season=season,
        company=company,
        agent=agent,
        violation_type=ViolationType.ABSCONDED,
        source=ViolationSource.AUTOMATIC,
        application_ref=application_id,
        nationality=nationality,
        occurred_on=occurred_on,
        description=description,
        fine_sar=schedule.fine_sar,
        points=schedule.points,
        agent_charged=schedule.agent_charged and agent is not None,
        raised_at=timezone.now(),
    )
    invoices = Invoice.objects.bulk_create(_invoices_for([violation], timezone.localdate()))
    audit_record(
        actor=None,
        action="violation.raised",
        target=violation,
        organization=company.organization,
        details=_violation_payload(violation),
    )
    event_emit(
        type="violation.raised",
        subject=violation,
        payload=_violation_payload(violation),
        organizations=_organizations(violation),
    )
    for inv in invoices:
        event_emit(
            type="invoice.issued",
            subject=inv,
            payload=_invoice_payload(inv),
            organizations=[company.organization_id],
        )
    _violation_notice(company, season, [violation])
    if recompute:
        from masar.compliance.services.ladder import ladder_recompute

        ladder_recompute(season=season, company=company)
    return violation


@dataclass
class RaiseResult:
    raised: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    companies: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"raised": self.raised, "by_type": self.by_type, "companies": self.companies}


# A short code per automatic type, in the violation number `V<code>-<overstay id>`: the
# number is unique exactly when (type, overstay) is.
KIND_CODES: dict[str, str] = {
    ViolationType.OVERSTAY: "1",
    ViolationType.UNREPORTED_OVERSTAY: "2",
    ViolationType.LATE_ESCAPE_NOTICE: "3",
}


def _candidates(
    *, overstay_ids: list[int] | None, application_ids: list[int] | None, now: dt.datetime
) -> list[tuple[str, int, QuerySet[Any]]]:
    """(type, season id, overstays) for every automatic violation due and not yet raised."""
    from masar.border.models import Overstay

    base = Overstay.objects.all()
    if overstay_ids is not None:
        base = base.filter(pk__in=overstay_ids)
    if application_ids is not None:
        base = base.filter(application_id__in=application_ids)

    def raised(kind: str) -> Any:
        return Violation.objects.filter(violation_type=kind, overstay_ref__isnull=False).values(
            "overstay_ref"
        )

    found: list[tuple[str, int, QuerySet[Any]]] = []
    season_ids = sorted(set(base.order_by().values_list("season_id", flat=True).distinct()))
    for season_id in season_ids:
        in_season = base.filter(season_id=season_id)
        found.append(
            (
                ViolationType.OVERSTAY,
                season_id,
                in_season.exclude(pk__in=raised(ViolationType.OVERSTAY)),
            )
        )
        # Escape notices: missing, or filed late, past the deadline plus the season's grace.
        grace = timedelta(hours=rules_for(season_id).notice_grace_hours)
        missing = in_season.filter(
            notice_due_at__lt=now - grace, escape_notice__isnull=True
        ).exclude(pk__in=raised(ViolationType.UNREPORTED_OVERSTAY))
        found.append((ViolationType.UNREPORTED_OVERSTAY, season_id, missing))
        late = (
            in_season.filter(escape_notice__isnull=False)
            .filter(
                Q(escape_notice__late=True)
                | Q(escape_notice__filed_at__gt=F("notice_due_at") + grace)
            )
            .exclude(pk__in=raised(ViolationType.LATE_ESCAPE_NOTICE))
            .exclude(pk__in=raised(ViolationType.UNREPORTED_OVERSTAY))
        )
        found.append((ViolationType.LATE_ESCAPE_NOTICE, season_id, late))
    return found


VIOLATION_COLUMNS = [
    ("number", "c_number"),
    ("season_id", "c_season"),
    ("company_id", "c_company"),
    ("agent_id", "c_agent"),
    ("violation_type", "c_type"),
    ("source", "c_source"),
    ("status", "c_status"),
    ("overstay_ref", "c_overstay"),
    ("application_ref", "c_application"),
    ("nationality", "c_nationality"),
    ("occurred_on", "c_occurred"),
    ("description", "c_description"),
    ("fine_sar", "c_fine"),
    ("points", "c_points"),
    ("agent_charged", "c_agent_charged"),
    ("raised_at", "c_raised_at"),
    ("batch", "c_batch"),
]

INVOICE_COLUMNS = [
    ("number", "c_number"),
    ("violation_id", "c_violation"),
    ("season_id", "c_season"),
    ("company_id", "c_company"),
    ("agent_id", "c_agent"),
    ("payer", "c_payer"),
    ("amount_sar", "c_amount"),
    ("paid_sar", "c_paid"),
    ("status", "c_status"),
    ("issued_at", "c_issued_at"),
    ("due_on", "c_due_on"),
]


def _insert_select(model: Any, columns: list[tuple[str, str]], select: QuerySet[Any]) -> int:
    """INSERT INTO model (columns) SELECT ... ON CONFLICT DO NOTHING (PostgreSQL, SQLite)."""
    sql, params = select.values(*[alias for _column, alias in columns]).query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(column) for column, _alias in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql} ON CONFLICT DO NOTHING", params)  # noqa: S608 - names from the model, values as parameters
        return cursor.rowcount


def _insert_violations(
    kind: str,
    overstays: QuerySet[Any],
    schedule: Any,
    *,
    batch: str,
    now: dt.datetime,
    today: dt.date,
) -> int:
    occurred: Any = F("detected_on") if kind == ViolationType.OVERSTAY else Value(today)
    select = overstays.order_by("pk").annotate(
        c_number=Concat(Value(f"V{KIND_CODES[kind]}-"), Cast("pk", CharField())),
        c_season=F("season_id"),
        c_company=F("company_id"),
        c_agent=F("agent_id"),
        c_type=Value(kind),
        c_source=Value(ViolationSource.AUTOMATIC),
        c_status=Value(ViolationStatus.OPEN),
        c_overstay=F("pk"),
        c_application=F("application_id"),
        c_nationality=F("nationality"),
        c_occurred=ExpressionWrapper(occurred, output_field=DateField()),
        c_description=Value(""),
        c_fine=Value(schedule.fine_sar, output_field=DecimalField(max_digits=12, decimal_places=2)),
        c_points=Value(schedule.points),
        c_agent_charged=Case(
            When(agent_id__isnull=False, then=Value(schedule.agent_charged)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        c_raised_at=Value(now, output_field=DateTimeField()),
        c_batch=Value(batch),
    )
    return _insert_select(Violation, VIOLATION_COLUMNS, select)


def _insert_invoices(*, batch: str, season_id: int, now: dt.datetime, due_on: dt.date) -> None:
    base = Violation.objects.filter(batch=batch, season_id=season_id, fine_sar__gt=0)
    for payer, violations in (
        (Payer.COMPANY, base),
        (Payer.AGENT, base.filter(agent_charged=True, agent_id__isnull=False)),
    ):
        select = violations.order_by("pk").annotate(
            c_number=Concat(Value(f"F{payer[0].upper()}-"), Cast("pk", CharField())),
            c_violation=F("pk"),
            c_season=F("season_id"),
            c_company=F("company_id"),
            c_agent=F("agent_id"),
            c_payer=Value(payer),
            c_amount=F("fine_sar"),
            c_paid=Value(ZERO, output_field=DecimalField(max_digits=12, decimal_places=2)),
            c_status=Value(InvoiceStatus.OPEN),
            c_issued_at=Value(now, output_field=DateTimeField()),
            c_due_on=Value(due_on, output_field=DateField()),
        )
        _insert_select(Invoice, INVOICE_COLUMNS, select)


def violations_raise_automatic(
    *,
    overstay_ids: list[int] | None = None,
    application_ids: list[int] | None = None,
    now: dt.datetime | None = None,
    recompute: bool = True,
) -> RaiseResult:
    """Raise, set-based, every automatic violation due: an overstay without its violation,
    an escape notice missing or late past its deadline. Each type is one INSERT ... SELECT
    from the border's overstays (ON CONFLICT DO NOTHING on the unique (type, overstay)), so
    a second or concurrent run inserts nothing; the fines are one INSERT ... SELECT per
    payer; the events one bulk insert per type. The task after the `overstay` transition
    passes the applications that just overstayed; the periodic sweep passes nothing (all)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = RaiseResult()
    batch = str(uuid.uuid4())
    grouped: dict[tuple[int, int], list[Violation]] = defaultdict(list)
    with transaction.atomic():
        candidates = _candidates(
            overstay_ids=overstay_ids, application_ids=application_ids, now=now
        )
        inserted = 0
        for kind, season_id, overstays in candidates:
            inserted += _insert_violations(
                kind, overstays, schedule_for(season_id)[kind], batch=batch, now=now, today=today
            )
        if not inserted:
            return result
        season_ids = sorted({season_id for _kind, season_id, _qs in candidates})
        for season_id in season_ids:
            due_on = today + timedelta(days=rules_for(season_id).fine_due_days)
            _insert_invoices(batch=batch, season_id=season_id, now=now, due_on=due_on)
        new = list(
            Violation.objects.filter(batch=batch)
            .select_related("company", "agent", "season")
            .order_by("pk")
        )
        invoices = list(Invoice.objects.filter(violation__batch=batch).order_by("pk"))
        events_emit_bulk(
            type="violation.raised",
            items=[(v, _violation_payload(v), _organizations(v)) for v in new],
        )
        org_of = {v.pk: v.company.organization_id for v in new}
        if invoices:
            events_emit_bulk(
                type="invoice.issued",
                items=[
                    (inv, _invoice_payload(inv), [org_of[inv.violation_id]]) for inv in invoices
                ],
            )
        for v in new:
            grouped[(v.season_id, v.company_id)].append(v)
        for (_season_id, _company_id), items in grouped.items():
            first = items[0]
            audit_record(
                actor=None,
                action="violations.raised",
                target=first.company,
                organization=first.company.organization,
                details={
                    "season_id": first.season_id,
                    "violations": [v.number for v in items],
                    "types": sorted({v.violation_type for v in items}),
                },
            )
            _violation_notice(first.company, first.season, items)
        for v in new:
            result.by_type[v.violation_type] = result.by_type.get(v.violation_type, 0) + 1
        result.raised = len(new)
        result.companies = sorted({v.company_id for v in new})
    if recompute:
        from masar.compliance.services.ladder import ladder_recompute

        for season_id, company_id in sorted(grouped):
            ladder_recompute(season=season_id, company=company_id)
    return result
