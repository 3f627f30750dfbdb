"""The API as a contract: the generated OpenAPI document, its committed copy, and the check
that no breaking change reaches clients without a deprecation window.

`docs/openapi.json` is the published contract. `masar openapi --write` regenerates it, but
refuses while the new document breaks the old one in a way docs/api-changelog.md does not
record; `masar openapi --check` (CI) fails when the committed copy is out of date or when the
generated document breaks the copy at `--base-ref` (a git revision) without such a record.

Breaking, for a client built from the old document: a removed path or operation, a removed
field (a property of a component schema), a removed enum value, a new required field of a
request body or a new required parameter. Everything else (new paths, new optional fields,
new responses) is compatible.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import translation

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The shortest deprecation window a breaking change must have been announced with.
MIN_WINDOW = timedelta(days=90)
_RECORD = re.compile(
    r"`(?P<change>[^`]+)`.*?deprecated (?P<deprecated>\d{4}-\d{2}-\d{2})"
    r".*?sunset (?P<sunset>\d{4}-\d{2}-\d{2})",
)


def schema_generate() -> dict[str, Any]:
    """The OpenAPI document as the server serves it (English texts), as plain JSON data."""
    return schema_generate_with_warnings()[0]


def schema_generate_with_warnings() -> tuple[dict[str, Any], list[str]]:
    """The document and drf-spectacular's warnings and errors while making it (none, in CI)."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    GENERATOR_STATS.reset()
    with translation.override("en"), GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
        rendered = OpenApiJsonRenderer().render(schema, renderer_context={})
    problems = sorted([*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache])
    GENERATOR_STATS.reset()
    return json.loads(rendered), problems


def schema_dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def _walk_enums(node: Any, where: str, found: dict[str, set[str]]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            found.setdefault(where, set()).update(
                json.dumps(v) for v in node["enum"] if v is not None
            )
        for key, value in node.items():
            _walk_enums(value, f"{where}.{key}" if key != "properties" else where, found)
    elif isinstance(node, list):
        for value in node:
            _walk_enums(value, where, found)


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What of `old` a client may rely on that `new` takes away, one line each."""
    changes: list[str] = []
    old_paths, new_paths = old.get("paths", {}), new.get("paths", {})
    changes += [f"removed path {path}" for path in old_paths if path not in new_paths]
    old_ops, new_ops = _operations(old), _operations(new)
    changes += [
        f"removed operation {method} {path}"
        for method, path in old_ops
        if path in new_paths and (method, path) not in new_ops
    ]
    for key, operation in new_ops.items():
        before = old_ops.get(key)
        if before is None:
            continue
        had = {(p.get("in"), p.get("name")) for p in before.get("parameters", [])}
        for parameter in operation.get("parameters", []):
            if (
                parameter.get("required")
                and (parameter.get("in"), parameter.get("name")) not in had
            ):
                changes.append(f"new required parameter {key[0]} {key[1]} {parameter['name']}")
    old_schemas = old.get("components", {}).get("schemas", {})
    new_schemas = new.get("components", {}).get("schemas", {})
    for name, schema in old_schemas.items():
        current = new_schemas.get(name)
        if current is None:
            continue  # a renamed component; its fields are judged where they are used
        for field in schema.get("properties", {}):
            if field not in current.get("properties", {}):
                changes.append(f"removed field {name}.{field}")
        if name.endswith("Request"):
            newly = set(current.get("required", [])) - set(schema.get("required", []))
            changes += [f"new required field {name}.{field}" for field in sorted(newly)]
    old_enums: dict[str, set[str]] = {}
    new_enums: dict[str, set[str]] = {}
    _walk_enums(old_schemas, "", old_enums)
    _walk_enums(new_schemas, "", new_enums)
    for where, values in old_enums.items():
        if where in new_enums:
            for value in sorted(values - new_enums[where]):
                changes.append(f"removed enum value {where.lstrip('.')} {json.loads(value)}")
    return changes


@dataclass(frozen=True)
class Record:
    change: str
    deprecated: date
    sunset: date

    def allows(self, today: date) -> bool:
        return self.sunset - self.deprecated >= MIN_WINDOW and self.sunset <= today


def changelog_records(text: str) -> dict[str, Record]:
    """The breaking changes recorded in docs/api-changelog.md, by their line."""
    records: dict[str, Record] = {}
    for match in _RECORD.finditer(text):
        records[match["change"]] = Record(
            change=match["change"],
            deprecated=date.fromisoformat(match["deprecated"]),
            sunset=date.fromisoformat(match["sunset"]),
        )
    return records


def unrecorded_breaking_changes(
    old: dict[str, Any], new: dict[str, Any], *, changelog: str, today: date
) -> list[str]:
    """The breaking changes that the changelog does not allow (yet)."""
    records = changelog_records(changelog)
    refused = []
    for change in breaking_changes(old, new):
        record = records.get(change)
        if record is None:
            refused.append(f"{change} (not in docs/api-changelog.md)")
        elif not record.allows(today):
            refused.append(
                f"{change} (window {record.deprecated} to {record.sunset}: at least "
                f"{MIN_WINDOW.days} days, and removed only after the sunset)"
            )
    return refused


def repository_root() -> Path:
    return Path(__file__).resolve().parents[4]
