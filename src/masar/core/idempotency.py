"""`Idempotency-Key` for every POST of the API.

The same key with the same body replays the first answer; the same key with another body
is refused with 422. Keys are scoped to the caller (token or user), so two clients can
never see each other's answers. A request that ended in a server error frees its key so
that the client may retry; an entry left unanswered (a crashed process) is taken over
after `STALE_AFTER`.
"""

from __future__ import annotations

from datetime import datetime

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.core.error_codes import CoreError
from masar.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
STALE_AFTER = timedelta(minutes=5)


def _principal(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth:
        return "auth:" + hashlib.sha256(auth.encode()).hexdigest()[:32]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


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
        digest = hashlib.sha256(
            request.method.encode() + b" " + request.path.encode() + b"\n" + request.body
        ).hexdigest()
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
            replay = HttpResponse(
                bytes(record.response_body or b""),
                status=record.status_code,
                content_type=record.content_type or "application/json",
            )
            replay["Idempotent-Replayed"] = "true"
            return replay

        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            response_body=response.content,
            content_type=response.get("Content-Type", ""),
        )
        return response
