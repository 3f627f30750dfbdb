"""One domain exception type, turned by the API into one error shape.

Services raise `MasarError` subclasses with a stable code (a member of an app's
`error_codes` enum); `masar.core.api.errors` renders them as
`{"code", "message", "fields"}` with the status the subclass names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any


class MasarError(Exception):
    """A refusal that a user or client can act on. Status 400 unless a subclass says."""

    status = 400

    def __init__(
        self,
        code: str | StrEnum,
        message: Any,
        *,
        fields: Mapping[str, Sequence[Any]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = str(code)
        self.message = message
        self.fields = {key: list(value) for key, value in (fields or {}).items()}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "fields": self.fields}


class ValidationFailed(MasarError):
    status = 400


class NotFound(MasarError):
    status = 404


class Forbidden(MasarError):
    status = 403


class Conflict(MasarError):
    status = 409


class Unprocessable(MasarError):
    status = 422


class Unavailable(MasarError):
    """The server cannot do this now (a missing system library, a service down)."""

    status = 503
