"""Every API error has one shape: {"code", "message", "fields"}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from masar.core.error_codes import CoreError
from masar.core.errors import MasarError


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    fields[f"{key}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, messages in _flatten(item).items():
                        fields[f"{key}[{index}].{sub}"] = messages
            elif isinstance(value, list):
                fields[str(key)] = [str(v) for v in value]
            else:
                fields[str(key)] = [str(value)]
        return fields
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.NotAuthenticated: CoreError.NOT_AUTHENTICATED,
    exceptions.AuthenticationFailed: CoreError.NOT_AUTHENTICATED,
    exceptions.PermissionDenied: CoreError.FORBIDDEN,
    exceptions.NotFound: CoreError.NOT_FOUND,
    exceptions.MethodNotAllowed: CoreError.METHOD_NOT_ALLOWED,
    exceptions.Throttled: CoreError.THROTTLED,
    exceptions.UnsupportedMediaType: CoreError.UNSUPPORTED_MEDIA,
    exceptions.ParseError: CoreError.PARSE_ERROR,
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, MasarError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": CoreError.VALIDATION.value,
            "message": _("Some fields are not valid."),
            "fields": _flatten(exc.detail),
        }
    elif isinstance(exc, exceptions.APIException):
        code = next(
            (str(c) for klass, c in _CODES.items() if isinstance(exc, klass)),
            str(exc.default_code),
        )
        detail = exc.detail
        message = detail.get("detail", detail) if isinstance(detail, dict) else detail
        body = {"code": code, "message": str(message), "fields": {}}
    else:  # pragma: no cover - DRF only hands us APIException subclasses
        body = {"code": "error", "message": str(exc), "fields": {}}
    response.data = body
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="masar"'
    return response
