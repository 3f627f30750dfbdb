"""The catalogue of event types: each with its version, who may see it and its JSON schema.

Apps register their own types with `register(EventType(...))`, from a module
`masar/<app>/events.py` (imported by the app's `ready()`, and found by `catalogue_load()`
in any case). docs/events.md is generated from this table by `masar events doc`; a test
keeps the two in step.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from dataclasses import dataclass, field
from typing import Any

ALL_MINISTRIES = ("mohu", "mofa", "moi")


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    description: str
    schema: dict[str, Any]
    ministries: tuple[str, ...] = ALL_MINISTRIES
    examples: list[dict[str, Any]] = field(default_factory=list)


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
        "additionalProperties": True,
    }


STR = {"type": "string"}
INT = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_STR = {"type": ["string", "null"]}

CATALOGUE: dict[str, EventType] = {}


def register(event_type: EventType) -> EventType:
    """Add a type to the catalogue. Registering the same definition twice is harmless; two
    different definitions under one name are a programming error."""
    existing = CATALOGUE.get(event_type.name)
    if existing is not None and existing != event_type:
        raise ValueError(f"event type {event_type.name!r} is already registered differently")
    unknown = set(event_type.ministries) - set(ALL_MINISTRIES)
    if unknown:
        raise ValueError(f"event type {event_type.name!r} names unknown ministries {unknown}")
    CATALOGUE[event_type.name] = event_type
    return event_type


def catalogue_load() -> dict[str, EventType]:
    """The whole catalogue: imports every Masar app's `events` module, then returns it."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("masar."):
            continue
        module = f"{config.name}.events"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return CATALOGUE


# What a subscriber receives (a webhook body, or one item of the feed) for every type.
ENVELOPE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "The event's unique id."},
        "type": {"type": "string", "description": "The event type, e.g. company.suspended."},
        "version": {"type": "integer", "description": "The version of the type's schema."},
        "timestamp": {
            "type": "string",
            "format": "date-time",
            "description": "When the state change happened (UTC).",
        },
        "sequence": {
            "type": "integer",
            "description": "Position in commit order; the feed's cursor. Gap-free, increasing.",
        },
        "subject": {
            "type": "object",
            "properties": {"type": {"type": "string"}, "id": {"type": "string"}},
            "required": ["type", "id"],
            "description": "The record the event is about; events of one subject keep order.",
        },
        "data": {"type": "object", "description": "The payload: see the type's schema."},
    },
    "required": ["id", "type", "version", "timestamp", "sequence", "subject", "data"],
    "additionalProperties": False,
}


def schema_document(event_type: EventType) -> dict[str, Any]:
    """The type's payload schema as a standalone JSON Schema document."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{event_type.name} v{event_type.version}",
        **event_type.schema,
    }


def schema_json(event_type: EventType) -> str:
    return json.dumps(schema_document(event_type), indent=2, sort_keys=True, ensure_ascii=False)


# The integration app's own types. They concern one organization only: no ministry sees them.
register(
    EventType(
        "webhook.test",
        1,
        "A test event sent on request to one webhook subscription, to check the endpoint.",
        _object({"subscription_id": INT, "message": STR, "requested_by": STR}),
        ministries=(),
        examples=[
            {
                "subscription_id": 7,
                "message": "Test event from Masar",
                "requested_by": "moi.gate",
            }
        ],
    )
)
register(
    EventType(
        "webhook.disabled",
        1,
        "A webhook subscription was disabled because its endpoint kept failing (or answered "
        "410 Gone). Re-enable it once the endpoint works, then replay what it missed.",
        _object({"subscription_id": INT, "url": STR, "reason": STR, "failing_since": DATETIME}),
        ministries=(),
    )
)
register(
    EventType(
        "company.licensed",
        1,
        "An Umrah company was licensed (or its licence renewed).",
        _object(
            {"company_id": INT, "licence_number": STR, "licence_valid_until": DATE, "status": STR}
        ),
        ministries=("mohu",),
    )
)
register(
    EventType(
        "company.suspended",
        1,
        "An Umrah company was suspended; it cannot submit or approve applications.",
        _object({"company_id": INT, "reason": STR, "until": {"type": ["string", "null"]}}),
    )
)
register(
    EventType(
        "company.reinstated",
        1,
        "A suspended Umrah company was reinstated.",
        _object({"company_id": INT, "reason": STR}),
    )
)
register(
    EventType(
        "company.revoked",
        1,
        "An Umrah company's licence was cancelled.",
        _object({"company_id": INT, "reason": STR}),
    )
)
register(
    EventType(
        "agent.registered",
        1,
        "An overseas agent was registered.",
        _object({"agent_id": INT, "country": STR, "licence_number": STR}),
        ministries=("mohu",),
    )
)
register(
    EventType(
        "agent.barred",
        1,
        "An overseas agent was barred: no new contract may be registered with it.",
        _object({"agent_id": INT, "reason": STR}),
    )
)
register(
    EventType(
        "agent.unbarred",
        1,
        "An overseas agent's bar was lifted (an appeal, or the penalty behind it ended).",
        _object({"agent_id": INT, "reason": STR}),
    )
)
register(
    EventType(
        "contract.registered",
        1,
        "A contract between a company and an overseas agent was registered.",
        _object(
            {
                "contract_id": INT,
                "company_id": INT,
                "agent_id": INT,
                "countries": {"type": "array", "items": STR},
                "valid_from": DATE,
                "valid_until": DATE,
            }
        ),
        ministries=("mohu",),
    )
)
register(
    EventType(
        "contract.terminated",
        1,
        "A contract between a company and an overseas agent was ended early.",
        _object({"contract_id": INT, "company_id": INT, "agent_id": INT, "reason": STR}),
        ministries=("mohu",),
    )
)
register(
    EventType(
        "season.created",
        1,
        "A season (Umrah or Hajj) was created with its calendar and rules.",
        _object({"season_id": INT, "code": STR, "kind": STR, "starts_on": DATE, "ends_on": DATE}),
    )
)
register(
    EventType(
        "season.rules_changed",
        1,
        "A season's rule settings changed.",
        _object({"season_id": INT, "changes": {"type": "object"}}),
    )
)
register(
    EventType(
        "quota.set",
        1,
        "A quota was set for a company, an agent or a country in a season.",
        _object(
            {
                "quota_id": INT,
                "season_id": INT,
                "holder_type": STR,
                "holder": STR,
                "limit": INT,
            }
        ),
        ministries=("mohu",),
    )
)
