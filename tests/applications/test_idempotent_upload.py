"""What the Idempotency-Key middleware keeps, and uploads larger than the memory limit."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from masar.core.models import IdempotencyRecord
from tests.applications.manifest_files import csv_bytes, manifest_row, upload

pytestmark = pytest.mark.django_db


def _signed_in(user) -> APIClient:
    """A session, as a browser has: the middleware keys records by the signed-in user."""
    client = APIClient()
    client.force_login(user)
    return client


def test_a_secret_in_a_stored_answer_is_sealed_at_rest(company_staff):
    client = _signed_in(company_staff)
    first = client.post(
        "/api/v1/tokens/", {"name": "ci"}, format="json", HTTP_IDEMPOTENCY_KEY="tok-1"
    )
    secret = first.json()["secret"]
    record = IdempotencyRecord.objects.get(key="tok-1")
    assert secret.encode() not in bytes(record.response_body)
    again = client.post(
        "/api/v1/tokens/", {"name": "ci"}, format="json", HTTP_IDEMPOTENCY_KEY="tok-1"
    )
    assert again.json()["secret"] == secret
    assert again["Idempotent-Replayed"] == "true"


def test_a_large_multipart_upload_with_a_key_is_accepted_and_replayed(
    agent_staff, group, settings, django_capture_on_commit_callbacks
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    rows = [manifest_row() for _ in range(800)]
    content = csv_bytes(rows)
    assert len(content) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client = _signed_in(agent_staff)

    def post() -> object:
        return client.post(
            f"/api/v1/groups/{group.pk}/manifests/",
            {"file": upload(content), "mode": "keep_valid"},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="manifest-1",
        )

    with django_capture_on_commit_callbacks(execute=False):
        first = post()
        second = post()
    assert first.status_code == 202, first.content[:300]
    assert second.status_code == 202
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
