from __future__ import annotations

import pytest

from masar.core.errors import Forbidden, ValidationFailed
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.operators.models import AgentStatus
from masar.operators.services import agent_bar, agent_unbar

pytestmark = pytest.mark.django_db


def test_bar_and_unbar_are_audited_evented_and_idempotent(licensing_officer, agent):
    # given an active agent
    # when the ministry bars it twice
    before = agent_bar(actor=licensing_officer, agent=agent, reason="Overstay rate 7 %")
    again = agent_bar(actor=licensing_officer, agent=agent, reason="Overstay rate 7 %")
    # then it is barred once, with one audit entry and one event
    agent.refresh_from_db()
    assert (before, again) == (AgentStatus.ACTIVE, AgentStatus.BARRED)
    assert agent.status == AgentStatus.BARRED
    assert agent.status_reason == "Overstay rate 7 %"
    assert AuditEntry.objects.filter(action="agent.barred").count() == 1
    event = OutboxEvent.objects.get(type="agent.barred")
    assert event.payload == {"agent_id": agent.pk, "reason": "Overstay rate 7 %"}
    assert event.organizations == [agent.organization_id]

    # when the bar is lifted (twice)
    agent_unbar(actor=None, agent=agent, reason="Appeal upheld")
    agent_unbar(actor=None, agent=agent, reason="Appeal upheld")
    # then the agent is active again, with one entry and one event
    agent.refresh_from_db()
    assert agent.status == AgentStatus.ACTIVE
    assert AuditEntry.objects.filter(action="agent.unbarred").count() == 1
    assert OutboxEvent.objects.filter(type="agent.unbarred").count() == 1


def test_only_licensing_staff_bar_and_a_reason_is_required(company_staff, licensing_officer, agent):
    with pytest.raises(Forbidden):
        agent_bar(actor=company_staff, agent=agent, reason="no")
    with pytest.raises(ValidationFailed) as caught:
        agent_bar(actor=licensing_officer, agent=agent, reason="  ")
    assert caught.value.fields == {"reason": ["Required."]}
    agent.refresh_from_db()
    assert agent.status == AgentStatus.ACTIVE
    assert not OutboxEvent.objects.filter(type="agent.barred").exists()
