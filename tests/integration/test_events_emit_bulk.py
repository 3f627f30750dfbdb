"""`events_emit_bulk`: many events of one type in one INSERT, with `event_emit`'s semantics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masar.integration.models import EventAudience, OutboxCursor, OutboxEvent
from masar.integration.services import event_emit, outbox_relay
from masar.integration.services.outbox import events_emit_bulk, outbox_relay_after_commit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_payloads")]


def _relay_callbacks() -> int:
    return sum(1 for _, func, _ in connection.run_on_commit if func is outbox_relay_after_commit)


def _inserts(queries: CaptureQueriesContext) -> list[str]:
    """The INSERT statements of outbox events (PostgreSQL writes them with one COPY, which
    runs outside the query log: none there)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and "integration_outboxevent" in q["sql"]
    ]


def test_many_events_are_written_in_one_insert_in_the_order_given(company, other_company):
    # Given three subjects, one named by a model instance
    items = [
        (company, {"company_id": company.pk, "reason": "a"}, [company.organization]),
        (
            ("operators.company", "77"),
            {"company_id": 77, "reason": "b"},
            [other_company.organization_id],
        ),
        (("operators.company", "78"), {"company_id": 78, "reason": "c"}, []),
    ]
    # When they are emitted in bulk
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        count = events_emit_bulk(type="company.reinstated", items=items)
    # Then one INSERT wrote all three, in order, with the catalogue's version and ministries
    assert count == 3
    assert len(_inserts(queries)) == (0 if connection.vendor == "postgresql" else 1)
    rows = list(
        OutboxEvent.objects.order_by("id").values_list(
            "type",
            "version",
            "subject_type",
            "subject_id",
            "organizations",
            "ministries",
            "payload",
        )
    )
    assert rows == [
        (
            "company.reinstated",
            1,
            "operators.company",
            str(company.pk),
            [company.organization_id],
            ["mohu", "mofa", "moi"],
            {"company_id": company.pk, "reason": "a"},
        ),
        (
            "company.reinstated",
            1,
            "operators.company",
            "77",
            [other_company.organization_id],
            ["mohu", "mofa", "moi"],
            {"company_id": 77, "reason": "b"},
        ),
        (
            "company.reinstated",
            1,
            "operators.company",
            "78",
            [],
            ["mohu", "mofa", "moi"],
            {"company_id": 78, "reason": "c"},
        ),
    ]
    # ...each with its own event id, none sequenced before the commit's relay
    assert len(set(OutboxEvent.objects.values_list("event_id", flat=True))) == 3
    assert not OutboxEvent.objects.filter(sequence__isnull=False).exists()


def test_bulk_rows_equal_the_rows_event_emit_writes(company, other_company):
    # Given the same event written once by each function
    payload = {"until": dt.date(2027, 1, 9), "fine": Decimal("25000.00"), "n": None}
    orgs = [company.organization, other_company.organization_id, None, company.organization_id]
    with transaction.atomic():
        single = event_emit(
            type="company.suspended", subject=company, payload=payload, organizations=orgs
        )
        events_emit_bulk(type="company.suspended", items=[(company, payload, orgs)])
    # Then both rows agree on everything but their identity and time
    fields = (
        "type",
        "version",
        "subject_type",
        "subject_id",
        "organizations",
        "ministries",
        "payload",
    )
    one, two = OutboxEvent.objects.order_by("id").values(*fields)
    assert one == two
    assert one["payload"] == {"until": "2027-01-09", "fine": "25000.00", "n": None}
    assert one["organizations"] == sorted([company.organization_id, other_company.organization_id])
    assert single.pk == OutboxEvent.objects.order_by("id").first().pk


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        events_emit_bulk(type="company.suspended", items=[(("operators.company", "1"), {}, [])])
    assert not OutboxEvent.objects.exists()


def test_it_refuses_an_unknown_type_and_writes_nothing():
    with pytest.raises(ValueError, match="not in the catalogue"), transaction.atomic():
        events_emit_bulk(type="company.exploded", items=[(("operators.company", "1"), {}, [])])
    assert not OutboxEvent.objects.exists()


