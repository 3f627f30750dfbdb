from __future__ import annotations

import pytest

from masar.applications.models import Application, ApplicationTransition
from masar.applications.services import (
    application_company_approve,
    application_return,
    application_submit,
    application_withdraw,
)
from masar.applications.states import ApplicationStatus
from masar.core.audit import audit_verify
from masar.core.errors import Conflict, Forbidden, Unprocessable
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.operators.models import CompanyStatus
from masar.seasons.models import Quota

pytestmark = pytest.mark.django_db


def test_submit_takes_quota_logs_audits_and_emits(draft, agent_staff, quotas):
    # given a draft of a valid pilgrim
    # when the agent submits it
    app = application_submit(actor=agent_staff, application=draft)
    # then it is submitted, holds its passport and one place of each quota
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.submitted_at is not None
    assert app.quota_held is True
    assert app.active_passport == f"IDN:{app.pilgrim.passport_number}"
    assert Quota.objects.get(pk=quotas["company"].pk).used == 1
    assert Quota.objects.get(pk=quotas["agent"].pk).used == 1
    log = ApplicationTransition.objects.get(application=app)
    assert (log.name, log.from_status, log.to_status, log.actor) == (
        "submit",
        "draft",
        "submitted",
        agent_staff,
    )
    assert (
        AuditEntry.objects.filter(action="application.submit", target_id=str(app.pk)).count() == 1
    )
    event = OutboxEvent.objects.get(type="application.submitted")
    assert event.payload["number"] == app.number
    assert event.payload["from"] == "draft"
    assert sorted(event.organizations) == sorted(
        [app.agent.organization_id, app.company.organization_id]
    )
    assert audit_verify().ok


def test_company_approval_sends_to_screening(draft, agent_staff, company_staff):
    application_submit(actor=agent_staff, application=draft)
    app = application_company_approve(actor=company_staff, application=draft)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SCREENING
    assert app.company_decided_at is not None
    types = list(OutboxEvent.objects.values_list("type", flat=True).order_by("id"))
    assert types[-2:] == ["application.approved_by_company", "application.ready_for_screening"]


def test_return_needs_reason_and_gives_quota_back(draft, agent_staff, company_staff, quotas):
    application_submit(actor=agent_staff, application=draft)
    with pytest.raises(Exception) as excinfo:
        application_return(actor=company_staff, application=draft, reason="  ")
    assert excinfo.value.code == "reason_required"
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.SUBMITTED
    application_return(actor=company_staff, application=draft, reason="Photo missing")
    app = Application.objects.get(pk=draft.pk)
    assert (app.status, app.status_reason, app.quota_held, app.active_passport) == (
        ApplicationStatus.RETURNED,
        "Photo missing",
        False,
        None,
    )
    assert Quota.objects.get(pk=quotas["company"].pk).used == 0
    assert Quota.objects.get(pk=quotas["agent"].pk).used == 0
    # the agent corrects and submits again
    application_submit(actor=agent_staff, application=app)
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.SUBMITTED
    assert Quota.objects.get(pk=quotas["agent"].pk).used == 1


def test_withdraw_from_submitted_releases(draft, agent_staff, quotas):
    application_submit(actor=agent_staff, application=draft)
    application_withdraw(actor=agent_staff, application=draft, reason="changed plans")
    app = Application.objects.get(pk=draft.pk)
    assert app.status == ApplicationStatus.WITHDRAWN
    assert app.withdrawn_at is not None
    assert Quota.objects.get(pk=quotas["company"].pk).used == 0
    with pytest.raises(Conflict) as excinfo:
        application_submit(actor=agent_staff, application=app)
    assert excinfo.value.code == "invalid_transition"


def test_suspended_company_cannot_receive_or_approve(
    draft, agent_staff, company_staff, company, quotas
):
    Application.objects.filter(pk=draft.pk)
    company.status = CompanyStatus.SUSPENDED
    company.save(update_fields=["status"])
    count = AuditEntry.objects.count()
    with pytest.raises(Forbidden) as excinfo:
        application_submit(actor=agent_staff, application=draft)
    assert excinfo.value.code == "company_suspended"
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT
    assert Quota.objects.get(pk=quotas["company"].pk).used == 0
    assert AuditEntry.objects.count() == count


def test_ineligible_returns_every_failure(make_draft, agent_staff, quotas):
    import datetime as dt

    from masar.core.dates import riyadh_today

    app = make_draft(
        birth_date=riyadh_today() - dt.timedelta(days=365 * 3),
        passport_expiry_date=riyadh_today() + dt.timedelta(days=60),
        vaccine_date=None,
        vaccine_type="",
    )
    with pytest.raises(Unprocessable) as excinfo:
        application_submit(actor=agent_staff, application=app)
    codes = {item["code"] for items in excinfo.value.fields.values() for item in items}
    assert codes == {"passport_validity", "minimum_age", "vaccination_present"}
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.DRAFT
    assert Quota.objects.get(pk=quotas["agent"].pk).used == 0
