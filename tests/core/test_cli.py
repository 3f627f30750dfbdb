from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys

import pytest

from masar.cli import main, settings_module
from masar.documents import generate_td3


def test_settings_follow_masar_env(monkeypatch):
    monkeypatch.setenv("MASAR_ENV", "production")
    assert settings_module() == "masar.settings.production"
    monkeypatch.setenv("MASAR_ENV", "development")
    assert settings_module() == "masar.settings.base"


def test_masar_mrz_runs_without_django_settings(capsys):
    lines = generate_td3(
        issuing_state="IDN",
        surname="Hasanah",
        given_names="Siti Nur",
        document_number="C1234567",
        nationality="IDN",
        birth_date=dt.date(1980, 2, 3),
        sex="F",
        expiry_date=dt.date(2031, 5, 6),
    )
    assert main(["mrz", "check", *lines]) == 0
    assert '"surname": "HASANAH"' in capsys.readouterr().out
    broken = lines[1][:1] + "7" + lines[1][2:]  # one digit of the passport number
    assert main(["mrz", "check", lines[0], broken]) == 1


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "masar.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_production_requires_a_secret_key(tmp_path):
    env = {"MASAR_ENV": "production", "MASAR_SECRET_KEY": "", "MASAR_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = _run("check", env={**env, "DJANGO_SETTINGS_MODULE": ""})
    assert result.returncode != 0
    assert "MASAR_SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
def test_demo_seed_refuses_production(tmp_path):
    env = {
        "MASAR_ENV": "production",
        "MASAR_SECRET_KEY": secrets.token_urlsafe(50),
        "MASAR_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "DJANGO_SETTINGS_MODULE": "",
    }
    result = _run("demo-seed", env=env)
    assert result.returncode == 2
    assert "refuses to run with production settings" in result.stderr