def test_a_payload_that_is_not_json_writes_nothing():
    with pytest.raises(TypeError), transaction.atomic():
        events_emit_bulk(
            type="company.reinstated",
            items=[(("x", "1"), {"ok": 1}, []), (("x", "2"), {"bad": object()}, [])],
        )
    assert not OutboxEvent.objects.exists()


def test_no_items_write_nothing_and_schedule_no_relay():
    with transaction.atomic():
        before = _relay_callbacks()
        assert events_emit_bulk(type="company.reinstated", items=iter(())) == 0
        assert _relay_callbacks() == before
    assert not OutboxEvent.objects.exists()


def test_a_transaction_relays_once_with_bulk_and_single_emits_together():
    with transaction.atomic():
        before = _relay_callbacks()
        event_emit(type="company.reinstated", subject=("x", "0"), payload={})
        events_emit_bulk(
            type="company.reinstated", items=[(("x", "1"), {}, []), (("x", "2"), {}, [])]
        )
        events_emit_bulk(type="company.reinstated", items=[(("x", "3"), {}, [])])
        assert _relay_callbacks() == before + 1


def test_with_the_relay_deferred_no_relay_is_scheduled(settings):
    settings.MASAR_OUTBOX_RELAY_ON_COMMIT = False
    with transaction.atomic():
        before = _relay_callbacks()
        events_emit_bulk(type="company.reinstated", items=[(("x", "1"), {}, [])])
        assert _relay_callbacks() == before
    assert OutboxEvent.objects.get().sequence is None


def test_a_rolled_back_transaction_leaves_no_event():
    with pytest.raises(RuntimeError), transaction.atomic():
        events_emit_bulk(type="company.reinstated", items=[(("x", "1"), {}, [])])
        raise RuntimeError("the caller fails after the service")
    assert not OutboxEvent.objects.exists()


def test_after_commit_the_relay_sequences_them_in_order_with_their_audiences(
    company, mohu, mofa, moi, django_capture_on_commit_callbacks
):
    # Given a bulk emit followed by a single emit in one transaction
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events_emit_bulk(
            type="company.reinstated",
            items=[(("x", str(n)), {"n": n}, [company.organization]) for n in range(4)],
        )
        event_emit(type="company.reinstated", subject=("x", "4"), payload={"n": 4})
    # Then the relay ran once after commit and sequenced all five, in emit order
    assert list(OutboxEvent.objects.order_by("sequence").values_list("payload__n", "sequence")) == [
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 4),
        (4, 5),
    ]
    assert OutboxCursor.objects.get().last_sequence == 5
    assert sorted(
        EventAudience.objects.filter(sequence=1).values_list("organization_id", flat=True)
    ) == sorted([company.organization_id, mohu.pk, mofa.pk, moi.pk])
    assert outbox_relay() == 0


def test_more_events_than_one_statement_holds_are_all_written(monkeypatch):
    from masar.integration.services import outbox

    monkeypatch.setattr(outbox, "BULK_EMIT_BATCH", 3)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert (
            events_emit_bulk(
                type="company.reinstated", items=((("x", str(n)), {"n": n}, []) for n in range(7))
            )
            == 7
        )
    assert len(_inserts(queries)) == (0 if connection.vendor == "postgresql" else 3)
    assert list(OutboxEvent.objects.order_by("id").values_list("payload__n", flat=True)) == list(
        range(7)
    )


# PostgreSQL's jsonb holds no NUL character (nor does `event_emit` write one).
_TEXT = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payloads=st.lists(
        st.dictionaries(
            st.text(_TEXT, min_size=1, max_size=8),
            st.one_of(
                st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(_TEXT, max_size=12)
            ),
            max_size=4,
        ),
        max_size=6,
    )
)
def test_any_json_payloads_round_trip_in_order(payloads):
    OutboxEvent.objects.all().delete()
    with transaction.atomic():
        count = events_emit_bulk(
            type="company.reinstated",
            items=[(("x", str(n)), payload, []) for n, payload in enumerate(payloads)],
        )
    assert count == len(payloads)
    assert list(OutboxEvent.objects.order_by("id").values_list("payload", flat=True)) == payloads
