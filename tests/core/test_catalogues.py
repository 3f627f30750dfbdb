"""The translation catalogues are complete: every marked string extracted, translated, not
fuzzy, compiled, and translated the same way wherever it appears.

These read the committed catalogues and extract the strings of the code into a copy of the
tree (``masar.core.catalogues``, what ``make messages`` runs); they need gettext's tools.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from masar.core.catalogues import (
    EXTRA_KEYWORDS,
    LANGUAGES,
    SOURCE,
    TRANSLATION_FUNCTIONS,
    Catalogue,
    catalogues,
    catalogues_extract,
    mo_messages,
    po_compiled,
    po_entries,
    source_copy,
)

#: Arabic has six plural forms (zero, one, two, few, many, other).
PLURAL_FORMS = {"ar": 6}

CATALOGUES = [(catalogue, language) for catalogue in catalogues() for language in LANGUAGES]


def _name(catalogue: Catalogue | str) -> str:
    if isinstance(catalogue, str):
        return catalogue
    return str(catalogue.root.relative_to(SOURCE.parent))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source tree copied with empty catalogues, then extracted into."""
    copy = source_copy(into=tmp_path_factory.mktemp("catalogues"))
    catalogues_extract(source=copy)
    return copy


def test_catalogues_are_found() -> None:
    names = {_name(c) for c in catalogues()}
    assert {"masar", "masar/reporting", "masar/compliance", "masar/border"} <= names
    for catalogue, language in CATALOGUES:
        assert catalogue.po(language).is_file(), catalogue.po(language)


@pytest.mark.parametrize(("catalogue", "language"), CATALOGUES, ids=_name)
def test_every_entry_is_translated_and_not_fuzzy(catalogue: Catalogue, language: str) -> None:
    findings = []
    for entry in po_entries(catalogue.po(language)):
        where = f"{entry.msgctxt or ''}|{entry.msgid!r} ({', '.join(entry.references[:2])})"
        if entry.fuzzy:
            findings.append(f"fuzzy: {where}")
        elif not entry.translated:
            findings.append(f"untranslated: {where}")
        elif entry.msgid_plural is not None and len(entry.msgstr) != PLURAL_FORMS[language]:
            findings.append(f"{len(entry.msgstr)} plural forms: {where}")
    assert not findings, "\n".join(findings)


def test_every_marked_string_is_in_the_catalogues(extracted: Path) -> None:
    findings = []
    for fresh in catalogues(extracted):
        committed = Catalogue(root=SOURCE / fresh.root.relative_to(extracted))
        for language in LANGUAGES:
            have = {entry.key for entry in po_entries(committed.po(language))}
            for entry in po_entries(fresh.po(language)):
                if entry.key not in have:
                    findings.append(
                        f"{_name(committed)}: {entry.msgid!r} ({', '.join(entry.references)})"
                    )
    assert not findings, "missing from the catalogues (run make messages):\n" + "\n".join(findings)


def test_the_catalogues_hold_no_string_the_code_no_longer_marks(extracted: Path) -> None:
    findings = []
    for fresh in catalogues(extracted):
        committed = Catalogue(root=SOURCE / fresh.root.relative_to(extracted))
        for language in LANGUAGES:
            marked = {entry.key for entry in po_entries(fresh.po(language))}
            findings += [
                f"{_name(committed)}: {entry.msgid!r}"
                for entry in po_entries(committed.po(language))
                if entry.key not in marked
            ]
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize(("catalogue", "language"), CATALOGUES, ids=_name)
def test_the_compiled_catalogue_is_the_po_file(
    catalogue: Catalogue, language: str, tmp_path: Path
) -> None:
    assert catalogue.mo(language).is_file(), "compile it: make messages"
    assert mo_messages(catalogue.mo(language)) == po_compiled(
        catalogue.po(language), into=tmp_path
    ), f"{catalogue.mo(language)} is stale: make messages"


def test_a_string_reads_the_same_in_every_catalogue() -> None:
    """Django merges all catalogues into one (the project's wins): a string translated two
    ways would show one of them everywhere. A word with two meanings takes a context."""
    seen: dict[tuple[str, str | None, str], dict[str, str]] = defaultdict(dict)
    for catalogue, language in CATALOGUES:
        for entry in po_entries(catalogue.po(language)):
            translation = " | ".join(entry.msgstr[i] for i in sorted(entry.msgstr))
            seen[(language, entry.msgctxt, entry.msgid)][_name(catalogue)] = translation
    findings = [
        f"{msgid!r} (context {context!r}): {where}"
        for (_language, context, msgid), where in seen.items()
        if len(set(where.values())) > 1
    ]
    assert not findings, "\n".join(findings)


def test_strings_are_marked_with_names_xgettext_knows() -> None:
    """``from django.utils.translation import gettext_lazy as _lazy`` hides every string
    marked ``_lazy(...)`` from extraction: only ``_`` or the function's own name, or an alias
    declared in ``EXTRA_KEYWORDS``."""
    findings = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if alias.name not in TRANSLATION_FUNCTIONS or alias.asname is None:
                        continue
                    if alias.asname == "_" or alias.asname in EXTRA_KEYWORDS:
                        continue
                    findings.append(f"{path.relative_to(SOURCE)}:{node.lineno} {alias.asname}")
    assert not findings, "\n".join(findings)
