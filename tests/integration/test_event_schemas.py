"""The published JSON Schema of every event type, and the check that emitted events match."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from jsonschema import Draft202012Validator

from masar.integration.catalogue import catalogue_load
from masar.integration.envelope import event_envelope
from masar.integration.event_schemas import payload_problems
from masar.integration.models import OutboxEvent
from masar.integration.services import event_emit, outbox_relay
from masar.operators.services import company_suspend

pytestmark = pytest.mark.django_db


def test_every_type_is_listed_with_the_address_of_its_schema(api):
    response = api(None).get("/api/v1/events/schemas/")

    assert response.status_code == 200
    listed = response.json()["event_types"]
    catalogue = catalogue_load()
    assert [row["type"] for row in listed] == sorted(catalogue)
    suspended = next(row for row in listed if row["type"] == "company.suspended")
    assert suspended == {
        "type": "company.suspended",
        "version": 1,
        "description": catalogue["company.suspended"].description,
        "ministries": ["mohu", "mofa", "moi"],
        "schema_url": "/api/v1/events/schemas/company.suspended/",
    }


def test_each_schema_is_a_valid_json_schema_of_the_whole_message(api):
    for name in catalogue_load():
        response = api(None).get(f"/api/v1/events/schemas/{name}/")
        assert response.status_code == 200, name
        schema = response.json()
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"/api/v1/events/schemas/{name}/"
        assert schema["properties"]["type"]["const"] == name
        assert schema["required"] == [
            "id", "type", "version", "timestamp", "sequence", "subject", "data"
        ]  # fmt: skip


def test_an_unknown_type_is_a_coded_404(api):
    response = api(None).get("/api/v1/events/schemas/company.vanished/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "unknown_event_type",
        "message": "No such event type.",
        "fields": {},
    }


def test_a_delivered_message_validates_against_its_published_schema(
    api, licensing_officer, company
):
    company_suspend(actor=licensing_officer, company=company, reason="overstays above 1%")
    outbox_relay()
    event = OutboxEvent.objects.get(type="company.suspended")
    schema = api(None).get("/api/v1/events/schemas/company.suspended/").json()

    message = json.loads(json.dumps(event_envelope(event)))
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        message
    )
    wrong = {**message, "data": {**message["data"], "company_id": "seven"}}
    assert not Draft202012Validator(schema).is_valid(wrong)


def test_an_event_that_departs_from_its_schema_is_refused_when_emitted(company):
    with pytest.raises(ValueError, match="company_id: 'seven' is not of type 'integer'"):
        with transaction.atomic():
            event_emit(
                type="company.reinstated",
                subject=("operators.company", "1"),
                payload={"company_id": "seven", "reason": "x"},
                organizations=[company.organization],
            )
    assert not OutboxEvent.objects.exists()


def test_payload_problems_name_the_field():
    suspended = catalogue_load()["company.suspended"]
    assert payload_problems(suspended, {"company_id": 1, "reason": "r", "until": None}) == []
    assert payload_problems(suspended, {"company_id": 1, "until": 5}) == [
        "(payload): 'reason' is a required property",
        "until: 5 is not of type 'string', 'null'",
    ]
