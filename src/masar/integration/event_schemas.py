"""One published JSON Schema per event type: the envelope a subscriber receives (a webhook
body, an item of the feed) with the type's own payload schema as its `data`.

Served under /api/v1/events/schemas/ from the event catalogue. With
`MASAR_EVENTS_VALIDATE` on (the test settings), every payload is checked against its type's
schema when it is emitted, so an event can never drift from what is published.
"""

from __future__ import annotations

from typing import Any

from masar.integration.catalogue import ENVELOPE_SCHEMA, EventType

SCHEMAS_PATH = "/api/v1/events/schemas/"


def event_schema(event_type: EventType) -> dict[str, Any]:
    """The whole message of one type as a standalone JSON Schema (draft 2020-12)."""
    properties = dict(ENVELOPE_SCHEMA["properties"])
    properties["type"] = {**properties["type"], "const": event_type.name}
    properties["version"] = {**properties["version"], "const": event_type.version}
    properties["data"] = {**event_type.schema, "description": "The payload of this type."}
    document: dict[str, Any] = {
        **ENVELOPE_SCHEMA,
        "$id": f"{SCHEMAS_PATH}{event_type.name}/",
        "title": f"{event_type.name} v{event_type.version}",
        "description": event_type.description,
        "properties": properties,
    }
    if event_type.examples:
        document["examples"] = [{"data": example} for example in event_type.examples]
    return document


def payload_problems(event_type: EventType, payload: Any) -> list[str]:
    """How a (JSON-clean) payload departs from its type's schema; empty when it conforms."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(
        event_type.schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(payload)'}: {error.message}"
        for error in sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
    ]


def payload_check(event_type: EventType, payload: Any) -> None:
    problems = payload_problems(event_type, payload)
    if problems:
        raise ValueError(
            f"{event_type.name} payload does not match its published schema: " + "; ".join(problems)
        )
