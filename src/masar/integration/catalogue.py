"""The catalogue of event types: each with its version, who may see it and its JSON schema.

docs/events.md is the human-readable form of this table; a test keeps them in step.
"""

from __future__ import annotations

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
    CATALOGUE[event_type.name] = event_type
    return event_type


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
