"""On PostgreSQL, with real concurrency: two issuers of the same approved applications
issue each visa once, with unique consecutive numbers; two officers deciding the same
application record one decision."""

from __future__ import annotations

from typing import Any

import pytest

from masar.applications.models import Application, ApplicationTransition
from masar.core.errors import MasarError
from masar.visas.models import Visa
from masar.visas.services import application_decide, visas_issue
from masar.visas.services.issuance import visa_number_valid
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_issuers_issue_each_visa_once(in_decision: Any, visa_officer: Any) -> None:
    apps = [in_decision() for _ in range(6)]
    for app in apps:
        application_decide(actor=visa_officer, application_id=app.pk, decision="approve")
    ids = [a.pk for a in apps]
    results = run_together(
        lambda: visas_issue(actor=None, application_ids=ids),
        lambda: visas_issue(actor=None, application_ids=list(reversed(ids))),
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(len(r) for r in results) == [0, 6]
    numbers = sorted(Visa.objects.values_list("number", flat=True))
    assert len(numbers) == 6 and all(visa_number_valid(n) for n in numbers)
    assert [int(n[:8]) for n in numbers] == list(range(1, 7))
    assert set(Application.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "issued"
    }


def test_two_officers_deciding_at_once_record_one_decision(
    in_decision: Any, visa_officer: Any
) -> None:
    app = in_decision()
    results = run_together(
        lambda: application_decide(actor=visa_officer, application_id=app.pk, decision="approve"),
        lambda: application_decide(
            actor=visa_officer, application_id=app.pk, decision="reject", reason_code="documents"
        ),
    )
    errors = [r for r in results if isinstance(r, MasarError)]
    assert len(errors) == 1 and errors[0].code == "application_not_awaiting_decision"
    assert (
        ApplicationTransition.objects.filter(
            application=app, name__in=["approve", "reject"]
        ).count()
        == 1
    )
