"""What Masar needs from the operating system, in one place, and a check of it.

Python packages come from the hashed lock file; a few native libraries cannot: WeasyPrint
(every PDF: visas, certificates, weekly reports) loads Pango, HarfBuzz and its subset library
and fontconfig with `dlopen` at import time. A missing one does not fail the install, it
fails the first PDF. `make run` and `make test` run this check first
(`python -m masar.core.system_check`) and stop with one line naming the Debian packages to
install. It imports nothing but the standard library, so it runs before Django is set up.

Chromium is not listed: the browser tests say themselves when it is missing (they are skipped
on a developer's machine and fail in CI, where `.ci/run` installs it).
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Requirement:
    """One thing Masar needs from the system and the Debian package that brings it."""

    name: str
    needed_for: str
    debian_package: str
    present: Callable[[], bool]


def _library(*sonames: str) -> Callable[[], bool]:
    def loads() -> bool:
        for soname in sonames:
            try:
                ctypes.CDLL(soname)
            except OSError:
                continue
            return True
        return False

    return loads


def _some_font() -> bool:
    """fontconfig knows at least one font (Pango falls back to it for glyphs that the
    vendored Noto Naskh Arabic does not cover)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        listed = subprocess.run(  # noqa: S603 - a fixed system command, no input
            [fc_list, ":", "file"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.stdout.strip())


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "libpango-1.0.so.0", "PDF documents", "libpango-1.0-0", _library("libpango-1.0.so.0")
    ),
    Requirement(
        "libpangoft2-1.0.so.0",
        "PDF documents",
        "libpangoft2-1.0-0",
        _library("libpangoft2-1.0.so.0"),
    ),
    Requirement("libharfbuzz.so.0", "PDF documents", "libharfbuzz0b", _library("libharfbuzz.so.0")),
    Requirement(
        "libharfbuzz-subset.so.0",
        "PDF documents (font subsetting)",
        "libharfbuzz-subset0",
        _library("libharfbuzz-subset.so.0"),
    ),
    Requirement(
        "libfontconfig.so.1", "PDF documents", "libfontconfig1", _library("libfontconfig.so.1")
    ),
    Requirement("fc-list and a font", "PDF documents", "fontconfig fonts-dejavu-core", _some_font),
    Requirement(
        "msgfmt and xgettext",
        "translation catalogues (make messages and their tests)",
        "gettext",
        lambda: bool(shutil.which("msgfmt") and shutil.which("xgettext")),
    ),
)


def missing_requirements(
    requirements: tuple[Requirement, ...] = REQUIREMENTS,
) -> list[Requirement]:
    """The requirements this machine lacks, in the order they are listed."""
    return [requirement for requirement in requirements if not requirement.present()]


def debian_packages(missing: list[Requirement]) -> list[str]:
    """The Debian packages that bring what is missing, each once, in order."""
    packages: list[str] = []
    for requirement in missing:
        for package in requirement.debian_package.split():
            if package not in packages:
                packages.append(package)
    return packages


def missing_line(missing: list[Requirement]) -> str:
    """One line naming what is missing and the Debian packages that bring it."""
    names = ", ".join(f"{r.name} ({r.needed_for})" for r in missing)
    packages = debian_packages(missing)
    return (
        f"Masar is missing system libraries: {names}. "
        f"Install them with: apt-get install -y {' '.join(packages)}"
    )


def main(argv: list[str] | None = None) -> int:
    """Exit 1 with one line on stderr when something is missing; `--packages` prints only
    the Debian packages to install (for scripts that may install them) and exits 0."""
    args = sys.argv[1:] if argv is None else argv
    missing = missing_requirements()
    if args == ["--packages"]:
        print(" ".join(debian_packages(missing)))  # noqa: T201 - a command-line check
        return 0
    if missing:
        print(missing_line(missing), file=sys.stderr)  # noqa: T201 - a command-line check
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
