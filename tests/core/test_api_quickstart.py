"""docs/api.md's quick start runs as written against a fresh demo served by gunicorn: a token,
three curl calls, the generated Python client, a webhook verified with `standardwebhooks`
and a visa seal verified offline."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from masar.core.api.contract import repository_root

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```$", re.M | re.S)


def quickstart_script() -> str:
    """The quick start's blocks, in order, as one bash script (Python blocks fed to python3)."""
    text = (repository_root() / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    parts = ["set -euo pipefail"]
    for language, code in BLOCK.findall(section):
        if language == "sh":
            parts.append(code)
        else:
            parts.append(f"python3 - <<'PYTHON_BLOCK'\n{code}PYTHON_BLOCK")
    return "\n".join(parts) + "\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    work = tmp_path_factory.mktemp("demo")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "MASAR_ENV": "development",
        "MASAR_VAR_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work}/demo.sqlite3",
        "DJANGO_SETTINGS_MODULE": "masar.settings.base",
    }
    for command in (["migrate", "--no-input", "-v0"], ["createcachetable"], ["demo-seed"]):
        subprocess.run([str(BIN / "masar"), *command], env=env, check=True, capture_output=True)
    port = _free_port()
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "masar.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/v1/schema/", timeout=5)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        yield {**env, "MASAR_URL": url}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_quick_start_runs_as_written(demo, tmp_path):
    script = quickstart_script()
    assert script.count("python3 - <<'PYTHON_BLOCK'") == 2
    assert "masar token create" in script and "masar visa verify" in script

    run = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=demo, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip

    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert '"username":"moi.gate"' in run.stdout
    assert "moi.gate moi ['integration']" in run.stdout
    assert "['http://127.0.0.1:9009/masar-hook'" in run.stdout
    assert "verified: company.suspended" in run.stdout
    assert "a tampered message is refused" in run.stdout
    assert '"verdict": "valid"' in run.stdout
    assert "warning" not in run.stderr.lower(), run.stderr
