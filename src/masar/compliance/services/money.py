"""Fines as invoices, payments, and the bank-guarantee ledger.

Amounts change by conditional UPDATEs with F() (never read-modify-write); a draw from the
guarantee holds the company row lock, so two draws can never take the same riyal twice.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import (
    ZERO,
    GuaranteeEntry,
    GuaranteeEntryKind,
    Invoice,
    InvoiceStatus,
    NoticeKind,
    Payer,
    Payment,
    PaymentMethod,
)
from masar.compliance.services.common import money, notice_issue, require_reviewer, rules_for
from masar.core.audit import audit_record
from masar.core.errors import Conflict, ValidationFailed
from masar.integration.services import event_emit
from masar.operators.models import Company


def guarantee_balance(company: Company) -> Decimal:
    """The guaranteed amount still available: the licence's amount plus the ledger."""
    moved = GuaranteeEntry.objects.filter(company=company).aggregate(total=Sum("amount_sar"))[
        "total"
    ] or Decimal("0")
    return (company.guarantee_amount + moved).quantize(Decimal("0.01"))


def _pay(
    *, invoice: Invoice, amount: Decimal, method: str, reference: str, actor: User | None
) -> Payment:
    """Add a payment to a locked, open invoice (caller's transaction)."""
    updated = Invoice.objects.filter(
        pk=invoice.pk, status=InvoiceStatus.OPEN, paid_sar__lte=F("amount_sar") - amount
    ).update(paid_sar=F("paid_sar") + amount)
    if not updated:
        raise Conflict(
            ComplianceError.OVERPAYMENT,
            _("The payment exceeds what is outstanding on this fine."),
            fields={"amount_sar": [_("At most %s.") % money(invoice.outstanding_sar)]},
        )
    Invoice.objects.filter(pk=invoice.pk, paid_sar=F("amount_sar")).update(
        status=InvoiceStatus.PAID
    )
    invoice.refresh_from_db(fields=["paid_sar", "status"])
    payment = Payment.objects.create(
        invoice=invoice,
        amount_sar=amount,
        method=method,
        reference=reference,
        recorded_by=actor,
        paid_at=timezone.now(),
    )
    event_emit(
        type="invoice.paid",
        subject=invoice,
        payload={
            "invoice_id": invoice.pk,
            "number": invoice.number,
            "company_id": invoice.company_id,
            "amount_sar": money(amount),
            "method": method,
            "paid_sar": money(invoice.paid_sar),
            "status": invoice.status,
            "paid_at": payment.paid_at,
        },
        organizations=[invoice.company.organization_id],
    )
    return payment


@transaction.atomic
def payment_record(
    *, actor: User, invoice: Invoice, amount_sar: Decimal, reference: str
) -> Payment:
    """Ministry staff record a transfer received for a fine. Idempotent by `reference`: the
    same reference twice returns the first payment."""
    require_reviewer(actor)
    if amount_sar <= 0:
        raise ValidationFailed(
            ComplianceError.INVALID_AMOUNT,
            _("A payment must be a positive amount."),
            fields={"amount_sar": [_("Must be greater than zero.")]},
        )
    if not reference.strip():
        raise ValidationFailed(
            ComplianceError.INVALID_AMOUNT,
            _("A payment needs the bank's reference."),
            fields={"reference": [_("Required.")]},
        )
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("company__organization")
        .get(pk=invoice.pk)
    )
    existing = Payment.objects.filter(invoice=invoice, reference=reference).first()
    if existing is not None:
        return existing
    if invoice.status != InvoiceStatus.OPEN:
        raise Conflict(ComplianceError.INVOICE_CLOSED, _("This fine is not open."))
    payment = _pay(
        invoice=invoice,
        amount=amount_sar,
        method=PaymentMethod.TRANSFER,
        reference=reference,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="invoice.paid",
        target=invoice,
        organization=invoice.company.organization,
        details={"amount_sar": money(amount_sar), "reference": reference},
    )
    return payment


