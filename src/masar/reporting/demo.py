"""Demo data of the reporting app (runs last, after the border step): the indicators of
every demo season computed from what the other steps recorded, the paper-process baseline
with its defaults, and the weekly report of the current week of the open season."""

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from masar.reporting.services import (
    indicators_refresh,
    paper_baseline_for,
    weekly_report_generate,
)
from masar.reporting.services.weekly import season_week_exists
from masar.seasons.models import Season


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any) -> list[str]:
    rows = 0
    for each in Season.objects.order_by("pk"):
        result = indicators_refresh(season=each)
        rows += result.count_rows + result.duration_rows
    paper_baseline_for(season)
    today = timezone.localdate()
    week = (today - season.starts_on).days // 7 + 1
    report = ""
    if week >= 1 and season_week_exists(season, week):
        weekly = weekly_report_generate(season=season, week=week)
        report = f", weekly report of week {weekly.week}"
    line = f"reporting: {rows} indicator rows computed{report}"
    return [line]
