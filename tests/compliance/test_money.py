"""Fines, payments and the bank-guarantee ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from masar.compliance.models import ComplianceRules, GuaranteeEntry, Invoice, Notice, Payment
from masar.compliance.services import guarantee_balance, guarantee_draw_due, payment_record
from masar.core.errors import Conflict, Forbidden


@pytest.fixture
def fine(raised: Any) -> Invoice:
    return Invoice.objects.get(violation=raised, payer="company")


@pytest.mark.django_db
def test_a_fine_is_due_after_the_season_days(fine: Invoice, rules: Any) -> None:
    issued_on = timezone.localdate(fine.issued_at)
    assert fine.due_on == issued_on + dt.timedelta(days=rules.fine_due_days)
    assert (fine.amount_sar, fine.status) == (Decimal("25000.00"), "open")


@pytest.mark.django_db
def test_payments_are_idempotent_by_reference_and_close_the_fine(
    fine: Invoice, licensing_officer: Any, api: Any
) -> None:
    client = api(licensing_officer)
    url = f"/api/v1/fines/{fine.pk}/payments/"
    first = client.post(url, {"amount_sar": "10000.00", "reference": "TRX-1"}, format="json")
    again = client.post(url, {"amount_sar": "10000.00", "reference": "TRX-1"}, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    fine.refresh_from_db()
    assert (fine.paid_sar, fine.status) == (Decimal("10000.00"), "open")
    payment_record(
        actor=licensing_officer, invoice=fine, amount_sar=Decimal("15000.00"), reference="TRX-2"
    )
    fine.refresh_from_db()
    assert (fine.paid_sar, fine.status) == (Decimal("25000.00"), "paid")


@pytest.mark.django_db
def test_an_overpayment_is_refused_and_changes_nothing(
    fine: Invoice, licensing_officer: Any
) -> None:
    with pytest.raises(Conflict) as refused:
        payment_record(
            actor=licensing_officer, invoice=fine, amount_sar=Decimal("25000.01"), reference="X"
        )
    assert refused.value.code == "payment_exceeds_outstanding"
    fine.refresh_from_db()
    assert fine.paid_sar == Decimal("0.00")
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_only_licensing_staff_record_payments(fine: Invoice, inspector: Any) -> None:
    with pytest.raises(Forbidden):
        payment_record(actor=inspector, invoice=fine, amount_sar=Decimal("1"), reference="X")
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_unpaid_fines_past_due_are_drawn_from_the_guarantee(
    fine: Invoice, company: Any, rules: Any
) -> None:
    # Given the company's SR 2,000,000 guarantee and its fines past due
    company.refresh_from_db()
    assert guarantee_balance(company) == Decimal("2000000.00")
    open_fines = Invoice.objects.filter(company=company, payer="company", status="open")
    total = sum(i.amount_sar for i in open_fines)
    # When the draw runs the day after the due date
    drawn = guarantee_draw_due(today=fine.due_on + dt.timedelta(days=1))
    # Then each is paid from the guarantee, the ledger and the balance show it
    assert sorted(drawn) == sorted(i.number for i in open_fines)
    fine.refresh_from_db()
    assert (fine.status, fine.paid_sar) == ("paid", Decimal("25000.00"))
    assert fine.payments.get().method == "guarantee"
    assert guarantee_balance(company) == Decimal("2000000.00") - total
    entries = list(GuaranteeEntry.objects.filter(company=company).order_by("pk"))
    assert entries[-1].balance_after_sar == Decimal("2000000.00") - total
    assert Notice.objects.filter(company=company, kind="guarantee").count() == len(drawn)
    # And a second run draws nothing more
    assert guarantee_draw_due(today=fine.due_on + dt.timedelta(days=1)) == []


@pytest.mark.django_db
def test_the_draw_waits_for_the_season_delay_and_stops_at_the_balance(
    fine: Invoice, company: Any, rules: Any
) -> None:
    ComplianceRules.objects.filter(pk=rules.pk).update(guarantee_draw_after_days=10)
    assert guarantee_draw_due(today=fine.due_on + dt.timedelta(days=5)) == []
    # A guarantee smaller than the fines: the draw stops at zero
    type(company).objects.filter(pk=company.pk).update(guarantee_amount=Decimal("20000.00"))
    guarantee_draw_due(today=fine.due_on + dt.timedelta(days=11))
    company.refresh_from_db()
    assert guarantee_balance(company) == Decimal("0.00")
    paid = sum(i.paid_sar for i in Invoice.objects.filter(company=company, payer="company"))
    assert paid == Decimal("20000.00")
    assert Invoice.objects.get(pk=fine.pk).status == "open"


@pytest.mark.django_db
def test_the_guarantee_is_visible_to_the_company(
    fine: Invoice, company: Any, company_staff: Any, api: Any
) -> None:
    guarantee_draw_due(today=fine.due_on + dt.timedelta(days=1))
    body = api(company_staff).get(f"/api/v1/companies/{company.pk}/guarantee/").json()
    assert body["guarantee_sar"] == "2000000.00"
    assert body["balance_sar"] == str(guarantee_balance(company))
    assert [e["kind"] for e in body["entries"]] == ["draw"] * len(body["entries"])
