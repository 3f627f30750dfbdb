"""Event types of the compliance app, registered in the integration catalogue."""

from __future__ import annotations

from masar.integration.catalogue import (
    DATE,
    DATETIME,
    INT,
    NULLABLE_STR,
    STR,
    EventType,
    _object,
    register,
)

NULLABLE_INT = {"type": ["integer", "null"]}
MONEY = {"type": "string", "description": "Saudi riyals, decimal string"}

TYPES = [
    EventType(
        "violation.raised",
        1,
        "A violation was raised against a company (and its agent when the season's schedule "
        "charges it): automatically from an overstay or an escape notice, or by an inspector.",
        _object(
            {
                "violation_id": INT,
                "number": STR,
                "violation_type": STR,
                "source": STR,
                "company_id": INT,
                "agent_id": NULLABLE_INT,
                "season_id": INT,
                "overstay_id": NULLABLE_INT,
                "fine_sar": MONEY,
                "points": INT,
                "occurred_on": DATE,
            }
        ),
    ),
    EventType(
        "violation.changed",
        1,
        "An appeal decision changed a violation: `status` is upheld, reduced or cancelled; "
        "`fine_sar` and `points` are what now counts.",
        _object(
            {
                "violation_id": INT,
                "number": STR,
                "company_id": INT,
                "status": STR,
                "fine_sar": MONEY,
                "points": INT,
            }
        ),
    ),
    EventType(
        "penalty.imposed",
        1,
        "A step of the compliance ladder was taken against a company (investigation, "
        "warning, quota_cut, suspension, cancellation) or an agent (agent_bar).",
        _object(
            {
                "penalty_id": INT,
                "step": STR,
                "company_id": INT,
                "agent_id": NULLABLE_INT,
                "season_id": INT,
                "starts_on": DATE,
                "ends_on": {"type": ["string", "null"], "format": "date"},
                "overstay_rate_pct": STR,
                "points": INT,
            }
        ),
    ),
    EventType(
        "penalty.lifted",
        1,
        "A penalty ended: its period passed, its trigger no longer holds, a reviewer "
        "cancelled it on appeal (`status` cancelled) or ministry staff lifted it.",
        _object(
            {
                "penalty_id": INT,
                "step": STR,
                "company_id": INT,
                "agent_id": NULLABLE_INT,
                "status": STR,
                "reason": STR,
            }
        ),
    ),
    EventType(
        "notice.issued",
        1,
        "A written compliance notice was issued to a company.",
        _object({"notice_id": INT, "company_id": INT, "kind": STR, "subject": STR}),
        ministries=("mohu",),
    ),
    EventType(
        "invoice.issued",
        1,
        "A fine was invoiced to a company or its agent.",
        _object(
            {
                "invoice_id": INT,
                "number": STR,
                "violation_id": INT,
                "company_id": INT,
                "agent_id": NULLABLE_INT,
                "payer": STR,
                "amount_sar": MONEY,
                "due_on": DATE,
            }
        ),
        ministries=("mohu",),
    ),
    EventType(
        "invoice.paid",
        1,
        "A payment was recorded against a fine: by transfer, or drawn from the company's "
        "bank guarantee (`method` guarantee).",
        _object(
            {
                "invoice_id": INT,
                "number": STR,
                "company_id": INT,
                "amount_sar": MONEY,
                "method": STR,
                "paid_sar": MONEY,
                "status": STR,
                "paid_at": DATETIME,
            }
        ),
        ministries=("mohu",),
    ),
    EventType(
        "guarantee.changed",
        1,
        "A company's bank guarantee balance changed: `draw` for an unpaid fine past due, "
        "`restore` when a fine so drawn was cancelled on appeal.",
        _object(
            {
                "company_id": INT,
                "kind": STR,
                "amount_sar": MONEY,
                "balance_sar": MONEY,
                "invoice_id": NULLABLE_INT,
            }
        ),
        ministries=("mohu",),
    ),
    EventType(
        "appeal.filed",
        1,
        "A company appealed a violation or a penalty.",
        _object(
            {
                "appeal_id": INT,
                "company_id": INT,
                "violation_id": NULLABLE_INT,
                "penalty_id": NULLABLE_INT,
            }
        ),
        ministries=("mohu",),
    ),
    EventType(
        "appeal.decided",
        1,
        "A ministry reviewer decided an appeal: upheld, reduced or cancelled.",
        _object(
            {
                "appeal_id": INT,
                "company_id": INT,
                "violation_id": NULLABLE_INT,
                "penalty_id": NULLABLE_INT,
                "decision": STR,
                "reason": STR,
            }
        ),
        ministries=("mohu",),
    ),
    EventType(
        "rating.computed",
        1,
        "A company's quarterly rating: compliance, satisfaction, overall, and its class "
        "before and after.",
        _object(
            {
                "rating_id": INT,
                "company_id": INT,
                "season_id": INT,
                "year": INT,
                "quarter": INT,
                "compliance_pct": STR,
                "satisfaction_pct": NULLABLE_STR,
                "rating_pct": STR,
                "class_before": STR,
                "class_after": STR,
            }
        ),
        ministries=("mohu",),
    ),
    EventType(
        "compliance_rules.updated",
        1,
        "Ministry staff changed a season's compliance settings or penalty schedule.",
        _object({"season_id": INT, "changes": {"type": "object"}}),
        ministries=("mohu",),
    ),
]

for _type in TYPES:
    register(_type)
