"""The weekly season report: bilingual PDF figures, the command and the scheduled task."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masar.reporting.models import WeeklyReport
from masar.reporting.services import indicators_refresh
from masar.reporting.services.weekly import season_week, weekly_figures, weekly_reports_due

pytestmark = pytest.mark.django_db

if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    import pypdfium2 as pdfium
else:
    pdfium = pytest.importorskip("pypdfium2", reason="pip install pypdfium2 (dev dependency)")


def test_the_weeks_figures(recorded):
    season = recorded["season"]
    indicators_refresh(season=season)

    figures = weekly_figures(season, season_week(season, 5))

    assert figures["week"]["issued"] == 3
    assert figures["arrivals"] == 3
    assert [(p["key"], p["entries"]) for p in figures["port_types"]] == [("air", 2), ("land", 1)]
    assert [(c["key"], c["ar"], c["count"]) for c in figures["cities"]] == [
        ("Al-Qurayyat", "القريات", 1),
        ("Madinah", "المدينة المنورة", 1),
    ]
    assert [(n["key"], n["issued"]) for n in figures["nationalities"]] == [("IDN", 2), ("EGY", 1)]
    assert figures["in_country"] == 2


def test_the_command_writes_a_bilingual_pdf(recorded, media, tmp_path):
    out = io.StringIO()
    target = tmp_path / "week5.pdf"

    call_command(
        "report",
        "weekly",
        "--season",
        "umrah-test",
        "--week",
        "5",
        "--output",
        str(target),
        stdout=out,
    )

    assert "week 5 of umrah-test (2026-02-27 to 2026-03-05)" in out.getvalue()
    document = pdfium.PdfDocument(target.read_bytes())
    assert len(document) == 2
    arabic = document[0].get_textpage().get_text_range()
    english = document[1].get_textpage().get_text_range()
    assert "Weekly season report" in english
    for line in ["Air 2", "Land 1", "Al-Qurayyat 1", "Madinah 1", "IDN 2 2", "EGY 1 1", "75.0%"]:
        assert line in english.splitlines()
    # The Arabic page: shaped glyphs do not extract as text, the figures do.
    assert "IDN 2 2" in arabic.splitlines()[-1] or "2 2 IDN" in arabic


def test_the_command_refuses_an_unknown_season_or_week(recorded, media):
    with pytest.raises(CommandError):
        call_command("report", "weekly", "--season", "nope", "--week", "1")
    with pytest.raises(CommandError):
        call_command("report", "weekly", "--season", "umrah-test", "--week", "0")
    assert not WeeklyReport.objects.exists()


def test_the_scheduled_task_generates_the_last_completed_week_once(recorded, media):
    today = recorded["season"].starts_on + dt.timedelta(days=36)  # in week 6

    first = weekly_reports_due(today=today)
    second = weekly_reports_due(today=today)

    assert first == ["umrah-test:5"]
    assert second == []
    assert WeeklyReport.objects.get().week == 5


def test_regenerating_a_week_replaces_its_file(recorded, media):
    call_command("report", "weekly", "--season", "umrah-test", "--week", "5", stdout=io.StringIO())
    call_command("report", "weekly", "--season", "umrah-test", "--week", "5", stdout=io.StringIO())

    assert WeeklyReport.objects.count() == 1


def test_the_refresh_command(recorded):
    out = io.StringIO()

    call_command("report", "refresh", "--season", "umrah-test", stdout=out)

    assert out.getvalue().startswith("umrah-test: ")


def test_the_periodic_jobs_are_scheduled(recorded, media):
    from masar.core.schedule import SCHEDULE
    from masar.reporting import periodic

    assert {"reporting.refresh", "reporting.weekly"} <= set(SCHEDULE)
    assert periodic.refresh_job()["seasons"] == [recorded["season"].pk]
    # The season is over but still open: its last week is reported, once.
    assert periodic.weekly_job() == {"generated": ["umrah-test:22"]}
    assert periodic.weekly_job() == {"generated": []}


def test_the_arabic_page_keeps_each_day_with_its_parentheses(recorded, media, tmp_path):
    """The Gregorian days of the Arabic half are isolated left to right with their
    parentheses: "(2026-02-27)", never "-02-2026)" and "(27"."""
    target = tmp_path / "week5.pdf"
    call_command(
        "report", "weekly", "--season", "umrah-test", "--week", "5", "--output", str(target),
        stdout=io.StringIO(),
    )  # fmt: skip
    arabic = pdfium.PdfDocument(target.read_bytes())[0].get_textpage().get_text_range()
    assert "(2026-02-27)" in arabic and "(2026-03-05)" in arabic, arabic[:400]
