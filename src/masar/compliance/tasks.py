"""Background work of the compliance app (Django tasks on the database queue)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from masar.core.context import Origin, origin_scope


@task(queue_name="default")
def raise_overstay_violations(application_ids: list[int]) -> dict[str, Any]:
    """Raise the violations of applications that just overstayed (idempotent)."""
    from masar.compliance.services import violations_raise_automatic

    with origin_scope(Origin(channel="task", extra={"task": "compliance.raise_violations"})):
        result = violations_raise_automatic(application_ids=application_ids)
    return result.as_dict()


def overstay_violations_enqueue(application_ids: list[int]) -> None:
    """After-commit hook of the `overstay` transition."""
    raise_overstay_violations.enqueue(application_ids=list(application_ids))
