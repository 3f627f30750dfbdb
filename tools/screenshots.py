"""Take the screenshots used in README and docs from a running demo server.

    .venv/bin/masar runserver 127.0.0.1:8000 &   # a demo database (make run)
    .venv/bin/python tools/screenshots.py [--base http://127.0.0.1:8000]

Each entry signs in as a demo user, opens a page in a language and saves a PNG under
docs/screenshots/. Uses Debian's chromium through Playwright.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

SHOTS = [
    # (file, user, language, path)
    ("home-company-ar.png", "company1.staff", "ar", "/"),
    ("home-ministry-en.png", "hajj.licensing", "en", "/"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--password", default=os.environ.get("MASAR_DEMO_PASSWORD", "masar-demo"))
    parser.add_argument("--only", default="", help="comma-separated file names")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    wanted = {name for name in args.only.split(",") if name}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for name, user, language, path in SHOTS:
            if wanted and name not in wanted:
                continue
            context = browser.new_context(
                base_url=args.base, viewport={"width": 1280, "height": 900}
            )
            context.add_cookies([{"name": "django_language", "value": language, "url": args.base}])
            page = context.new_page()
            page.goto("/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", args.password)
            page.click("button[type=submit].primary")
            page.wait_for_load_state("networkidle")
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / name), full_page=False)
            print(f"saved {out / name}")  # noqa: T201
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
