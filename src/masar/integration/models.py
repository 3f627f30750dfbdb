"""The transactional outbox: every state change writes its event here in its own transaction."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=60, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    # Organizations (besides the ministries named in `ministries`) that may see the event.
    organizations = models.JSONField(default=list)
    ministries = models.JSONField(default=list)
    occurred_at = models.DateTimeField(db_index=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox event")
        indexes = [models.Index(fields=["subject_type", "subject_id", "id"])]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_type}:{self.subject_id}"
