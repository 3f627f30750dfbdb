"""On PostgreSQL, with real concurrency: two issuers of the same approved applications
issue each visa once, with unique consecutive numbers; two officers deciding the same
application record one decision."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from masar.applications.models import Application, ApplicationTransition
from masar.core.errors import MasarError
from masar.visas.models import Visa
from masar.visas.services import application_decide, visas_issue
from masar.visas.services.issuance import visa_number_valid

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(*jobs: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_issuers_issue_each_visa_once(in_decision: Any, visa_officer: Any) -> None:
    apps = [in_decision() for _ in range(6)]
    for app in apps:
        application_decide(actor=visa_officer, application_id=app.pk, decision="approve")
    ids = [a.pk for a in apps]
    results = _together(
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
    results = _together(
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
