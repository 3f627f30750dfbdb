"""`Idempotency-Key` for every POST of the API.

The same key with the same body replays the first answer; the same key with another body
is refused with 422. Keys are scoped to the caller (token or user), so two clients can
never see each other's answers. A request that ended in a server error frees its key so
that the client may retry; an entry left unanswered (a crashed process) is taken over
after `STALE_AFTER`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.core.error_codes import CoreError
from masar.core.models import IdempotencyRecord
from masar.core.sealing import open_bytes, seal_bytes

HEADER = "Idempotency-Key"
STALE_AFTER = timedelta(minutes=5)
# Stored answers may hold secrets shown once (a new token, a webhook secret): sealed at rest.
SEAL_PURPOSE = "masar.core.idempotency.v1"
# Response headers worth replaying besides the body.
REPLAYED_HEADERS = ("Location", "Content-Disposition")


def _principal(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth:
        return "auth:" + hashlib.sha256(auth.encode()).hexdigest()[:32]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _request_digest(request: HttpRequest) -> str:
    """What makes two requests "the same": method, full path, content type and body.

    Multipart bodies are hashed from the parsed form and the uploaded files' chunks:
    reading `request.body` would fail for uploads over DATA_UPLOAD_MAX_MEMORY_SIZE, and
    the view (DRF) can still use the parsed form after us.
    """
    digest = hashlib.sha256()
    content_type = request.content_type or ""
    digest.update(f"{request.method} {request.get_full_path()}\n{content_type}\n".encode())
    if content_type.startswith("multipart/"):
        for key in sorted(request.POST):
            for value in request.POST.getlist(key):
                digest.update(f"{key}={value}\n".encode())
        for key in sorted(request.FILES):
            for upload in request.FILES.getlist(key):
                digest.update(f"{key}:{upload.name}:{upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def idempotency_prune(*, now: datetime | None = None) -> int:
    """Delete records older than MASAR_IDEMPOTENCY_TTL_HOURS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.MASAR_IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        principal = _principal(request)
        if principal is None:
            return self.get_response(request)
        if len(key) > 200:
            return _error(
                400, CoreError.VALIDATION, _("Idempotency-Key is at most 200 characters.")
            )
        digest = _request_digest(request)
        now = timezone.now()
        cutoff = now - timedelta(hours=settings.MASAR_IDEMPOTENCY_TTL_HOURS)
        try:
            with transaction.atomic():
                record, created = IdempotencyRecord.objects.select_for_update().get_or_create(
                    principal=principal,
                    key=key,
                    defaults={
                        "method": request.method,
                        "path": request.path,
                        "request_hash": digest,
                        "created_at": now,
                    },
                )
                if not created:
                    expired = record.created_at < cutoff
                    abandoned = record.status_code is None and record.created_at < now - STALE_AFTER
                    if expired or abandoned:
                        record.request_hash = digest
                        record.path = request.path
                        record.created_at = now
                        record.status_code = None
                        record.response_body = None
                        record.save()
                        created = True
        except IntegrityError:
            return _error(
                409, CoreError.IDEMPOTENCY_IN_PROGRESS, _("A request with this key is in progress.")
            )
        if not created:
            if record.request_hash != digest:
                return _error(
                    422,
                    CoreError.IDEMPOTENCY_MISMATCH,
                    _("This Idempotency-Key was used with another request body or path."),
                )
            if record.status_code is None:
                return _error(
                    409,
                    CoreError.IDEMPOTENCY_IN_PROGRESS,
                    _("A request with this key is in progress."),
                )
            stored = json.loads(
                open_bytes(bytes(record.response_body or b""), purpose=SEAL_PURPOSE)
            )
            replay = HttpResponse(
                base64.b64decode(stored["body"]),
                status=record.status_code,
                content_type=record.content_type or "application/json",
            )
            for name, value in stored["headers"].items():
                replay[name] = value
            replay["Idempotent-Replayed"] = "true"
            return replay

        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        stored = {
            "body": base64.b64encode(response.content).decode(),
            "headers": {name: response[name] for name in REPLAYED_HEADERS if name in response},
        }
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            response_body=seal_bytes(json.dumps(stored).encode(), purpose=SEAL_PURPOSE),
            content_type=response.get("Content-Type", ""),
        )
        return response
