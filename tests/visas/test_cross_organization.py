"""Every visas endpoint against organizations that must not read or change: another
company, another agent, the wrong ministry. Refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from masar.applications.models import Application
from masar.visas.models import IssuanceJob, Visa

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("company_staff", 200),
        ("agent_staff", 200),
        ("border_officer", 200),
        ("visa_officer", 200),
        ("other_company_staff", 404),
        ("other_agent_staff", 404),
    ],
)
def test_who_reads_a_visa(api: Any, issued: Any, request: Any, who: str, status: int) -> None:
    visa = issued()
    client = api(request.getfixturevalue(who))
    for suffix in ("", "seal/", "qr.svg"):
        response = client.get(f"/api/v1/visas/{visa.number}/{suffix}")
        assert response.status_code == status, (suffix, response.content)
    listing = client.get("/api/v1/visas/").json()["results"]
    assert [row["number"] for row in listing] == ([visa.number] if status == 200 else [])


@pytest.mark.parametrize(
    "who", ["company_staff", "agent_staff", "other_company_staff", "security_analyst"]
)
def test_nobody_but_visa_officers_decides(
    api: Any, in_decision: Any, request: Any, who: str
) -> None:
    app = in_decision()
    client = api(request.getfixturevalue(who))
    assert client.get("/api/v1/visas/decisions/").status_code == 403
    one = client.post(f"/api/v1/visas/decisions/{app.pk}/", {"decision": "approve"}, format="json")
    assert (one.status_code, one.json()["code"]) == (403, "role_required")
    bulk = client.post(
        "/api/v1/visas/decisions/bulk/",
        {"decision": "approve", "application_ids": [app.pk]},
        format="json",
    )
    assert bulk.status_code == 403
    app.refresh_from_db()
    assert (app.status, app.decided_at) == ("decision", None)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("company_staff", 403),
        ("agent_staff", 403),
        ("other_company_staff", 403),
        ("border_officer", 403),
    ],
)
def test_nobody_but_visa_officers_cancels(
    api: Any, issued: Any, request: Any, who: str, status: int
) -> None:
    visa = issued()
    response = api(request.getfixturevalue(who)).post(
        f"/api/v1/visas/{visa.number}/cancel/", {"reason_code": "fraud"}, format="json"
    )
    assert response.status_code == status
    visa.refresh_from_db()
    assert (visa.status, visa.revoked_at) == ("valid", None)
    assert Application.objects.get(pk=visa.application_id).status == "issued"


@pytest.mark.parametrize("who", ["company_staff", "agent_staff", "security_analyst"])
def test_issuance_jobs_are_the_foreign_ministrys(
    api: Any, group: Any, request: Any, who: str, visa_officer: Any, visa_keys: Any
) -> None:
    client = api(request.getfixturevalue(who))
    response = client.post("/api/v1/visas/issuance-jobs/", {"group_id": group.pk}, format="json")
    assert response.status_code == 403
    assert not IssuanceJob.objects.exists()
    job = (
        api(visa_officer)
        .post("/api/v1/visas/issuance-jobs/", {"group_id": group.pk}, format="json")
        .json()
    )
    expected = 200 if who == "security_analyst" else 404
    assert client.get(f"/api/v1/visas/issuance-jobs/{job['id']}/").status_code == expected


def test_an_unknown_visa_is_404_for_everyone(api: Any, visa_officer: Any, visa_keys: Any) -> None:
    assert api(visa_officer).get("/api/v1/visas/000000013/").status_code == 404
    response = api(visa_officer).post(
        "/api/v1/visas/000000013/cancel/", {"reason_code": "fraud"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (404, "visa_not_found")
    assert not Visa.objects.exists()


def test_anonymous_callers_read_only_the_public_endpoints(api: Any, issued: Any) -> None:
    visa = issued()
    anonymous = api(None)
    assert anonymous.get(f"/api/v1/visas/{visa.number}/").status_code in (401, 403)
    assert anonymous.get("/api/v1/visas/decisions/").status_code in (401, 403)
    assert anonymous.get("/api/v1/keys/").status_code == 200
    assert anonymous.get("/api/v1/revocations/").status_code == 200
