"""The outbox: events written in the state change's transaction, then sequenced by the relay."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from masar.integration.models import EventAudience, OutboxCursor, OutboxEvent, WebhookDelivery
from masar.integration.services import event_emit, outbox_relay
from masar.integration.services.outbox import outbox_relay_after_commit
from masar.operators.models import CompanyStatus
from masar.operators.services import company_reinstate, company_suspend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_payloads")]


def _relay_callbacks() -> int:
    return sum(1 for _, func, _ in connection.run_on_commit if func is outbox_relay_after_commit)


def test_an_event_commits_with_its_state_change(licensing_officer, company):
    company_suspend(actor=licensing_officer, company=company, reason="overstays")
    event = OutboxEvent.objects.get()
    assert event.type == "company.suspended"
    assert event.subject_type == "operators.company"
    assert event.subject_id == str(company.pk)
    assert event.organizations == [company.organization_id]
    assert event.ministries == ["mohu", "mofa", "moi"]
    assert event.payload == {"company_id": company.pk, "reason": "overstays", "until": None}
    assert event.sequence is None  # sequenced only once committed, by the relay


def test_a_rolled_back_change_leaves_no_event(licensing_officer, company):
    with pytest.raises(RuntimeError), transaction.atomic():
        company_suspend(actor=licensing_officer, company=company, reason="overstays")
        raise RuntimeError("the caller fails after the service")
    assert not OutboxEvent.objects.exists()
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE


@pytest.mark.django_db(transaction=True)
def test_event_emit_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        event_emit(type="company.suspended", subject=("operators.company", "1"), payload={})
    assert not OutboxEvent.objects.exists()


def test_event_emit_refuses_an_unknown_type():
    with pytest.raises(ValueError, match="not in the catalogue"), transaction.atomic():
        event_emit(type="company.exploded", subject=("operators.company", "1"), payload={})
    assert not OutboxEvent.objects.exists()


def test_one_transaction_relays_once_however_many_events_it_writes(company):
    with transaction.atomic():
        before = _relay_callbacks()
        for n in range(5):
            event_emit(
                type="company.reinstated",
                subject=("operators.company", str(n)),
                payload={"company_id": n, "reason": "r"},
                organizations=[company.organization],
            )
        assert _relay_callbacks() == before + 1


def test_an_event_in_a_rolled_back_savepoint_keeps_the_outer_relay(company):
    with transaction.atomic():
        before = _relay_callbacks()
        try:
            with transaction.atomic():
                event_emit(type="company.reinstated", subject=("x", "1"), payload={})
                raise ValueError
        except ValueError:
            pass
        assert _relay_callbacks() == before  # the savepoint's callback went with it
        event_emit(type="company.reinstated", subject=("x", "2"), payload={})
        assert _relay_callbacks() == before + 1
    assert list(OutboxEvent.objects.values_list("subject_id", flat=True)) == ["2"]


def test_the_relay_runs_after_commit_and_sequences_in_order(
    licensing_officer, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        company_suspend(actor=licensing_officer, company=company, reason="a")
    with django_capture_on_commit_callbacks(execute=True):
        company_reinstate(actor=licensing_officer, company=company, reason="b")
    assert list(OutboxEvent.objects.order_by("id").values_list("type", "sequence")) == [
        ("company.suspended", 1),
        ("company.reinstated", 2),
    ]
    assert OutboxCursor.objects.get().last_sequence == 2


def test_the_relay_records_who_may_see_each_event(company, other_company, mohu, mofa, moi):
    with transaction.atomic():
        event_emit(  # every ministry and the company
            type="company.suspended",
            subject=("operators.company", "1"),
            payload={},
            organizations=[company.organization],
        )
        event_emit(  # the ministry of Hajj and Umrah and both companies
            type="contract.registered",
            subject=("operators.contract", "1"),
            payload={},
            organizations=[company.organization_id, other_company.organization_id, None],
        )
        event_emit(  # an organization that does not exist is ignored, not fatal
            type="company.reinstated",
            subject=("operators.company", "1"),
            payload={},
            organizations=[987654],
        )
    assert outbox_relay() == 3
    audience = {
        seq: sorted(
            EventAudience.objects.filter(sequence=seq).values_list("organization_id", flat=True)
        )
        for seq in (1, 2, 3)
    }
    assert audience[1] == sorted([company.organization_id, mohu.pk, mofa.pk, moi.pk])
    assert audience[2] == sorted([company.organization_id, other_company.organization_id, mohu.pk])
    assert audience[3] == sorted([mohu.pk, mofa.pk, moi.pk])


def test_the_relay_is_idempotent_and_batches(company):
    with transaction.atomic():
        for n in range(7):
            event_emit(type="company.reinstated", subject=("x", str(n)), payload={"n": n})
    assert outbox_relay(batch=3) == 7
    assert outbox_relay(batch=3) == 0
    assert list(OutboxEvent.objects.order_by("sequence").values_list("payload__n", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert not WebhookDelivery.objects.exists()  # nobody subscribed


def test_payload_values_are_stored_as_json(company):
    import datetime as dt
    from decimal import Decimal

    with transaction.atomic():
        event = event_emit(
            type="company.suspended",
            subject=company,
            payload={"until": dt.date(2027, 1, 9), "fine": Decimal("25000.00")},
        )
    event.refresh_from_db()
    assert event.payload == {"until": "2027-01-09", "fine": "25000.00"}
    assert (event.subject_type, event.subject_id) == ("operators.company", str(company.pk))


def test_with_the_relay_deferred_commits_only_write_and_the_relay_command_sequences(
    company, settings
):
    from io import StringIO

    from django.core.management import call_command

    settings.MASAR_OUTBOX_RELAY_ON_COMMIT = False
    with transaction.atomic():
        before = _relay_callbacks()
        event_emit(type="company.reinstated", subject=("x", "1"), payload={})
        assert _relay_callbacks() == before
    out = StringIO()
    call_command("integration", "relay", stdout=out)
    assert out.getvalue().strip() == '{"relayed": 1}'
    assert OutboxEvent.objects.get().sequence == 1
