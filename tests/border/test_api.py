"""The border API: crossings (one or a batch), the journey, carrier checks, overstays and
escape notices, each with its cross-organization test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from masar.border.models import CarrierCheck, Crossing, EscapeNotice, Overstay
from masar.border.services import crossings_record_batch, overstay_sweep
from masar.core.dates import riyadh_today
from masar.visas.models import Visa
from tests.border.conftest import crossing

pytestmark = pytest.mark.django_db


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def test_gate_posts_a_batch_and_gets_an_answer_per_event(
    api: Any, gate: Any, visa_for: Any, ports: Any, now: Any
) -> None:
    visa = visa_for()
    body = {
        "events": [
            {**crossing(visa, "exit", now, cid="g-2"), "occurred_at": _iso(now)},
            {
                **crossing(visa, "entry", now - dt.timedelta(hours=3), cid="g-1"),
                "occurred_at": _iso(now - dt.timedelta(hours=3)),
            },
        ]
    }
    response = api(gate).post("/api/v1/crossings/", body, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["client_event_id"], r["outcome"], r["created"]) for r in results] == [
        ("g-2", "accepted", True),
        ("g-1", "accepted", True),
    ]
    assert results[1]["stay"]["entry_port"] == "JED"
    assert results[0]["stay"]["days_stayed"] == results[1]["stay"]["days_stayed"]
    again = api(gate).post("/api/v1/crossings/", body, format="json").json()["results"]
    assert [r["created"] for r in again] == [False, False]
    assert Crossing.objects.count() == 2


def test_one_event_without_the_batch_envelope(
    api: Any, gate: Any, visa_for: Any, ports: Any, now: Any
) -> None:
    visa = visa_for()
    body = {**crossing(visa, "entry", now, cid="solo"), "occurred_at": _iso(now)}
    response = api(gate).post("/api/v1/crossings/", body, format="json")
    assert response.status_code == 200
    assert response.json()["results"][0]["outcome"] == "accepted"


def test_bad_events_answer_400_with_fields_and_store_nothing(
    api: Any, gate: Any, ports: Any, now: Any
) -> None:
    body = {"events": [{"client_event_id": "b1", "port_code": "JED", "direction": "sideways"}]}
    response = api(gate).post("/api/v1/crossings/", body, format="json")
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "invalid_crossing"
    assert set(payload["fields"]) == {"events.0.direction", "events.0.occurred_at"}
    assert Crossing.objects.count() == 0


def test_company_staff_may_not_post_crossings(
    api: Any, company_staff: Any, visa_for: Any, ports: Any, now: Any
) -> None:
    visa = visa_for()
    body = {**crossing(visa, "entry", now), "occurred_at": _iso(now)}
    response = api(company_staff).post("/api/v1/crossings/", body, format="json")
    assert response.status_code == 403
    assert Crossing.objects.count() == 0


def test_journey_by_number_or_id_scoped_to_the_company(
    api: Any,
    gate: Any,
    visa_for: Any,
    ports: Any,
    now: Any,
    company_staff: Any,
    other_company_staff: Any,
    other_agent_staff: Any,
    border_officer: Any,
) -> None:
    visa = visa_for()
    crossings_record_batch(actor=gate, events=[crossing(visa, "entry", now)])
    app = visa.application
    mine = api(company_staff).get(f"/api/v1/pilgrims/{app.number}/journey/")
    assert mine.status_code == 200
    data = mine.json()
    assert data["status"] == "entered"
    names = [item["name"] for item in data["timeline"]]
    for step in ("submit", "company_approve", "approve", "issue", "enter"):
        assert step in names
    assert "entry" in names
    assert api(border_officer).get(f"/api/v1/pilgrims/{app.pk}/journey/").status_code == 200
    for outsider in (other_company_staff, other_agent_staff):
        response = api(outsider).get(f"/api/v1/pilgrims/{app.number}/journey/")
        assert response.status_code == 404
        assert response.json()["code"] == "pilgrim_not_found"


def test_carrier_check_answers_ok_or_not_ok_with_a_code_only(
    api: Any, carrier_staff: Any, visa_for: Any, ports: Any
) -> None:
    visa = visa_for()
    pilgrim = visa.application.pilgrim
    ok = api(carrier_staff).post(
        "/api/v1/carrier-checks/",
        {
            "passport_number": pilgrim.passport_number,
            "nationality": pilgrim.nationality,
            "flight": "SV817",
        },
        format="json",
    )
    assert ok.status_code == 200
    assert {k: v for k, v in ok.json().items() if k != "check_id"} == {
        "result": "ok",
        "code": "ok",
    }
    unknown = api(carrier_staff).post(
        "/api/v1/carrier-checks/",
        {"passport_number": "Q9999999", "nationality": "EGY", "flight": "SV817"},
        format="json",
    )
    assert {k: v for k, v in unknown.json().items() if k != "check_id"} == {
        "result": "not_ok",
        "code": "no_valid_visa",
    }
    checks = list(CarrierCheck.objects.order_by("pk"))
    assert [c.result for c in checks] == ["ok", "not_ok"]
    assert all(pilgrim.passport_number not in c.passport_digest for c in checks)


def test_carrier_check_refused_to_others_and_nothing_logged(
    api: Any, company_staff: Any, border_officer: Any
) -> None:
    body = {"passport_number": "Q1", "nationality": "EGY", "flight": "SV1"}
    for user in (company_staff, border_officer):
        assert api(user).post("/api/v1/carrier-checks/", body, format="json").status_code == 403
    assert CarrierCheck.objects.count() == 0


@pytest.fixture
def overstay(visa_for: Any, gate: Any, ports: Any) -> Overstay:
    visa = visa_for(days_ago=20)
    Visa.objects.filter(pk=visa.pk).update(stay_days=3)
    visa.refresh_from_db()
    entered = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    crossings_record_batch(actor=gate, events=[crossing(visa, "entry", entered)])
    assert overstay_sweep(as_of=riyadh_today()).detected == 1
    return Overstay.objects.get()


def test_overstays_list_is_scoped(
    api: Any,
    overstay: Overstay,
    company_staff: Any,
    agent_staff: Any,
    other_company_staff: Any,
    border_officer: Any,
) -> None:
    for user in (company_staff, agent_staff, border_officer):
        rows = api(user).get("/api/v1/overstays/").json()["results"]
        assert [r["id"] for r in rows] == [overstay.pk]
        assert rows[0]["status"] == "open"
    assert api(other_company_staff).get("/api/v1/overstays/").json()["results"] == []


def test_company_files_an_escape_notice_through_the_api(
    api: Any, overstay: Overstay, company_staff: Any, other_company_staff: Any, agent_staff: Any
) -> None:
    url = f"/api/v1/overstays/{overstay.pk}/escape-notice/"

    def body() -> dict[str, Any]:
        return {
            "statement": "Absent from the hotel since Tuesday.",
            "evidence": SimpleUploadedFile("report.pdf", b"%PDF-1.4", "application/pdf"),
        }

    assert api(other_company_staff).post(url, body(), format="multipart").status_code == 404
    assert api(agent_staff).post(url, body(), format="multipart").status_code == 403
    assert EscapeNotice.objects.count() == 0
    response = api(company_staff).post(url, body(), format="multipart")
    assert response.status_code == 201
    assert response.json()["late"] is False
    again = api(company_staff).post(url, body(), format="multipart")
    assert again.status_code == 409
    assert again.json()["code"] == "escape_notice_already_filed"
    missing = api(company_staff).post(url, {"statement": "x"}, format="multipart")
    assert missing.status_code in (400, 409)
