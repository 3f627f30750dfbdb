"""What the lodging API views share: the actor, and serializer errors as field codes."""

from __future__ import annotations

from typing import Any

from rest_framework.generics import GenericAPIView

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission


class Scoped(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]


def flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as `{"<index>.<field>": [messages]}`."""
    out: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        out[prefix.rstrip(".")] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                out.update(flatten(value, f"{prefix}{index}."))
    return out
