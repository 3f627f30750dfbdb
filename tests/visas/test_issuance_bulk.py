"""Set-based issuance (`visas.services.issuance._issue`): one pass builds every seal, then
bulk writes (COPY on PostgreSQL, bulk INSERT elsewhere) of the visas, the transition log and
the events, one UPDATE of the applications and one audit entry for the batch. The rows are
the same as one-by-one issuance wrote them."""

from __future__ import annotations

from typing import Any

import pytest

from masar.applications.models import Application, ApplicationTransition
from masar.applications.states import AFTER_COMMIT
from masar.core.audit import audit_verify
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.visas.models import Visa
from masar.visas.seal import kingdom_today, seal_decode, seal_verify
from masar.visas.services import application_decide, visas_issue, visas_issue_numbers
from masar.visas.services.issuance import visa_number_valid

pytestmark = pytest.mark.django_db

VISA_COLUMNS = (
    "id",
    "number",
    "application_id",
    "season_id",
    "company_id",
    "agent_id",
    "visa_type",
    "status",
    "entries",
    "valid_from",
    "valid_until",
    "stay_days",
    "mrz_line1",
    "mrz_line2",
    "signer_identifier",
    "certificate_reference",
    "issued_at",
    "issued_by_id",
    "revoked_at",
    "revoked_by_id",
    "cancel_reason_code",
    "cancel_reason",
)


@pytest.fixture
def approved(in_decision: Any, visa_officer: Any) -> Any:
    def make(count: int) -> list[Application]:
        apps = [in_decision() for _ in range(count)]
        for app in apps:
            application_decide(actor=visa_officer, application_id=app.pk, decision="approve")
        return apps

    return make


def test_a_batch_writes_visas_log_audit_and_events_once_each(approved: Any) -> None:
    # Given three approved applications
    apps = approved(3)
    ids = [a.pk for a in apps]
    audit_before = AuditEntry.objects.count()
    # When they are issued as one batch
    visas = visas_issue(actor=None, application_ids=reversed(ids))
    # Then each has one visa, numbered in application order, with a valid check digit
    assert [v.application_id for v in visas] == ids
    assert [int(v.number[:8]) for v in visas] == [1, 2, 3]
    assert all(visa_number_valid(v.number) for v in visas)
    # ...the returned visas are the stored rows
    stored = {v.pk: v for v in Visa.objects.all()}
    assert len(stored) == 3
    for visa in visas:
        row = stored[visa.pk]
        for column in VISA_COLUMNS:
            assert getattr(visa, column) == getattr(row, column), column
        assert bytes(visa.seal) == bytes(row.seal)
    # ...the applications moved, each with one log row
    assert set(Application.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "issued"
    }
    log = list(
        ApplicationTransition.objects.filter(name="issue")
        .order_by("id")
        .values_list("application_id", "from_status", "to_status", "actor_id", "reason", "details")
    )
    assert log == [(pk, "approved", "issued", None, "", {}) for pk in ids]
    # ...one audit entry for the batch, and the chain still holds
    entry = AuditEntry.objects.get(action="application.issue")
    assert AuditEntry.objects.count() == audit_before + 1
    assert (entry.target_type, entry.target_id) == ("applications.application", "bulk")
    assert entry.details == {
        "from": ["approved"],
        "to": "issued",
        "reason": "",
        "count": 3,
        "applications": ids,
        "visas": [v.number for v in visas],
    }
    assert audit_verify().ok
    # ...and one event of each type per visa, the application's first
    events = list(
        OutboxEvent.objects.filter(type__in=["application.issued", "visa.issued"])
        .order_by("id")
        .values_list("type", "subject_type", "subject_id")
    )
    assert events == [
        *[("application.issued", "applications.application", str(pk)) for pk in ids],
        *[("visa.issued", "visas.visa", str(v.pk)) for v in visas],
    ]


def test_the_events_carry_the_same_payloads_as_before(approved: Any) -> None:
    app = approved(1)[0]
    visa = visas_issue(actor=None, application_ids=[app.pk])[0]
    app.refresh_from_db()
    application_event = OutboxEvent.objects.get(type="application.issued")
    assert application_event.payload == {
        "application_id": app.pk,
        "number": app.number,
        "group_id": app.group_id,
        "agent_id": app.agent_id,
        "company_id": app.company_id,
        "season_id": app.season_id,
        "transition": "issue",
        "from": "approved",
        "to": "issued",
        "reason": "",
    }
    orgs = sorted([app.agent.organization_id, app.company.organization_id])
    assert application_event.organizations == orgs
    visa_event = OutboxEvent.objects.get(type="visa.issued")
    assert visa_event.payload == {
        "visa_number": visa.number,
        "application_id": app.pk,
        "application_number": app.number,
        "season_id": visa.season_id,
        "company_id": visa.company_id,
        "agent_id": visa.agent_id,
        "visa_type": "umrah",
        "valid_from": visa.valid_from.isoformat(),
        "valid_until": visa.valid_until.isoformat(),
        "stay_days": visa.stay_days,
        "entries": visa.entries,
        "issued_at": visa.issued_at.isoformat(),
    }
    assert visa_event.organizations == orgs
    assert app.issued_at == visa.issued_at


def test_the_stored_seals_verify(approved: Any, settings: Any) -> None:
    from masar.visas.keys import settings_key_store

    visas_issue_numbers(actor=None, application_ids=[a.pk for a in approved(2)])
    trust = settings_key_store().trust_store()
    for visa in Visa.objects.all():
        seal = bytes(visa.seal)
        assert seal_verify(seal, trust=trust).verdict == "valid"
        features = seal_decode(seal).features
        assert (features.visa_number, features.mrz[0]) == (visa.number, visa.mrz_line1)
        assert visa.valid_from == kingdom_today()


def test_numbers_only_and_idempotent(approved: Any) -> None:
    ids = [a.pk for a in approved(2)]
    numbers = visas_issue_numbers(actor=None, application_ids=ids)
    assert numbers == sorted(Visa.objects.values_list("number", flat=True))
    assert visas_issue_numbers(actor=None, application_ids=ids) == []
    assert visas_issue(actor=None, application_ids=ids) == []
    assert Visa.objects.count() == 2
    assert OutboxEvent.objects.filter(type="visa.issued").count() == 2
    assert ApplicationTransition.objects.filter(name="issue").count() == 2


def test_the_after_commit_hooks_of_issue_run_once_with_every_id(
    approved: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    seen: list[list[int]] = []
    monkeypatch.setitem(AFTER_COMMIT, "issue", [seen.append])
    ids = [a.pk for a in approved(3)]
    with django_capture_on_commit_callbacks(execute=True):
        visas_issue_numbers(actor=None, application_ids=ids)
    assert seen == [ids]


def test_only_approved_applications_of_a_batch_are_issued(approved: Any, in_decision: Any) -> None:
    ready = approved(1)[0]
    waiting = in_decision()
    numbers = visas_issue_numbers(actor=None, application_ids=[waiting.pk, ready.pk, 987654])
    assert len(numbers) == 1
    assert Visa.objects.get().application_id == ready.pk
    assert Application.objects.get(pk=waiting.pk).status == "decision"
    assert not ApplicationTransition.objects.filter(application=waiting, name="issue").exists()


def test_the_background_task_returns_the_numbers(approved: Any) -> None:
    from masar.visas.tasks import issue_visas

    ids = [a.pk for a in approved(2)]
    result = issue_visas.call(application_ids=ids)
    assert result == {"issued": sorted(Visa.objects.values_list("number", flat=True))}
