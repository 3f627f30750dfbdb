"""The environment the suite runs in is the lock: `make` installs requirements/dev.lock with
hashes, nothing more and nothing less."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]+))?")


def _pins(lock: Path) -> dict[str, str]:
    """Name -> version of every pin in a lock whose marker holds for this interpreter."""
    pins = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match is None:
            continue
        marker = match["marker"]
        if marker and not Marker(marker.strip()).evaluate():
            continue
        pins[canonicalize_name(match["name"])] = match["version"]
    return pins


def test_every_pin_has_hashes() -> None:
    for lock in (ROOT / "requirements/dev.lock", ROOT / "requirements/prod.lock"):
        text = lock.read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for block in blocks:
            if "==" in block:
                assert "--hash=sha256:" in block, (lock.name, block.splitlines()[0])


def test_the_installed_packages_are_exactly_the_lock() -> None:
    pins = _pins(ROOT / "requirements/dev.lock")
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if canonicalize_name(dist.metadata["Name"]) != "masar"
    }
    assert installed == pins


def test_the_production_lock_agrees_with_the_development_lock() -> None:
    dev = _pins(ROOT / "requirements/dev.lock")
    prod = _pins(ROOT / "requirements/prod.lock")
    assert prod.items() <= dev.items()
    assert {"django", "weasyprint", "psycopg"} <= prod.keys()
    assert "pytest" not in prod
