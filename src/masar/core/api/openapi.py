"""What every operation of the OpenAPI document says, declared once for all views.

Views declare what is theirs (summary, request and success bodies, filters, the domain
errors they raise). `MasarAutoSchema` adds what follows from the project's global behaviour,
so that no view can forget it:

- the error envelope (`Error`) for every status the framework itself may answer: 400 for a
  body or query that does not parse or validate, 401 and 403 on authenticated operations,
  404 where the path names a record (or a list page is out of range), 409 and 422 on POSTs
  (`Idempotency-Key` in progress or reused), 429 with `Retry-After` everywhere;
- the `Idempotency-Key` request header on every POST, `Idempotent-Replayed` on its answers;
- one security requirement (`bearerAuth`; optional on public operations);
- a summary and a description for every operation, from the view's docstring when the view
  gives none;
- `Deprecation` and `Sunset` on deprecated operations (see `masar.core.api.deprecation`).

`postprocess` (a drf-spectacular hook) then cleans the whole document: operationIds made of
letters, digits and underscores only, no default that contradicts its own format.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions

from masar.core.api.deprecation import DEPRECATED_OPERATIONS
from masar.core.api.schema import ErrorSerializer

BEARER: dict[str, list[str]] = {"bearerAuth": []}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": (
        "Any unique string (a UUID) of at most 200 characters. The same key with the same body "
        "replays the first answer (with `Idempotent-Replayed: true`); with another body it is "
        "refused (422 `idempotency_key_reused`); while the first request runs, 409."
    ),
    "schema": {"type": "string", "maxLength": 200},
}
REPLAYED = {
    "description": "`true` when this answer is the replay of an earlier request with the key.",
    "schema": {"type": "string", "enum": ["true"]},
}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}
DEPRECATION = {
    "description": "When the operation was deprecated (RFC 9745: `@` and Unix seconds).",
    "schema": {"type": "string"},
}
SUNSET = {
    "description": "When the operation will be removed (RFC 8594, an HTTP-date).",
    "schema": {"type": "string"},
}
ERROR_DESCRIPTIONS = {
    "400": "The request does not parse or a field is not valid (`fields` names them).",
    "401": "No credentials, or a token that is unknown, expired or revoked.",
    "403": "The caller's role or organization may not do this.",
    "404": "No such record for this caller (another organization's records do not exist).",
    "409": "The record's state does not allow this now, or the same Idempotency-Key is running.",
    "412": "The record changed since it was read (If-Match).",
    "422": "The Idempotency-Key was used before with another body.",
    "429": "Too many requests: wait for Retry-After seconds.",
    "503": "The document cannot be made on this server now (`pdf_unavailable`); try again later.",
}
_OPERATION_ID = re.compile(r"[^A-Za-z0-9_]+")


def _first_line(text: str) -> str:
    line = text.strip().split("\n\n", 1)[0]
    return " ".join(line.split()).rstrip(".")


class MasarAutoSchema(AutoSchema):
    def is_public(self) -> bool:
        perms = {p.__class__ for p in self.view.get_permissions()}
        return (
            not perms
            or permissions.AllowAny in perms
            or (
                permissions.IsAuthenticatedOrReadOnly in perms
                and self.method in permissions.SAFE_METHODS
            )
        )

    def get_auth(self) -> list[dict[str, Any]]:
        super().get_auth()  # registers the security schemes of the view's authenticators
        return [BEARER, {}] if self.is_public() else [BEARER]

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        self._complete_texts(operation)
        operation.setdefault("security", [{}])  # a view that declared itself open (auth=[])
        parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
        responses: dict[str, Any] = operation["responses"]
        if self.method == "POST":
            if not any(p.get("name") == IDEMPOTENCY_KEY["name"] for p in parameters):
                parameters.append(dict(IDEMPOTENCY_KEY))
            for code, response in responses.items():
                if code.startswith("2"):
                    response.setdefault("headers", {}).setdefault("Idempotent-Replayed", REPLAYED)
        if not parameters:
            del operation["parameters"]
        for code in self._error_statuses(operation):
            responses.setdefault(code, self._error_response(code))
        responses["429"].setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER)
        deprecation = DEPRECATED_OPERATIONS.get((self.method, self.path))
        if deprecation is not None:
            operation["deprecated"] = True
            operation["description"] += (
                f"\n\nDeprecated since {deprecation.deprecated.isoformat()}; removed after "
                f"{deprecation.sunset.isoformat()}."
            )
            for response in responses.values():
                headers = response.setdefault("headers", {})
                headers.setdefault("Deprecation", DEPRECATION)
                headers.setdefault("Sunset", SUNSET)
        return operation

    def _complete_texts(self, operation: dict[str, Any]) -> None:
        description = operation.get("description", "").strip()
        summary = operation.get("summary", "").strip()
        if not summary:
            summary = _first_line(description) if description else self._summary_from_path()
        if not description:
            description = f"{summary}."
        operation["summary"] = summary
        operation["description"] = description

    def _summary_from_path(self) -> str:
        words = [
            part.replace("-", " ").replace("_", " ")
            for part in re.sub(r"^/api/v\d+/", "", self.path).strip("/").split("/")
            if part and not part.startswith("{")
        ]
        noun = " ".join(words) or "resource"
        verb = {
            "GET": "Read",
            "POST": "Submit",
            "PUT": "Replace",
            "PATCH": "Change",
            "DELETE": "Delete",
        }.get(self.method, self.method.title())
        return f"{verb} {noun}"

    def _error_statuses(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        in_query = any(p.get("in") == "query" for p in parameters)
        in_path = "{" in self.path
        statuses = {"429"}
        if "requestBody" in operation or in_query or self.method in WRITE_METHODS:
            statuses.add("400")
        if not self.is_public():
            statuses.update({"401", "403"})
        elif self.view.get_authenticators():
            statuses.add("401")  # a public operation still refuses a bad token
        if in_path or any(p.get("name") == "page" for p in parameters):
            statuses.add("404")
        if self.method == "POST":
            statuses.update({"409", "422"})
        documents = operation.get("responses", {}).get("200", {}).get("content", {})
        if "application/pdf" in documents:
            statuses.add("503")  # a server without WeasyPrint's system libraries
        return sorted(statuses)

    def _error_response(self, code: str) -> dict[str, Any]:
        component = self.resolve_serializer(ErrorSerializer, "response")
        return {
            "description": ERROR_DESCRIPTIONS.get(code, "An error."),
            "content": {"application/json": {"schema": component.ref}},
        }


def _clean_defaults(node: Any) -> None:
    """Drop a default that its own schema refuses (an empty string for an email)."""
    if isinstance(node, dict):
        if node.get("default") == "" and (node.get("format") or node.get("minLength")):
            del node["default"]
        for value in node.values():
            _clean_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _clean_defaults(value)


def postprocess(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular's postprocessing hook: clean operationIds and contradicting defaults,
    and keep the one security scheme the operations name."""
    seen: set[str] = set()
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            clean = _OPERATION_ID.sub("_", operation["operationId"]).strip("_")
            clean = re.sub(r"_+", "_", clean)
            while clean in seen:
                clean += "_"
            seen.add(clean)
            operation["operationId"] = clean
    _clean_defaults(result.get("components", {}).get("schemas", {}))
    schemes = result.get("components", {}).get("securitySchemes", {})
    schemes.pop("cookieAuth", None)
    if "bearerAuth" in schemes:
        schemes["bearerAuth"] = {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "masar token",
            "description": "A token from `masar token create` or `POST /api/v1/tokens/`.",
        }
    return result
