"""Project-wide invariants, checked over every app at once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from masar.accounts.permissions import MasarPermission

# Endpoints that are public on purpose: the schema and its docs, verification and tracking
# pages meant for the public, open data, and the published JSON Schemas of the event types.
PUBLIC_API_PREFIXES = (
    "api/v1/schema/",
    "api/v1/docs/",
    "api/v1/keys/",
    "api/v1/track/",
    "api/v1/open-data/",
    "api/v1/visas/verify/",
    "api/v1/training/certificates/",
    "api/v1/revocations/",
    "api/v1/events/schemas/",
)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_api_endpoint_checks_masar_permission():
    missing = []
    for route, callback in _walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or route.startswith(PUBLIC_API_PREFIXES):
            continue
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        assert view_class is not None, f"{route} is not a class-based API view"
        permissions = getattr(view_class, "permission_classes", [])
        if not any(issubclass(p, MasarPermission) for p in permissions):
            missing.append(route)
    assert missing == []


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())


def test_every_event_type_has_a_schema_with_required_fields():
    from masar.integration.catalogue import CATALOGUE

    assert CATALOGUE
    for name, event_type in CATALOGUE.items():
        assert event_type.schema["type"] == "object", name
        assert set(event_type.schema["required"]) <= set(event_type.schema["properties"]), name


def test_the_openapi_schema_generates_without_a_warning(tmp_path):
    """Every endpoint documents its input and output, with unique component names."""
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--file",
        str(tmp_path / "schema.yml"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
