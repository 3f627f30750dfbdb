"""Structured logs: one JSON line per record with the request id and the request's context,
and no personal data: the whole log output of a run of API calls that carry passports and
names (creating, submitting, refusing, screening, looking up) holds none of them."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.db import IntegrityError

from masar.core.logs import JsonFormatter, RequestContextFilter, withhold_values
from tests.applications import conftest as applications_fixtures
from tests.applications.factories import pilgrim_values
from tests.screening.factories import make_watchlist

season = applications_fixtures.season
quotas = applications_fixtures.quotas
group = applications_fixtures.group
_media = applications_fixtures._media

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output() -> Iterator[StringIO]:
    """Everything logged at any level, formatted as production formats it."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_an_api_call_writes_one_json_access_line_with_its_request_id(
    api: Any, agent_staff: Any, log_output: StringIO
) -> None:
    response = api(agent_staff).get("/api/v1/groups/", HTTP_X_REQUEST_ID="req-77")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-77"
    access = [line for line in lines(log_output) if line["logger"] == "masar.request"]
    assert len(access) == 1
    line = access[0]
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "route",
        "status",
        "duration_ms",
        "user_id",
        "organization_id",
    }
    assert (line["level"], line["message"], line["request_id"]) == (
        "INFO",
        "GET /api/v1/groups/ 200",
        "req-77",
    )
    assert (line["method"], line["route"], line["status"]) == ("GET", "/api/v1/groups/", 200)
    assert (line["user_id"], line["organization_id"]) == (
        agent_staff.pk,
        agent_staff.organization_id,
    )
    assert line["time"].endswith("+00:00") and line["duration_ms"] >= 0


def test_a_request_without_an_id_gets_one_and_logs_it(
    api: Any, agent_staff: Any, log_output: StringIO
) -> None:
    response = api(None).get("/api/v1/groups/")
    assert response.status_code == 401
    (line,) = [line for line in lines(log_output) if line["logger"] == "masar.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert (line["status"], line["user_id"], line["organization_id"]) == (401, None, None)


def test_probes_are_not_logged(client: Any, log_output: StringIO) -> None:
    assert client.get("/healthz").status_code == 200
    assert [line for line in lines(log_output) if line["logger"] == "masar.request"] == []


def test_constraint_details_are_withheld_from_logged_exceptions(log_output: StringIO) -> None:
    detail = (
        'duplicate key value violates unique constraint "application_active_passport"\n'
        "DETAIL:  Key (active_passport)=(IDN:B7654321) already exists."
    )
    assert withhold_values(detail).endswith("Key (active_passport)=(…) already exists.")
    try:
        raise IntegrityError(detail)
    except IntegrityError:
        logging.getLogger("django.request").exception("Internal Server Error: /api/v1/x/")
    (line,) = lines(log_output)
    assert "B7654321" not in json.dumps(line, ensure_ascii=False)
    assert "Key (active_passport)=(…)" in line["exception"]


def test_no_passport_number_or_name_reaches_the_logs(
    api: Any,
    agent_staff: Any,
    company_staff: Any,
    security_analyst: Any,
    visa_officer: Any,
    group: Any,
    log_output: StringIO,
) -> None:
    people = [pilgrim_values(), pilgrim_values(surname="Wibowo", given_names="Agus Budi")]
    agent = api(agent_staff)
    created = []
    for person in people:
        body = {
            "group_id": group.pk,
            "mrz": person["mrz"],
            "passport_issue_date": person["passport_issue_date"].isoformat(),
            "native_name": person["native_name"],
            "vaccine_type": "conjugate",
            "vaccine_date": person["vaccine_date"].isoformat(),
        }
        response = agent.post("/api/v1/applications/", body, format="json")
        assert response.status_code == 201, response.json()
        created.append(response.json()["id"])
        # The same passport again: refused, and the refusal is logged.
        again = agent.post("/api/v1/applications/", body, format="json")
        assert again.status_code in {400, 409}
    refused = agent.post(
        "/api/v1/applications/",
        {"group_id": group.pk, "mrz": "P<IDNRAHMAN<<SITI", "passport_number": "Q99887766"},
        format="json",
    )
    assert refused.status_code == 400
    for application_id in created:
        response = agent.post(f"/api/v1/applications/{application_id}/submit/", format="json")
        assert response.status_code == 200, response.json()
        response = api(company_staff).post(
            f"/api/v1/applications/{application_id}/approve/", format="json"
        )
        assert response.status_code == 200, response.json()
        assert agent.get(f"/api/v1/applications/{application_id}/").status_code == 200
    assert (
        agent.get("/api/v1/applications/", {"search": people[0]["passport_number"]}).status_code
        == 200
    )
    make_watchlist([{"id": "W-1", "name": "Siti Nur Rahman", "birth_date": "1985-03-14"}])
    match = api(security_analyst).post(
        "/api/v1/screening/match/",
        {"name": "Siti Nur Rahman", "birth_date": "1985-03-14", "nationality": "ID"},
        format="json",
    )
    assert match.status_code == 200, match.json()
    assert (
        api(visa_officer).get(f"/api/v1/visas/{people[1]['passport_number']}/").status_code == 404
    )

    output = log_output.getvalue()
    access = [line for line in lines(log_output) if line["logger"] == "masar.request"]
    assert len(access) == 14
    (not_found,) = [line for line in lines(log_output) if line["logger"] == "django.request"][-1:]
    assert not_found["message"] == "Not Found: /api/v1/visas/<str:number>/"
    assert (not_found["request_id"], not_found["status"]) == (access[-1]["request_id"], 404)
    assert {line["status"] for line in access} >= {200, 201, 400, 404}
    secrets = {"Q99887766", "RAHMAN", "Rahman", "Siti", "SITI", "Wibowo", "WIBOWO", "سيتي"}
    for person in people:
        secrets |= {person["passport_number"], person["surname"], person["given_names"]}
    assert [secret for secret in sorted(secrets) if secret in output] == []


def test_django_security_records_name_the_route_not_the_path(log_output: StringIO) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/visas/P7654321/", {})
    assert response.status_code == 403
    (refusal,) = [line for line in lines(log_output) if line["logger"] == "django.security.csrf"]
    assert refusal["message"] == "Forbidden (CSRF cookie not set.): /visas/<str:number>/"
    assert refusal["route"] == "/visas/<str:number>/"
    assert "P7654321" not in log_output.getvalue()
