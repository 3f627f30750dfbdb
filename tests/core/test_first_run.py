"""A new user's first run: `masar migrate` alone is the set-up, the commands say what they
are, the system libraries are named when missing, and nothing answers 500."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from masar.cli import main
from masar.core.system_check import (
    REQUIREMENTS,
    Requirement,
    debian_packages,
    missing_line,
    missing_requirements,
)
from masar.documents import generate_td3

# --- The database cache needs nothing but the migrations ------------------------------------


@pytest.mark.slow
def test_masar_migrate_alone_makes_the_cache_table(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "MASAR_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "masar.settings.base",
    }
    env.pop("MASAR_REDIS_URL", None)
    migrate = subprocess.run(
        [sys.executable, "-m", "masar.cli", "migrate", "--no-input", "-v0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-m",
            "masar.cli",
            "shell",
            "-c",
            "from django.core.cache import cache; cache.set('k', 'v'); print(cache.get('k'))",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().splitlines()[-1] == "v"


# --- System libraries ------------------------------------------------------------------------


def _requirement(name: str, package: str, present: bool) -> Requirement:
    return Requirement(name, "PDF documents", package, lambda: present)


def test_a_missing_library_is_named_with_its_debian_package() -> None:
    listed = (
        _requirement("libpango-1.0.so.0", "libpango-1.0-0", True),
        _requirement("libharfbuzz-subset.so.0", "libharfbuzz-subset0", False),
        _requirement("fc-list and a font", "fontconfig fonts-dejavu-core", False),
    )
    missing = missing_requirements(listed)
    assert [r.name for r in missing] == ["libharfbuzz-subset.so.0", "fc-list and a font"]
    line = missing_line(missing)
    assert "\n" not in line
    assert line.endswith(
        "Install them with: apt-get install -y libharfbuzz-subset0 fontconfig fonts-dejavu-core"
    )


def test_the_check_runs_with_the_standard_library_alone_and_exits_by_its_finding() -> None:
    """`make test` and `make run` call it before the venv exists."""
    src = Path(__file__).resolve().parents[2] / "src"
    done = subprocess.run(
        [sys.executable, "-S", "-m", "masar.core.system_check"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": os.environ.get("PATH", "")},
        timeout=60,
        check=False,
    )
    missing = missing_requirements(REQUIREMENTS)
    assert done.returncode == (1 if missing else 0), done.stderr
    assert done.stderr.strip() == (missing_line(missing) if missing else "")
    packages = subprocess.run(
        [sys.executable, "-S", "-m", "masar.core.system_check", "--packages"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": os.environ.get("PATH", "")},
        timeout=60,
        check=False,
    )
    assert (packages.returncode, packages.stdout.split()) == (0, debian_packages(missing))


# --- The commands say what they are ----------------------------------------------------------


def test_masar_help_lists_its_own_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("worker", "mrz", "visa", "demo_seed", "migrate"):
        assert f"    {command}" in out


@pytest.mark.parametrize(
    ("typed", "usage"),
    [("demo-seed", "usage: masar demo-seed"), ("worker", "usage: masar worker")],
)
def test_a_command_keeps_the_name_it_was_typed_with(
    typed: str, usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([typed, "--help"])
    assert capsys.readouterr().out.startswith(usage)


def _specimen_lines(expiry: dt.date) -> list[str]:
    return generate_td3(
        issuing_state="UTO",
        surname="Eriksson",
        given_names="Anna Maria",
        document_number="L898902C3",
        nationality="UTO",
        birth_date=dt.date(1974, 8, 12),
        sex="F",
        expiry_date=expiry,
    )


def test_mrz_check_names_the_specimen_flag_and_reports_expiry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = _specimen_lines(dt.date(2012, 4, 15))
    assert main(["mrz", "check", *lines, "--today", "2026-12-07"]) == 1
    captured = capsys.readouterr()
    assert "add --allow-specimen" in captured.err
    assert "warning: the document expired on 2012-04-15" in captured.err
    assert '"expired": true' in captured.out

    assert main(["mrz", "check", *lines, "--today", "2026-12-07", "--allow-specimen"]) == 0
    captured = capsys.readouterr()
    assert "--allow-specimen" not in captured.err
    assert '"expired": true' in captured.out

    current = _specimen_lines(dt.date(2031, 4, 15))
    assert main(["mrz", "check", *current, "--today", "2026-12-07", "--allow-specimen"]) == 0
    captured = capsys.readouterr()
    assert (captured.err, '"expired": false' in captured.out) == ("", True)


# --- Output printed once ---------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_seed_prints_each_summary_line_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from masar.demo import seed

    monkeypatch.setattr(seed, "DEMO_STEP_MODULES", ["masar.visas.demo", "masar.reporting.demo"])
    out = io.StringIO()
    call_command("demo_seed", stdout=out)
    lines = out.getvalue().splitlines()
    for prefix in ("organizations:", "users:", "visas:", "reporting:"):
        assert sum(line.startswith(prefix) for line in lines) == 1, (prefix, lines)


def test_a_request_warning_reaches_one_console_handler() -> None:
    """Django's default config gives "django" a console handler of its own; with the root's,
    every "Not Found" of runserver was printed twice."""
    handlers = []
    logger: logging.Logger | None = logging.getLogger("django.request")
    while logger is not None:
        handlers += [h for h in logger.handlers if type(h) is logging.StreamHandler]
        logger = logger.parent if logger.propagate else None
    assert len(handlers) == 1
