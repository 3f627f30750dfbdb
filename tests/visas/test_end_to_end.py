"""End to end with the real background tasks: the agent submits, the company approves,
screening (the screening app's own task) clears and decides automatically because the
season allows it, the visa is issued by the visas task queued on commit."""

from __future__ import annotations

from typing import Any

import pytest

from masar.applications.models import Application, ApplicationTransition
from masar.applications.services import application_company_approve, application_submit
from masar.seasons.models import SeasonRules
from masar.visas.models import Visa
from masar.visas.services import application_decide, seal_check
from tests.visas.conftest import run_worker


@pytest.mark.django_db(transaction=True)
def test_automatic_decision_then_issuance(
    make_draft: Any, agent_staff: Any, company_staff: Any, season: Any, visa_keys: Any
) -> None:
    SeasonRules.objects.filter(season=season).update(auto_decision=True)
    app = make_draft()
    application_submit(actor=agent_staff, application=app)
    application_company_approve(actor=company_staff, application=app)
    run_worker()  # screening, then (queued by the approval) issuance
    run_worker()
    app = Application.objects.get(pk=app.pk)
    assert (app.status, app.decided_automatically) == ("issued", True)
    steps = list(
        ApplicationTransition.objects.filter(application=app)
        .order_by("at", "pk")
        .values_list("name", flat=True)
    )
    assert steps == ["submit", "company_approve", "screen_clear", "approve", "issue"]
    for field in ("submitted_at", "company_decided_at", "screened_at", "decided_at", "issued_at"):
        assert getattr(app, field) is not None, field
    assert app.submitted_at <= app.decided_at <= app.issued_at
    visa = Visa.objects.get(application=app)
    assert seal_check(bytes(visa.seal)).verdict == "valid"


@pytest.mark.django_db(transaction=True)
def test_an_officers_approval_is_issued_in_the_background(
    make_draft: Any,
    agent_staff: Any,
    company_staff: Any,
    visa_officer: Any,
    season: Any,
    visa_keys: Any,
) -> None:
    SeasonRules.objects.filter(season=season).update(auto_decision=False)
    app = make_draft()
    application_submit(actor=agent_staff, application=app)
    application_company_approve(actor=company_staff, application=app)
    run_worker()
    assert Application.objects.get(pk=app.pk).status == "decision"
    application_decide(actor=visa_officer, application_id=app.pk, decision="approve")
    run_worker()
    app = Application.objects.get(pk=app.pk)
    assert (app.status, app.decided_automatically) == ("issued", False)
    assert Visa.objects.filter(application=app).count() == 1
