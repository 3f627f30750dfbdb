"""On PostgreSQL, with real concurrency: two sweeps raise each violation once; two payments
of one fine never overpay it; two guarantee draws take each riyal once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from masar.compliance.models import GuaranteeEntry, Invoice, Payment, Violation
from masar.compliance.services import (
    guarantee_balance,
    guarantee_draw_due,
    payment_record,
    violations_raise_automatic,
)
from masar.core.errors import Conflict
from masar.integration.models import OutboxEvent
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sweeps_raise_each_violation_once(overstay: Any, rules: Any) -> None:
    overstay(6, 3)
    results = run_together(violations_raise_automatic, violations_raise_automatic)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.raised for r in results) == 3
    assert Violation.objects.count() == 3
    assert OutboxEvent.objects.filter(type="violation.raised").count() == 3
    assert Invoice.objects.filter(payer="company").count() == 3


def test_two_payments_never_overpay(raised: Any, licensing_officer: Any) -> None:
    fine = Invoice.objects.get(violation=raised, payer="company")

    def pay(reference: str) -> Any:
        return payment_record(
            actor=licensing_officer,
            invoice=fine,
            amount_sar=Decimal("15000.00"),
            reference=reference,
        )

    results = run_together(lambda: pay("A"), lambda: pay("B"))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Payment"]
    assert all(not isinstance(r, Exception) or isinstance(r, Conflict) for r in results)
    fine.refresh_from_db()
    assert fine.paid_sar == Decimal("15000.00")
    assert Payment.objects.count() == 1


def test_two_draws_take_each_fine_once(raised: Any, company: Any) -> None:
    fine = Invoice.objects.get(violation=raised, payer="company")
    day = fine.due_on + dt.timedelta(days=1)
    results = run_together(
        lambda: guarantee_draw_due(today=day), lambda: guarantee_draw_due(today=day)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r) for r in results) == [0, 1]
    assert GuaranteeEntry.objects.filter(company=company).count() == 1
    company.refresh_from_db()
    assert guarantee_balance(company) == Decimal("1975000.00")
