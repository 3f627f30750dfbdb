"""Writes of the border app: crossings (check and record), the overstay sweep, escape
notices, carrier checks and ports."""

from masar.border.services.carriers import CarrierAnswer, carrier_check
from masar.border.services.crossings import (
    CrossingResult,
    CrossingVerdict,
    border_rules_for,
    crossing_check,
    crossing_record,
    crossings_record_batch,
    refusal_message,
)
from masar.border.services.overstays import (
    OverstaySweepResult,
    escape_notice_file,
    overstay_sweep,
)
from masar.border.services.ports import PORTS, port_assign, ports_load

__all__ = [
    "PORTS",
    "CarrierAnswer",
    "CrossingResult",
    "CrossingVerdict",
    "OverstaySweepResult",
    "border_rules_for",
    "carrier_check",
    "crossing_check",
    "crossing_record",
    "crossings_record_batch",
    "escape_notice_file",
    "overstay_sweep",
    "port_assign",
    "ports_load",
    "refusal_message",
]