def _ledger(
    *, company: Company, kind: str, amount: Decimal, invoice: Invoice | None, note: str
) -> GuaranteeEntry:
    """Append to the ledger (the caller holds the company lock)."""
    balance = guarantee_balance(company) + amount
    entry = GuaranteeEntry.objects.create(
        company=company,
        kind=kind,
        amount_sar=amount,
        balance_after_sar=balance,
        invoice=invoice,
        recorded_at=timezone.now(),
        note=note[:200],
    )
    event_emit(
        type="guarantee.changed",
        subject=company,
        payload={
            "company_id": company.pk,
            "kind": kind,
            "amount_sar": money(amount),
            "balance_sar": money(balance),
            "invoice_id": invoice.pk if invoice else None,
        },
        organizations=[company.organization_id],
    )
    return entry


def _draw_body(amount: Decimal, number: str) -> str:
    return _(
        "SR %(amount)s was drawn from your bank guarantee for the unpaid fine "
        "%(invoice)s, past its due date."
    ) % {"amount": money(amount), "invoice": number}


def guarantee_draw_due(*, today: dt.date | None = None) -> list[str]:
    """Take unpaid company fines past due (plus the season's delay) from the bank guarantee,
    as far as the balance goes. Returns the numbers of the invoices drawn on."""
    today = today or timezone.localdate()
    drawn: list[str] = []
    candidates = (
        Invoice.objects.filter(status=InvoiceStatus.OPEN, payer=Payer.COMPANY, due_on__lt=today)
        .order_by("due_on", "pk")
        .values_list("pk", "season_id", "due_on")
    )
    for invoice_id, season_id, due_on in candidates:
        rules = rules_for(season_id)
        if not rules.guarantee_draw_enabled:
            continue
        if due_on + timedelta(days=rules.guarantee_draw_after_days) >= today:
            continue
        with transaction.atomic():
            invoice = Invoice.objects.select_related("company__organization").get(pk=invoice_id)
            company = Company.objects.select_for_update(of=("self",)).get(pk=invoice.company_id)
            invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice_id)
            if invoice.status != InvoiceStatus.OPEN:
                continue
            amount = min(invoice.outstanding_sar, guarantee_balance(company))
            if amount <= ZERO:
                continue
            _pay(
                invoice=invoice,
                amount=amount,
                method=PaymentMethod.GUARANTEE,
                reference="",
                actor=None,
            )
            _ledger(
                company=company,
                kind=GuaranteeEntryKind.DRAW,
                amount=-amount,
                invoice=invoice,
                note=invoice.number,
            )
            audit_record(
                actor=None,
                action="guarantee.drawn",
                target=invoice,
                organization=company.organization,
                details={"amount_sar": money(amount), "invoice": invoice.number},
            )
            number = invoice.number
            notice_issue(
                company=company,
                season=invoice.season,
                kind=NoticeKind.GUARANTEE,
                subject=lambda: _("Unpaid fine taken from your bank guarantee"),
                body=partial(_draw_body, amount, number),
            )
            drawn.append(number)
    return drawn


def invoices_adjust(*, violation_id: int, fine_sar: Decimal, reason: str) -> None:
    """After an appeal: a fine reduced to `fine_sar` (0 cancels it). Paid amounts above the
    new fine drawn from the guarantee go back to it; transfers above it are noted for refund.
    The caller holds the company lock."""
    for invoice in (
        Invoice.objects.select_for_update(of=("self",))
        .filter(violation_id=violation_id)
        .exclude(status=InvoiceStatus.CANCELLED)
        .select_related("company__organization")
    ):
        new_amount = min(invoice.amount_sar, fine_sar)
        excess = max(invoice.paid_sar - new_amount, ZERO)
        if excess > 0:
            drawn = (
                Payment.objects.filter(invoice=invoice, method=PaymentMethod.GUARANTEE).aggregate(
                    total=Sum("amount_sar")
                )["total"]
                or ZERO
            )
            back = min(excess, drawn)
            if back > 0:
                _ledger(
                    company=invoice.company,
                    kind=GuaranteeEntryKind.RESTORE,
                    amount=back,
                    invoice=invoice,
                    note=reason,
                )
        paid = min(invoice.paid_sar, new_amount)
        if new_amount <= 0:
            status = InvoiceStatus.CANCELLED
        elif paid >= new_amount:
            status = InvoiceStatus.PAID
        else:
            status = InvoiceStatus.OPEN
        Invoice.objects.filter(pk=invoice.pk).update(
            amount_sar=new_amount, paid_sar=paid, status=status
        )
