"""Event types of the applications app, registered in the integration catalogue.

Imported by `ApplicationsConfig.ready()`, so they are catalogued wherever Django runs.
Every transition of `states.TRANSITIONS` emits its event with the same payload shape,
so that the later apps can use the transitions declared for them without new types.
"""

from __future__ import annotations

from masar.applications.states import TRANSITIONS
from masar.integration.catalogue import (
    CATALOGUE,
    INT,
    NULLABLE_STR,
    STR,
    EventType,
    _object,
    register,
)

TRANSITION_PAYLOAD = _object(
    {
        "application_id": INT,
        "number": STR,
        "group_id": INT,
        "agent_id": INT,
        "company_id": INT,
        "season_id": INT,
        "transition": STR,
        "from": STR,
        "to": STR,
        "reason": STR,
        # Present on application.decided: whether the system decided.
        "automatic": {"type": "boolean"},
    },
    required=[
        "application_id",
        "number",
        "group_id",
        "agent_id",
        "company_id",
        "season_id",
        "transition",
        "from",
        "to",
        "reason",
    ],
)

DESCRIPTIONS = {
    "application.submitted": "An agent submitted an application to its contracted company; "
    "the eligibility rules passed and the company's and agent's quotas were taken.",
    "application.approved_by_company": "The company approved an application of its agent.",
    "application.returned": "The company returned an application to its agent with a reason; "
    "its quota places were given back.",
    "application.withdrawn": "The agent withdrew an application (draft, submitted or returned).",
    "application.screened": "Security screening found nothing: the application awaits the "
    "consular decision (decided at once when the season allows automatic decisions).",
    "application.referred": "Screening found a possible match: a security analyst reviews the "
    "application. Ministries only: the company and the agent never receive the events of the "
    "security review (screened, referred, security_cleared, rejected).",
    "application.security_cleared": "A security analyst cleared a referred application (a "
    "false positive); it awaits the consular decision.",
    "application.rejected": "A security analyst rejected a referred application (a true match); "
    "its quota places were given back.",
    "application.decided": "The consular decision: `to` is approved or rejected; `automatic` is "
    "true when the system decided under the season's automatic-decision setting.",
    "application.issued": "An e-visa was issued for the application.",
    "application.expired": "The visa lapsed unused.",
    "application.cancelled": "The visa was cancelled.",
    "application.entered": "The pilgrim entered the kingdom.",
    "application.departed": "The pilgrim departed.",
    "application.overstayed": "The pilgrim did not depart by the permitted date.",
}


def _register_all() -> None:
    for transition in TRANSITIONS.values():
        name = transition.event
        if name in CATALOGUE:
            continue
        register(
            EventType(
                name,
                1,
                DESCRIPTIONS.get(name, f"An application moved to {transition.target}."),
                TRANSITION_PAYLOAD,
            )
        )
    if "application.ready_for_screening" not in CATALOGUE:
        register(
            EventType(
                "application.ready_for_screening",
                1,
                "An application approved by its company waits for security screening.",
                _object(
                    {
                        "application_id": INT,
                        "number": STR,
                        "season_id": INT,
                        "nationality": STR,
                        "passport_issuing_state": STR,
                    }
                ),
                ministries=("mohu", "moi", "mofa"),
            )
        )
    if "application.refused" not in CATALOGUE:
        register(
            EventType(
                "application.refused",
                1,
                "The authorities refused the application (the submitting side's view of a "
                "refusal on security grounds: no reason, list, reviewer or timing detail); its "
                "quota places were given back. The ministries receive `application.rejected`.",
                TRANSITION_PAYLOAD,
                ministries=(),
            )
        )
    if "group.created" not in CATALOGUE:
        register(
            EventType(
                "group.created",
                1,
                "An agent created a group of pilgrims for a season and a company.",
                _object(
                    {
                        "group_id": INT,
                        "agent_id": INT,
                        "company_id": INT,
                        "season_id": INT,
                        "arrival_date": {"type": ["string", "null"], "format": "date"},
                        "departure_date": {"type": ["string", "null"], "format": "date"},
                    }
                ),
                ministries=("mohu",),
            )
        )
    if "manifest.completed" not in CATALOGUE:
        register(
            EventType(
                "manifest.completed",
                1,
                "A manifest import finished: its accepted rows are draft applications.",
                _object(
                    {
                        "job_id": INT,
                        "group_id": INT,
                        "agent_id": INT,
                        "mode": STR,
                        "total_rows": INT,
                        "accepted_rows": INT,
                        "rejected_rows": INT,
                        "finished_at": {"type": "string", "format": "date-time"},
                    }
                ),
                ministries=("mohu",),
            )
        )
    if "manifest.failed" not in CATALOGUE:
        register(
            EventType(
                "manifest.failed",
                1,
                "A manifest import stopped on a file that cannot be read.",
                _object({"job_id": INT, "group_id": INT, "agent_id": INT, "error": NULLABLE_STR}),
                ministries=("mohu",),
            )
        )


_register_all()
