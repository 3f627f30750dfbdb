"""Real `masar` processes for the PostgreSQL tests: the test database as a URL a subprocess
can reach (pytest-django's name, with any xdist suffix), the environment of a worker, and a
`masar worker` started on it that polls quickly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[1]
MASAR = Path(sys.executable).with_name("masar")


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(settings_module: str = "masar.settings.test") -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(),
        "MASAR_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }


def worker_start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """`masar worker` with `args` (queue, id, grace), polling every 50 ms, its output in
    `log`."""
    command = [str(MASAR), "worker", "--no-reload", "--no-startup-delay", "--interval", "0.05"]
    return subprocess.Popen(
        [*command, *args], cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
