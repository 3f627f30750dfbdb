"""A worker serving every queue takes the domain's work (screening, imports, issuance)
before webhook dispatches, even a dispatch retry already due: retries scheduled during an
endpoint's outage once jumped ahead of the whole screening queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masar.integration.tasks import webhook_dispatch
from masar.screening.tasks import screen_application
from masar.visas.tasks import issue_visas

pytestmark = pytest.mark.django_db


def _claim_order() -> list[str]:
    order = []
    with transaction.atomic():
        while (row := DBTaskResult.objects.ready().get_locked()) is not None:
            order.append(row.task_path.rsplit(".", 1)[-1])
            DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")
    return order


def test_due_dispatch_retries_wait_behind_screening_and_issuance():
    # given two dispatch retries already due, then a screening and an issuance queued after
    past = timezone.now() - dt.timedelta(seconds=5)
    webhook_dispatch.using(run_after=past).enqueue(subscription_id=1)
    webhook_dispatch.enqueue(subscription_id=2)
    screen_application.enqueue(application_id=10)
    issue_visas.enqueue(application_ids=[10])
    # then the worker's claim order takes the domain's work first, the retry before the rest
    assert _claim_order() == [
        "screen_application",
        "issue_visas",
        "webhook_dispatch",
        "webhook_dispatch",
    ]
