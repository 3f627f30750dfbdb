"""The error summary at the top of a failed form (the GOV.UK pattern): one line per
problem, each a link to the field it is about, so that the keyboard and the screen reader
reach the field in one step. The form itself keeps every value that was submitted."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from masar.core.errors import MasarError

#: (id of the field the line links to, or "" for a problem of the whole form; message)
SummaryLine = tuple[str, str]


def summary_of_error(exc: MasarError, field_ids: Mapping[str, str]) -> list[SummaryLine]:
    """The lines for a domain error: one per field message (linked to the field whose
    name it carries, when the page has it), or the error's own message alone."""
    lines: list[SummaryLine] = []
    for name, problems in exc.fields.items():
        for problem in problems:
            message = problem.get("message", "") if isinstance(problem, dict) else problem
            lines.append((field_ids.get(name, ""), str(message)))
    return lines or [("", str(exc.message))]


def summary_of_form(form: forms.BaseForm) -> list[SummaryLine]:
    """The lines for a bound form's errors, in the order of its fields."""
    lines: list[SummaryLine] = [("", str(message)) for message in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            lines.append((field.id_for_label or "", f"{field.label}: {message}"))
    return lines
