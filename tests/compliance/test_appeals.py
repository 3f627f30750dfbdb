"""Appeals: filed by the company with files, decided by licensing staff, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from masar.compliance.models import Appeal, Invoice, Penalty, Violation
from masar.compliance.services import appeal_decide, appeal_file, guarantee_balance
from masar.compliance.services.money import guarantee_draw_due
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.core.models import AuditEntry


@pytest.mark.django_db
def test_a_reduction_lowers_the_fine_and_points(
    raised: Violation, company_staff: Any, licensing_officer: Any, api: Any
) -> None:
    response = api(company_staff).post(
        f"/api/v1/violations/{raised.pk}/appeal/",
        {
            "statement": "Reported by phone within the hour.",
            "files": [SimpleUploadedFile("call-log.pdf", b"%PDF-1.4 log")],
        },
        format="multipart",
    )
    assert response.status_code == 201
    assert [f["name"] for f in response.json()["files"]] == ["call-log.pdf"]
    raised.refresh_from_db()
    assert raised.status == "appealed"
    appeal = Appeal.objects.get()
    decided = api(licensing_officer).post(
        f"/api/v1/appeals/{appeal.pk}/decide/",
        {"decision": "reduced", "reason": "Partly proven", "fine_sar": "10000.00", "points": 4},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    raised.refresh_from_db()
    assert (raised.status, raised.fine_sar, raised.points) == ("reduced", Decimal("10000.00"), 4)
    amounts = sorted(Invoice.objects.filter(violation=raised).values_list("amount_sar", flat=True))
    assert amounts == [Decimal("10000.00"), Decimal("10000.00")]
    actions = list(
        AuditEntry.objects.filter(action__startswith="appeal.")
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == ["appeal.filed", "appeal.decided"]


@pytest.mark.django_db
def test_a_second_appeal_of_the_same_violation_is_refused(
    raised: Violation, company_staff: Any
) -> None:
    appeal_file(actor=company_staff, violation=raised, statement="First")
    with pytest.raises(Conflict) as refused:
        appeal_file(actor=company_staff, violation=raised, statement="Second")
    assert refused.value.code == "already_appealed"
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_a_reduction_cannot_raise_the_fine(
    raised: Violation, company_staff: Any, licensing_officer: Any
) -> None:
    appeal = appeal_file(actor=company_staff, violation=raised, statement="x")
    with pytest.raises(ValidationFailed) as refused:
        appeal_decide(
            actor=licensing_officer,
            appeal=appeal,
            decision="reduced",
            reason="r",
            fine_sar=Decimal("99999.00"),
            points=1,
        )
    assert refused.value.code == "invalid_appeal_decision"
    appeal.refresh_from_db()
    raised.refresh_from_db()
    assert (appeal.status, raised.fine_sar) == ("pending", Decimal("25000.00"))


@pytest.mark.django_db
def test_an_inspector_cannot_decide(raised: Violation, company_staff: Any, inspector: Any) -> None:
    appeal = appeal_file(actor=company_staff, violation=raised, statement="x")
    with pytest.raises(Forbidden):
        appeal_decide(actor=inspector, appeal=appeal, decision="cancelled", reason="r")
    appeal.refresh_from_db()
    assert appeal.status == "pending"


@pytest.mark.django_db
def test_cancelling_a_fine_drawn_from_the_guarantee_restores_it(
    raised: Violation, company: Any, company_staff: Any, licensing_officer: Any
) -> None:
    fine = Invoice.objects.get(violation=raised, payer="company")
    guarantee_draw_due(today=fine.due_on + dt.timedelta(days=1))
    company.refresh_from_db()
    assert guarantee_balance(company) == Decimal("1975000.00")
    appeal = appeal_file(actor=company_staff, violation=raised, statement="x")
    appeal_decide(actor=licensing_officer, appeal=appeal, decision="cancelled", reason="proven")
    assert guarantee_balance(company) == Decimal("2000000.00")
    fine.refresh_from_db()
    assert fine.status == "cancelled"


@pytest.mark.django_db
def test_a_penalty_appeal_cancels_the_penalty(
    raised: Violation, company: Any, company_staff: Any, licensing_officer: Any, api: Any
) -> None:
    # 25 % overstay rate: the default ladder takes every step up to cancellation; take the
    # warning (not final) and appeal it
    warning = Penalty.objects.get(company=company, step="warning")
    response = api(company_staff).post(
        f"/api/v1/penalties/{warning.pk}/appeal/", {"statement": "Cured"}, format="json"
    )
    assert response.status_code == 201
    appeal_decide(
        actor=licensing_officer,
        appeal=Appeal.objects.get(pk=response.json()["id"]),
        decision="cancelled",
        reason="cured",
    )
    warning.refresh_from_db()
    assert warning.status == "cancelled"
    # The ladder does not retake a step cancelled on appeal
    assert Penalty.objects.filter(company=company, step="warning").count() == 1
