"""Violations raised by inspectors (with evidence) and automatically (hook and sweep)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from masar.applications.states import AFTER_COMMIT
from masar.border.models import EscapeNotice, Overstay
from masar.compliance.models import Invoice, Notice, PenaltySchedule, Violation
from masar.compliance.services import schedule_for, violation_raise, violations_raise_automatic
from masar.compliance.tasks import overstay_violations_enqueue, raise_overstay_violations
from masar.core.errors import Forbidden, ValidationFailed
from masar.integration.models import OutboxEvent


@pytest.mark.django_db
def test_an_inspector_raises_a_violation_with_evidence(
    inspector: Any, season: Any, company: Any, agent: Any, contract: Any, api: Any, rules: Any
) -> None:
    response = api(inspector).post(
        "/api/v1/violations/",
        {
            "season": season.pk,
            "company": company.pk,
            "agent": agent.pk,
            "violation_type": "services_not_delivered",
            "occurred_on": "2026-11-20",
            "description": "Hotel in Makkah not as in the package",
            "evidence": [SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff jpeg")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["violation_type"], body["raised_how"], body["fine_sar"], body["points"]) == (
        "services_not_delivered",
        "inspector",
        "10000.00",
        10,
    )
    assert [e["name"] for e in body["evidence"]] == ["photo.jpg"]
    # The schedule does not charge the agent for this type: one fine, the company's
    assert list(Invoice.objects.values_list("payer", "amount_sar")) == [
        ("company", Decimal("10000.00"))
    ]
    assert Notice.objects.filter(company=company, kind="violation").count() == 1
    assert OutboxEvent.objects.filter(type="violation.raised").count() == 1


@pytest.mark.django_db
def test_inspectors_record_only_their_types(inspector: Any, season: Any, company: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        violation_raise(
            actor=inspector,
            season=season,
            company=company,
            violation_type="overstay",
            occurred_on=dt.date(2026, 11, 1),
            description="x",
        )
    assert refused.value.code == "invalid_violation_type"
    assert not Violation.objects.exists()


@pytest.mark.django_db
def test_a_company_cannot_raise(company_staff: Any, season: Any, company: Any) -> None:
    with pytest.raises(Forbidden):
        violation_raise(
            actor=company_staff,
            season=season,
            company=company,
            violation_type="complaint_upheld",
            occurred_on=dt.date(2026, 11, 1),
            description="x",
        )
    assert not Violation.objects.exists()


@pytest.mark.django_db
def test_the_overstay_transition_queues_the_task_which_raises_the_violations(
    overstay: Any, rules: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert overstay_violations_enqueue in AFTER_COMMIT["overstay"]
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        stays = overstay(3, 1)
    queued = DBTaskResult.objects.filter(task_path__endswith="raise_overstay_violations")
    assert [row.args_kwargs["kwargs"] for row in queued] == [
        {"application_ids": [stays[0].application_id]}
    ]
    application_ids = list(Overstay.objects.values_list("application_id", flat=True))
    assert application_ids == [stays[0].application_id]
    # The task body (what the worker runs)
    result = raise_overstay_violations.call(application_ids)
    assert result["raised"] == 1
    assert Violation.objects.get().overstay_ref == Overstay.objects.get().pk


@pytest.mark.django_db
def test_escape_notices_late_or_missing(overstay: Any, rules: Any, company_staff: Any) -> None:
    overstay(3, 2)
    first, second = Overstay.objects.order_by("pk")
    # One notice filed late; the other never filed
    EscapeNotice.objects.create(
        overstay=first,
        company_id=first.company_id,
        filed_by=company_staff,
        filed_at=first.notice_due_at + dt.timedelta(hours=3),
        statement="Left the hotel",
        evidence=SimpleUploadedFile("n.pdf", b"%PDF"),
        late=True,
    )
    result = violations_raise_automatic(now=timezone.now() + dt.timedelta(days=3))
    assert result.by_type == {"overstay": 2, "late_escape_notice": 1, "unreported_overstay": 1}
    kinds = dict(
        Violation.objects.exclude(violation_type="overstay").values_list(
            "overstay_ref", "violation_type"
        )
    )
    assert kinds == {first.pk: "late_escape_notice", second.pk: "unreported_overstay"}
    # Idempotent
    assert violations_raise_automatic(now=timezone.now() + dt.timedelta(days=3)).raised == 0


@pytest.mark.django_db
def test_the_schedule_decides_whether_the_agent_is_charged(
    overstay: Any, season: Any, rules: Any
) -> None:
    schedule_for(season)
    PenaltySchedule.objects.filter(season=season, violation_type="overstay").update(
        agent_charged=False
    )
    overstay(3, 1)
    violations_raise_automatic()
    assert list(Invoice.objects.values_list("payer", flat=True)) == ["company"]
