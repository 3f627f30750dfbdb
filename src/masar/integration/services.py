"""Writing events to the outbox, in the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from masar.accounts.models import Organization
from masar.integration.catalogue import CATALOGUE
from masar.integration.models import OutboxEvent


def event_emit(
    *,
    type: str,
    subject: models.Model | tuple[str, str],
    payload: dict[str, Any],
    organizations: Iterable[Organization | int | None] = (),
) -> OutboxEvent:
    """Write one event of a catalogued type. Must run inside the state change's transaction.

    `organizations` are the non-ministry organizations that may see the event (the company,
    the agent...); the ministries that may see it come from the catalogue.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_emit must run inside transaction.atomic")
    event_type = CATALOGUE.get(type)
    if event_type is None:
        raise ValueError(f"event type {type!r} is not in the catalogue")
    if isinstance(subject, tuple):
        subject_type, subject_id = subject
    else:
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    org_ids = sorted(
        {o.pk if isinstance(o, Organization) else int(o) for o in organizations if o is not None}
    )
    clean = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    return OutboxEvent.objects.create(
        type=type,
        version=event_type.version,
        subject_type=subject_type,
        subject_id=subject_id,
        organizations=org_ids,
        ministries=list(event_type.ministries),
        occurred_at=timezone.now(),
        payload=clean,
    )
