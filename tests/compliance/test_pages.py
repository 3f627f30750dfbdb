"""The compliance pages: a company's own page with the appeal form, the league table with
its bars and filters, the appeal queue, the settings; in Arabic (right to left) and English;
others are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from masar.compliance.models import Appeal, ComplianceRules

pytestmark = pytest.mark.django_db


def signed_in(user: Any, language: str = "ar") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_the_company_page_in_arabic_and_english(
    raised: Any, company: Any, company_staff: Any
) -> None:
    arabic = signed_in(company_staff).get("/compliance/")
    assert arabic.status_code == 200
    html = arabic.content.decode()
    assert 'dir="rtl"' in html and raised.number in html
    assert "<strong>25,00%</strong>نسبة التخلّف" in html and "التظلّم من مخالفة" in html
    english = signed_in(company_staff, "en").get("/compliance/").content.decode()
    assert "overstay rate" in english and "Appeal a violation" in english
    assert "<strong>25.00%</strong>" in english
    assert '<caption class="visually-hidden">' in english


def test_the_company_files_an_appeal_on_its_page(raised: Any, company_staff: Any) -> None:
    response = signed_in(company_staff, "en").post(
        "/compliance/",
        {"action": "appeal", "violation": raised.pk, "statement": "Hospitalised"},
    )
    assert response.status_code == 302
    assert Appeal.objects.get().violation_id == raised.pk


def test_another_company_cannot_open_the_page(
    raised: Any, company: Any, other_company_staff: Any
) -> None:
    response = signed_in(other_company_staff, "en").get(f"/compliance/companies/{company.pk}/")
    assert response.status_code == 404


def test_the_league_table_with_bars_and_filters(
    raised: Any, season: Any, company: Any, ministry_analyst: Any, company_staff: Any
) -> None:
    html = (
        signed_in(ministry_analyst, "en")
        .get(f"/compliance/league/?season={season.pk}")
        .content.decode()
    )
    assert company.organization.name_en in html
    assert 'role="img"' in html and "overstay rate 25.00%" in html
    filtered = (
        signed_in(ministry_analyst, "en")
        .get(f"/compliance/league/?season={season.pk}&nationality=PAK")
        .content.decode()
    )
    assert company.organization.name_en not in filtered
    assert signed_in(company_staff, "en").get("/compliance/league/").status_code == 403


def test_licensing_staff_decide_on_the_appeal_queue(
    raised: Any, company_staff: Any, licensing_officer: Any, ministry_analyst: Any
) -> None:
    from masar.compliance.services import appeal_file

    appeal = appeal_file(actor=company_staff, violation=raised, statement="Proof attached")
    page = signed_in(licensing_officer, "en").get("/compliance/appeals/").content.decode()
    assert "Proof attached" in page and 'name="decision"' in page
    assert (
        'name="decision"'
        not in signed_in(ministry_analyst, "en").get("/compliance/appeals/").content.decode()
    )
    response = signed_in(licensing_officer, "en").post(
        "/compliance/appeals/",
        {"appeal": appeal.pk, "decision": "cancelled", "reason": "Verified"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "cancelled"


def test_the_settings_page(season: Any, licensing_officer: Any, rules: Any) -> None:
    client = signed_in(licensing_officer, "en")
    page = client.get(f"/compliance/seasons/{season.pk}/rules/").content.decode()
    assert 'name="investigation_rate_pct"' in page and 'name="overstay-fine_sar"' in page
    form = {
        "investigation_rate_pct": "0.75",
        "overstay-fine_sar": "30000.00",
        "overstay-points": "10",
        "overstay-agent_charged": "on",
        "guarantee_draw_enabled": "on",
    }
    assert client.post(f"/compliance/seasons/{season.pk}/rules/", form).status_code == 302
    saved = ComplianceRules.objects.get(pk=rules.pk)
    assert str(saved.investigation_rate_pct) == "0.75"
