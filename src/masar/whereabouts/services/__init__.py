"""Writes of the whereabouts app: the sweep and the company's answer."""

from masar.whereabouts.services.answers import alert_answer, can_answer
from masar.whereabouts.services.sweep import SweepResult, whereabouts_sweep

__all__ = ["SweepResult", "alert_answer", "can_answer", "whereabouts_sweep"]
