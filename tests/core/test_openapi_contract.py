"""The OpenAPI document as a contract: valid OpenAPI 3.1, complete for every operation, the
committed copy current, and breaking changes held back without a deprecation window."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from openapi_spec_validator import validate

from masar.core.api import deprecation
from masar.core.api.contract import (
    breaking_changes,
    repository_root,
    schema_generate,
    schema_generate_with_warnings,
    unrecorded_breaking_changes,
)

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return schema_generate()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_document_is_valid_openapi_3_1(schema):
    assert schema["openapi"] == "3.1.0"
    validate(schema)


def test_the_document_is_made_without_a_warning():
    _schema, problems = schema_generate_with_warnings()
    assert problems == []


def test_the_committed_copy_is_the_generated_document(schema):
    committed = json.loads((repository_root() / "docs" / "openapi.json").read_text())
    assert committed == schema, "docs/openapi.json is out of date: run `make openapi`"


def test_every_operation_has_a_summary_a_description_and_a_clean_operation_id(schema):
    ids = []
    for method, path, operation in _operations(schema):
        assert operation["summary"].strip(), (method, path)
        assert operation["description"].strip(), (method, path)
        assert operation["operationId"].isidentifier(), operation["operationId"]
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def test_every_operation_declares_its_errors_with_the_one_envelope(schema):
    error = {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "fields", "message"]
    for method, path, operation in _operations(schema):
        responses = operation["responses"]
        public = {} in operation["security"]
        expected = {"429"} | (set() if public else {"401", "403"})
        if "{" in path:
            expected.add("404")
        if method == "POST":
            expected |= {"400", "409", "422"}
        assert expected <= set(responses), (method, path, sorted(responses))
        # The framework's own answers have the envelope; a view may type a 4xx of its own
        # (an import's 422 with the rows it refused).
        for code in {"401", "403", "404", "429"} & set(responses):
            assert responses[code]["content"]["application/json"]["schema"] == error, (path, code)
        assert "Retry-After" in responses["429"]["headers"]


def test_one_security_requirement_bearer_optional_only_where_public(schema):
    assert list(schema["components"]["securitySchemes"]) == ["bearerAuth"]
    for _method, path, operation in _operations(schema):
        security = operation["security"]
        assert security in ([{"bearerAuth": []}], [{"bearerAuth": []}, {}], [{}]), (path, security)
    authenticated = [op for _m, _p, op in _operations(schema) if {} not in op["security"]]
    assert len(authenticated) >= 100
    assert all("401" in op["responses"] for op in authenticated)


def test_every_post_declares_idempotency_key_and_its_replay_header(schema):
    posts = [(path, op) for method, path, op in _operations(schema) if method == "POST"]
    assert len(posts) >= 50
    for path, operation in posts:
        [key] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert (key["in"], key["required"], key["schema"]) == (
            "header",
            False,
            {"type": "string", "maxLength": 200},
        ), path
        success = [r for code, r in operation["responses"].items() if code.startswith("2")]
        assert success and all("Idempotent-Replayed" in r["headers"] for r in success), path


def test_files_are_declared_with_their_content_types(schema):
    def types(path: str, method: str = "get") -> list[str]:
        return list(schema["paths"][path][method]["responses"]["200"]["content"])

    assert types("/api/v1/visas/{number}/document.pdf") == ["application/pdf"]
    assert types("/api/v1/visas/{number}/qr.svg") == ["image/svg+xml"]
    assert types("/api/v1/track/document.pdf", "post") == ["application/pdf"]


def test_a_deprecated_operation_says_so_in_the_schema_and_its_headers(monkeypatch, api, mohu):
    from tests.factories import UserFactory

    window = deprecation.Deprecation(deprecated=date(2026, 12, 1), sunset=date(2027, 3, 1))
    monkeypatch.setitem(deprecation.DEPRECATED_OPERATIONS, ("GET", "/api/v1/me/"), window)
    operation = schema_generate()["paths"]["/api/v1/me/"]["get"]
    assert operation["deprecated"] is True
    assert operation["description"].endswith(
        "Deprecated since 2026-12-01; removed after 2027-03-01."
    )
    assert set(operation["responses"]["200"]["headers"]) == {"Deprecation", "Sunset"}

    response = api(UserFactory(organization=mohu)).get("/api/v1/me/")

    assert response.status_code == 200
    assert response["Deprecation"] == "@1796083200"
    assert response["Sunset"] == "Mon, 01 Mar 2027 00:00:00 GMT"


BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/a/": {"get": {"operationId": "a"}, "post": {"operationId": "a_create"}},
        "/b/": {"get": {"operationId": "b", "parameters": [{"in": "query", "name": "q"}]}},
    },
    "components": {
        "schemas": {
            "Thing": {
                "properties": {"id": {"type": "integer"}, "fax": {"type": "string"}},
                "required": ["id"],
            },
            "ThingRequest": {"properties": {"name": {"type": "string"}}, "required": []},
            "StatusEnum": {"enum": ["active", "suspended", "revoked"]},
        }
    },
}


def _changed(change) -> dict[str, Any]:
    new = copy.deepcopy(BASE)
    change(new)
    return new


def test_compatible_changes_are_not_breaking():
    def grow(new):
        new["paths"]["/c/"] = {"get": {"operationId": "c"}}
        new["components"]["schemas"]["Thing"]["properties"]["email"] = {"type": "string"}
        new["components"]["schemas"]["StatusEnum"]["enum"].append("expired")
        new["paths"]["/b/"]["get"]["parameters"].append({"in": "query", "name": "x"})

    assert breaking_changes(BASE, _changed(grow)) == []


def test_each_kind_of_breaking_change_is_named():
    def shrink(new):
        del new["paths"]["/a/"]["post"]
        del new["paths"]["/b/"]
        del new["components"]["schemas"]["Thing"]["properties"]["fax"]
        new["components"]["schemas"]["StatusEnum"]["enum"].remove("revoked")
        new["components"]["schemas"]["ThingRequest"]["required"] = ["name"]
        new["paths"]["/a/"]["get"]["parameters"] = [
            {"in": "header", "name": "X-Season", "required": True}
        ]

    assert breaking_changes(BASE, _changed(shrink)) == [
        "removed path /b/",
        "removed operation POST /a/",
        "new required parameter GET /a/ X-Season",
        "removed field Thing.fax",
        "new required field ThingRequest.name",
        "removed enum value StatusEnum revoked",
    ]


def test_a_breaking_change_passes_only_with_a_past_window_of_90_days():
    def drop_fax(new):
        del new["components"]["schemas"]["Thing"]["properties"]["fax"]

    new = _changed(drop_fax)
    today = date(2027, 6, 1)
    assert unrecorded_breaking_changes(BASE, new, changelog="", today=today) == [
        "removed field Thing.fax (not in docs/api-changelog.md)"
    ]
    recorded = "- `removed field Thing.fax` - deprecated 2027-01-10, sunset 2027-04-10: unused"
    assert unrecorded_breaking_changes(BASE, new, changelog=recorded, today=today) == []
    assert unrecorded_breaking_changes(BASE, new, changelog=recorded, today=date(2027, 4, 9)) == [
        "removed field Thing.fax (window 2027-01-10 to 2027-04-10: at least 90 days, "
        "and removed only after the sunset)"
    ]
    short = "- `removed field Thing.fax` - deprecated 2027-03-01, sunset 2027-04-10"
    assert len(unrecorded_breaking_changes(BASE, new, changelog=short, today=today)) == 1


def test_the_check_command_fails_on_an_out_of_date_copy(tmp_path, monkeypatch):
    from django.core.management import CommandError, call_command

    from masar.core.management.commands import openapi as command

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "api-changelog.md").write_text("")
    stale = copy.deepcopy(BASE)
    (tmp_path / "docs" / "openapi.json").write_text(json.dumps(stale))
    monkeypatch.setattr(command, "repository_root", lambda: tmp_path)

    with pytest.raises(CommandError, match="removed path /a/"):
        call_command("openapi", "--check")
    with pytest.raises(CommandError, match="removed path /a/"):
        call_command("openapi", "--write")
    assert json.loads((tmp_path / "docs" / "openapi.json").read_text()) == stale
