"""Writes of the reporting app: the maintained aggregates, the paper baseline, the weekly
report."""

from masar.reporting.services.baseline import paper_baseline_for, paper_baseline_update
from masar.reporting.services.indicators import indicators_refresh, indicators_refresh_recent
from masar.reporting.services.weekly import weekly_report_generate

__all__ = [
    "indicators_refresh",
    "indicators_refresh_recent",
    "paper_baseline_for",
    "paper_baseline_update",
    "weekly_report_generate",
]
