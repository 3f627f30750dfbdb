"""The event catalogue, its schemas and docs/events.md agree."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from jsonschema import Draft202012Validator

from masar.integration.catalogue import (
    ENVELOPE_SCHEMA,
    EventType,
    catalogue_load,
    register,
    schema_document,
)
from masar.integration.envelope import event_envelope
from masar.integration.eventdoc import events_markdown
from masar.integration.services import event_emit, outbox_relay

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_docs_events_md_is_generated_from_the_catalogue():
    assert DOC.read_text(encoding="utf-8") == events_markdown(), (
        "docs/events.md is out of date: run `masar events doc`"
    )


def test_the_doc_names_every_type_with_its_schema():
    text = events_markdown()
    for name in catalogue_load():
        assert f"\n### {name}\n" in text
        assert f"[`{name}`]" in text


def test_the_check_command_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "events.md"
    stale.write_text("# old\n", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        call_command("events", "doc", "--check", "--output", str(stale), stdout=StringIO())
    call_command("events", "doc", "--output", str(stale), stdout=StringIO())
    assert stale.read_text(encoding="utf-8") == events_markdown()
    out = StringIO()
    call_command("events", "doc", "--check", "--output", str(stale), stdout=out)
    assert "up to date" in out.getvalue()


@pytest.mark.parametrize("name", sorted(catalogue_load()))
def test_every_type_has_a_valid_json_schema_and_valid_examples(name):
    event_type = catalogue_load()[name]
    document = schema_document(event_type)
    Draft202012Validator.check_schema(document)
    assert document["type"] == "object"
    assert event_type.version >= 1
    assert set(event_type.ministries) <= {"mohu", "mofa", "moi"}
    for example in event_type.examples:
        Draft202012Validator(document).validate(example)


def test_registering_a_different_definition_under_a_taken_name_fails():
    existing = catalogue_load()["company.suspended"]
    assert register(existing) is existing  # the same definition again is harmless
    with pytest.raises(ValueError, match="already registered differently"):
        register(EventType("company.suspended", 2, "changed", {"type": "object"}))
    with pytest.raises(ValueError, match="unknown ministries"):
        register(EventType("x.y", 1, "d", {"type": "object"}, ministries=("moh",)))
    assert catalogue_load()["company.suspended"] is existing


@pytest.mark.django_db
def test_emitted_events_match_the_envelope_and_their_schema(licensing_officer, company):
    from masar.operators.services import company_reinstate, company_suspend

    company_suspend(actor=licensing_officer, company=company, reason="overstays")
    company_reinstate(actor=licensing_officer, company=company, reason="cured")
    with transaction.atomic():
        event_emit(
            type="webhook.test",
            subject=("integration.webhooksubscription", "1"),
            payload={"subscription_id": 1, "message": "m", "requested_by": "u"},
        )
    outbox_relay()
    from masar.integration.models import OutboxEvent

    catalogue = catalogue_load()
    for event in OutboxEvent.objects.all():
        envelope = event_envelope(event)
        Draft202012Validator(
            ENVELOPE_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
        ).validate(envelope)
        Draft202012Validator(schema_document(catalogue[event.type])).validate(envelope["data"])
