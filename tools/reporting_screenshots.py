"""Write the two dashboard screenshots of the docs (docs/screenshots/dashboard-*.png):
the ministry of Hajj and Umrah's season dashboard in Arabic and a company's dashboard in
English, both from the demonstration season, by running the reporting browser test with
MASAR_SCREENSHOTS set. Run it when the dashboards change, not on every test run:

    .venv/bin/python tools/reporting_screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    env = dict(os.environ, MASAR_SCREENSHOTS=str(ROOT / "docs" / "screenshots"))
    return subprocess.call(  # noqa: S603 - this interpreter, our own test file
        [
            sys.executable,
            "-m",
            "pytest",
            str(ROOT / "tests" / "browser" / "test_reporting_dashboards.py"),
            "-q",
            "-p",
            "no:xdist",
        ],
        cwd=ROOT,
        env=env,
    )


if __name__ == "__main__":
    raise SystemExit(main())
