"""Every compliance endpoint scoped: another company (or agent) gets 404 or 403 and nothing
changes; a company sees only its own records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from masar.compliance.models import Appeal, Invoice, Payment, Violation
from tests.factories import UserFactory


@pytest.fixture
def other_staff(other_company: Any) -> Any:
    return UserFactory(organization=other_company.organization, roles=["company_staff"])


@pytest.mark.django_db
def test_another_company_sees_none_of_the_records(
    raised: Any, company: Any, other_staff: Any, api: Any
) -> None:
    client = api(other_staff)
    assert client.get(f"/api/v1/companies/{company.pk}/compliance/").status_code == 404
    assert client.get(f"/api/v1/companies/{company.pk}/guarantee/").status_code == 404
    assert client.get(f"/api/v1/violations/{raised.pk}/").status_code == 404
    for url in (
        "/api/v1/violations/",
        "/api/v1/penalties/",
        "/api/v1/appeals/",
        "/api/v1/fines/",
        "/api/v1/compliance/notices/",
        "/api/v1/compliance/ratings/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json()["results"] == [], url


@pytest.mark.django_db
def test_another_company_cannot_appeal(raised: Any, other_staff: Any, api: Any) -> None:
    response = api(other_staff).post(
        f"/api/v1/violations/{raised.pk}/appeal/", {"statement": "Not ours"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "compliance_not_found"
    assert not Appeal.objects.exists()
    raised.refresh_from_db()
    assert raised.status == "open"


@pytest.mark.django_db
def test_the_company_sees_its_own(raised: Any, company: Any, company_staff: Any, api: Any) -> None:
    client = api(company_staff)
    body = client.get(f"/api/v1/companies/{company.pk}/compliance/").json()
    assert (body["entered"], body["overstayers"], body["overstay_rate_pct"]) == (4, 1, "25.00")
    assert [v["number"] for v in body["violations"]] == [raised.number]
    listed = client.get("/api/v1/violations/").json()["results"]
    assert [v["id"] for v in listed] == [raised.pk]
    fines = client.get("/api/v1/fines/").json()["results"]
    assert sorted(f["payer"] for f in fines) == ["agent", "company"]


@pytest.mark.django_db
def test_the_agent_sees_the_violations_naming_it_and_its_own_fines(
    raised: Any, agent_staff: Any, other_agent_staff: Any, api: Any
) -> None:
    mine = api(agent_staff).get("/api/v1/violations/").json()["results"]
    assert [v["id"] for v in mine] == [raised.pk]
    fines = api(agent_staff).get("/api/v1/fines/").json()["results"]
    assert [(f["payer"], f["amount_sar"]) for f in fines] == [("agent", "25000.00")]
    assert api(other_agent_staff).get("/api/v1/violations/").json()["results"] == []
    assert api(other_agent_staff).get(f"/api/v1/violations/{raised.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_company_cannot_decide_pay_lift_or_raise(
    raised: Any, company: Any, season: Any, company_staff: Any, api: Any
) -> None:
    client = api(company_staff)
    invoice = Invoice.objects.filter(payer="company").get()
    appeal = client.post(
        f"/api/v1/violations/{raised.pk}/appeal/", {"statement": "Hospital"}, format="json"
    ).json()
    assert (
        client.post(
            f"/api/v1/appeals/{appeal['id']}/decide/",
            {"decision": "cancelled", "reason": "mine"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/fines/{invoice.pk}/payments/",
            {"amount_sar": "25000.00", "reference": "X1"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/violations/",
            {
                "season": season.pk,
                "company": company.pk,
                "violation_type": "complaint_upheld",
                "occurred_on": "2026-01-01",
                "description": "x",
            },
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/v1/seasons/{season.pk}/compliance-rules/",
            {"settings": {"investigation_rate_pct": "0.5"}},
            format="json",
        ).status_code
        == 403
    )
    assert client.get(f"/api/v1/seasons/{season.pk}/compliance-rules/").status_code == 403
    assert client.get("/api/v1/compliance/league/").status_code == 403
    assert (
        client.post(
            "/api/v1/compliance/ratings/", {"season": season.pk, "year": 2026, "quarter": 4}
        ).status_code
        == 403
    )
    # Nothing changed
    assert Appeal.objects.get().status == "pending"
    assert not Payment.objects.exists()
    assert Violation.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.paid_sar == Decimal("0.00")


@pytest.mark.django_db
def test_an_agent_cannot_appeal_for_the_company(raised: Any, agent_staff: Any, api: Any) -> None:
    response = api(agent_staff).post(
        f"/api/v1/violations/{raised.pk}/appeal/", {"statement": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_refused(raised: Any, company: Any, api: Any) -> None:
    for url in (
        f"/api/v1/companies/{company.pk}/compliance/",
        "/api/v1/violations/",
        "/api/v1/compliance/league/",
    ):
        assert api(None).get(url).status_code in (401, 403), url


@pytest.mark.parametrize("value", ["30731488855650889728", "²", "-3", "abc"])
def test_a_filter_that_is_not_a_database_id_is_a_400(api, licensing_officer, value):
    for path in ("/api/v1/penalties/", "/api/v1/compliance/notices/"):
        response = api(licensing_officer).get(path, {"company": value})
        assert response.status_code == 400, (path, value, response.content)
        assert response.json()["fields"] == {"company": ["A whole number is required."]}
