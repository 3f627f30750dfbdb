"""Masar's translation catalogues: where they live, how they are extracted and compiled.

One catalogue for the project (``masar/locale``: every app without a catalogue of its own) and
one per app that keeps its own (``masar/<app>/locale``). ``masar messages`` (``make messages``)
extracts every marked string into them with Django's ``makemessages`` (run without settings,
so each root writes into its own ``locale``), then compiles each ``.po`` into its ``.mo``.
The catalogue tests run the same extraction on a copy of the tree and compare.

Strings are marked with the standard names only (``_`` for ``gettext`` or ``gettext_lazy``,
or the function's own name: ``gettext_lazy``, ``ngettext``, ``pgettext_lazy`` ...), which
``xgettext`` knows. An alias it does not know must be declared in ``EXTRA_KEYWORDS``.
"""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess  # noqa: S404 - gettext's own tools, fixed arguments
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import masar

SOURCE = Path(masar.__file__).resolve().parent
LANGUAGES = ("ar",)
DOMAIN = "django"
#: Translation functions of ``django.utils.translation`` and the names xgettext finds them by.
TRANSLATION_FUNCTIONS = frozenset(
    {
        "gettext",
        "gettext_lazy",
        "gettext_noop",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
    }
)
#: Aliases xgettext would not find on its own, passed to ``makemessages --keyword``; the
#: code uses none today (keep it that way: an alias serves nothing).
EXTRA_KEYWORDS: tuple[str, ...] = ()
#: Directories that hold no marked strings.
SKIPPED_DIRS = ("static", "data", "migrations", "__pycache__")


@dataclass(frozen=True)
class Catalogue:
    """One ``locale`` directory and the source tree it translates."""

    root: Path
    ignore: tuple[str, ...] = ()

    @property
    def locale_dir(self) -> Path:
        return self.root / "locale"

    def po(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"

    def mo(self, language: str) -> Path:
        return self.po(language).with_suffix(".mo")


def catalogues(source: Path = SOURCE) -> list[Catalogue]:
    """The project catalogue first, then every app that keeps its own."""
    apps = sorted(
        path.parent.name
        for path in source.glob("*/locale")
        if path.is_dir() and path.parent != source
    )
    project = Catalogue(root=source, ignore=tuple(apps))
    return [project, *(Catalogue(root=source / app) for app in apps)]


def catalogues_extract(*, source: Path = SOURCE, languages: tuple[str, ...] = LANGUAGES) -> None:
    """Extract every marked string into the catalogues under ``source`` (merging with what
    is translated already; entries the code no longer marks are dropped)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    for catalogue in catalogues(source):
        command = [
            sys.executable,
            "-P",  # not the app's directory on the path: its selectors.py is no stdlib module
            "-m",
            "django",
            "makemessages",
            "--no-obsolete",
            "--add-location=file",
            "--no-wrap",
            "--verbosity=0",
            *(f"--locale={language}" for language in languages),
            *(f"--keyword={keyword}" for keyword in EXTRA_KEYWORDS),
            *(f"--ignore={name}" for name in (*catalogue.ignore, *SKIPPED_DIRS)),
        ]
        subprocess.run(command, cwd=catalogue.root, env=env, check=True)  # noqa: S603


def catalogues_compile(*, source: Path = SOURCE, languages: tuple[str, ...] = LANGUAGES) -> None:
    """Compile every ``.po`` into its ``.mo`` (checking format strings)."""
    for catalogue in catalogues(source):
        for language in languages:
            po, mo = catalogue.po(language), catalogue.mo(language)
            subprocess.run(  # noqa: S603
                ["msgfmt", "--check-format", "--output-file", str(mo), str(po)],  # noqa: S607
                check=True,
            )


def source_copy(*, source: Path = SOURCE, into: Path) -> Path:
    """A copy of the source tree with empty catalogues: extraction into it gives exactly the
    strings the code marks today."""
    target = into / "masar"
    shutil.copytree(
        source,
        target,
        ignore=shutil.ignore_patterns(*SKIPPED_DIRS, "*.po", "*.mo", "*.pyc"),
    )
    return target


# -- reading catalogues -------------------------------------------------------------------


@dataclass
class Entry:
    """One message of a ``.po`` file."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(text: str) -> str:
    value = ast.literal_eval(text.strip())
    if not isinstance(value, str):
        raise ValueError(text)
    return value


def po_entries(path: Path) -> Iterator[Entry]:
    """The live messages of a ``.po`` file (not the header, not obsolete ``#~`` ones)."""
    entry = Entry()
    target: tuple[str, int] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        keyword, _space, rest = line.partition(" ")
        starts = line.startswith("#") or keyword in {"msgctxt", "msgid"}
        if starts and entry.msgstr:
            # A comment or a new msgid after a msgstr: the previous message is complete.
            if entry.msgid:
                yield entry
            entry, target = Entry(), None
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if target is None:
                continue
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + _unquote(line))
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        elif keyword in {"msgctxt", "msgid", "msgid_plural"}:
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, 0)
    if entry.msgid:
        yield entry


def mo_messages(path: Path) -> dict[object, str]:
    """What a compiled catalogue says (gettext's own reader), header left out."""
    with path.open("rb") as stream:
        translations = gettext.GNUTranslations(stream)
    catalog: dict[object, str] = dict(translations._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)
    return catalog


def po_compiled(po: Path, *, into: Path) -> dict[object, str]:
    """What ``po`` compiles to now (to compare with the committed ``.mo``)."""
    mo = into / "compiled.mo"
    subprocess.run(  # noqa: S603
        ["msgfmt", "--output-file", str(mo), str(po)],  # noqa: S607
        check=True,
    )
    return mo_messages(mo)
