"""The foreign ministry's pages: the consular queue with bulk decisions, and a visa's page
with its cancellation; in Arabic (right to left) and English; others are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from masar.applications.models import Application
from masar.visas.models import Visa

pytestmark = pytest.mark.django_db


def signed_in(user: Any, language: str = "ar") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_the_queue_in_arabic_and_english(in_decision: Any, visa_officer: Any) -> None:
    app = in_decision()
    arabic = signed_in(visa_officer).get("/visas/decisions/")
    assert arabic.status_code == 200
    html = arabic.content.decode()
    assert 'dir="rtl"' in html and app.number in html
    assert '<th scope="col">' in html and f'for="app-{app.pk}"' in html
    english = signed_in(visa_officer, "en").get("/visas/decisions/").content.decode()
    assert "Consular decisions" in english and 'dir="ltr"' in english


def test_a_bulk_refusal_on_the_page(in_decision: Any, visa_officer: Any) -> None:
    first, second, kept = in_decision(), in_decision(), in_decision()
    response = signed_in(visa_officer, "en").post(
        "/visas/decisions/",
        {
            "scope": "selected",
            "application": [first.pk, second.pk],
            "decision": "reject",
            "reason_code": "documents",
        },
    )
    assert response.status_code == 302
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert [statuses[first.pk], statuses[second.pk], statuses[kept.pk]] == [
        "rejected",
        "rejected",
        "decision",
    ]


def test_a_refusal_without_a_code_is_shown_and_changes_nothing(
    in_decision: Any, visa_officer: Any
) -> None:
    app = in_decision()
    response = signed_in(visa_officer, "en").post(
        "/visas/decisions/", {"scope": "selected", "application": [app.pk], "decision": "reject"}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Application.objects.get(pk=app.pk).status == "decision"


@pytest.mark.parametrize("who", ["company_staff", "security_analyst", "agent_staff"])
def test_the_queue_is_the_foreign_ministrys(in_decision: Any, request: Any, who: str) -> None:
    app = in_decision()
    client = signed_in(request.getfixturevalue(who))
    assert client.get("/visas/decisions/").status_code == 403
    post = client.post(
        "/visas/decisions/", {"scope": "selected", "application": [app.pk], "decision": "approve"}
    )
    assert post.status_code == 403
    assert Application.objects.get(pk=app.pk).status == "decision"


def test_the_visa_page_and_its_cancellation(
    issued: Any, visa_officer: Any, company_staff: Any, other_company_staff: Any
) -> None:
    visa = issued()
    page = signed_in(company_staff, "en").get(f"/visas/{visa.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(visa.mrz_line1) in html and "<svg" in html and "Cancel this visa" not in html
    assert signed_in(other_company_staff).get(f"/visas/{visa.number}/").status_code == 404
    refused = signed_in(company_staff).post(f"/visas/{visa.number}/", {"reason_code": "fraud"})
    assert refused.status_code == 403
    assert Visa.objects.get(pk=visa.pk).status == "valid"
    officer = signed_in(visa_officer, "en")
    assert "Cancel this visa" in officer.get(f"/visas/{visa.number}/").content.decode()
    done = officer.post(f"/visas/{visa.number}/", {"reason_code": "fraud"})
    assert done.status_code == 302
    assert Visa.objects.get(pk=visa.pk).status == "cancelled"
