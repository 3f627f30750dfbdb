"""Every status the API answers during the test suite must be declared for its operation.

Each test records the answers its test clients get from `/api/v1/` (method, the route as an
OpenAPI path, status) and, at its teardown, checks them against the OpenAPI document (made
once per process, on first need). A test that made the server answer a status its operation
does not declare errors at teardown, naming it. Checking per test works the same under
pytest-xdist: each worker checks its own tests.
"""

from __future__ import annotations

from typing import Any

from django.urls import Resolver404, resolve

from masar.core.api.deprecation import openapi_path

_declared: dict[tuple[str, str], set[str]] | None = None
CHECKED_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def declared() -> dict[tuple[str, str], set[str]]:
    global _declared
    if _declared is None:
        from masar.core.api.contract import schema_generate

        _declared = {
            (method.upper(), path): set(operation.get("responses", {}))
            for path, item in schema_generate()["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict)
        }
    return _declared


def answered(response: Any) -> tuple[str, str, int] | None:
    """(method, OpenAPI path, status) of a test client's answer from the API, else None."""
    request = getattr(response, "wsgi_request", None)
    if request is None or request.method not in CHECKED_METHODS:
        return None
    if not request.path.startswith("/api/v1/"):
        return None
    try:
        route = resolve(request.path_info).route
    except Resolver404:
        return None
    return request.method, openapi_path(route), response.status_code


def undeclared(seen: list[tuple[str, str, int]]) -> list[str]:
    if not seen:
        return []
    operations = declared()
    problems = []
    for method, path, status in dict.fromkeys(seen):
        codes = operations.get((method, path))
        if codes is None:
            continue  # not an operation of the document (the schema view, a 405)
        if str(status) not in codes and f"{str(status)[0]}XX" not in codes:
            if "default" not in codes:
                problems.append(f"{method} {path} answered {status}, declared {sorted(codes)}")
    return problems
