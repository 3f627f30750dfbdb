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
    assert (
        '<strong><bdi class="num">25.00%</bdi></strong>نسبة التخلّف' in html
        and "التظلّم من مخالفة" in html
    )
    english = signed_in(company_staff, "en").get("/compliance/").content.decode()
    assert "overstay rate" in english and "Appeal a violation" in english
    assert '<strong><bdi class="num">25.00%</bdi></strong>' in english
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


def _company_page(company: Any, season: Any) -> str:
    return f"/compliance/companies/{company.pk}/?season={season.pk}"


def test_an_inspector_raises_a_violation_from_the_page(
    raised: Any, season: Any, company: Any, inspector: Any, company_staff: Any
) -> None:
    from masar.compliance.models import Violation

    url = _company_page(company, season)
    page = signed_in(inspector, "en").get(url).content.decode()
    assert "Raise a violation" in page and 'value="services_not_delivered"' in page
    assert 'value="overstay"' not in page[page.index('id="r-type"') :]  # raised by the system
    values = {
        "action": "raise",
        "violation_type": "services_not_delivered",
        "occurred_on": season.starts_on.isoformat(),
        "description": "Hotel in Makkah not as contracted",
    }
    refused = signed_in(company_staff, "en").post(url, values)
    assert refused.status_code == 400
    assert Violation.objects.count() == 1
    missing = signed_in(inspector, "en").post(url, {**values, "occurred_on": "not a date"})
    assert missing.status_code == 400 and "Give the date of the violation." in (
        missing.content.decode()
    )
    assert "Hotel in Makkah not as contracted</textarea>" in missing.content.decode()
    done = signed_in(inspector, "en").post(url, values)
    assert done.status_code == 302
    new = Violation.objects.exclude(pk=raised.pk).get()
    assert (new.violation_type, new.raised_by_id, new.description) == (
        "services_not_delivered",
        inspector.pk,
        "Hotel in Makkah not as contracted",
    )


def test_licensing_staff_record_a_fine_payment_from_the_page(
    raised: Any, season: Any, company: Any, licensing_officer: Any, company_staff: Any
) -> None:
    from masar.compliance.models import Invoice, Payment

    invoice = Invoice.objects.filter(company=company).order_by("pk").first()
    assert invoice is not None
    url = _company_page(company, season)
    page = signed_in(licensing_officer, "en").get(url).content.decode()
    assert f'id="pay-{invoice.pk}"' in page
    assert f'id="pay-{invoice.pk}"' not in signed_in(company_staff, "en").get(url).content.decode()
    bad = signed_in(licensing_officer, "en").post(
        url, {"action": "pay", "invoice": invoice.pk, "amount_sar": "abc", "reference": "T1"}
    )
    assert bad.status_code == 400 and Payment.objects.count() == 0
    done = signed_in(licensing_officer, "en").post(
        url, {"action": "pay", "invoice": invoice.pk, "amount_sar": "100", "reference": "TRX-9"}
    )
    assert done.status_code == 302
    payment = Payment.objects.get()
    assert (payment.invoice_id, str(payment.amount_sar), payment.reference) == (
        invoice.pk,
        "100.00",
        "TRX-9",
    )


def test_appeal_attachments_open(
    raised: Any, company_staff: Any, licensing_officer: Any, other_company_staff: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from masar.compliance.services import appeal_file

    appeal = appeal_file(
        actor=company_staff,
        violation=raised,
        statement="Proof attached",
        files=[SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof", content_type="application/pdf")],
    )
    attachment = appeal.files.get()
    page = signed_in(licensing_officer, "en").get("/compliance/appeals/").content.decode()
    assert f'<a href="/compliance/appeals/files/{attachment.pk}/">proof.pdf</a>' in page
    for user in (licensing_officer, company_staff):
        response = signed_in(user, "en").get(f"/compliance/appeals/files/{attachment.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 proof"
    other = signed_in(other_company_staff, "en").get(f"/compliance/appeals/files/{attachment.pk}/")
    assert other.status_code == 404


def test_licensing_staff_lift_a_warning_from_the_page(
    raised: Any, season: Any, company: Any, licensing_officer: Any, company_staff: Any
) -> None:
    from django.utils import timezone

    from masar.compliance.models import Penalty

    # the overstay of `raised` may already have put the company on the ladder's warning
    warning, _ = Penalty.objects.get_or_create(
        season=season,
        company=company,
        step="warning",
        defaults={
            "status": "active",
            "automatic": False,
            "reason": "Two overstayers",
            "starts_on": season.starts_on,
            "imposed_at": timezone.now(),
        },
    )
    assert warning.status == "active"
    url = _company_page(company, season)
    assert f'id="lift-{warning.pk}"' in signed_in(licensing_officer, "en").get(url).content.decode()
    assert f'id="lift-{warning.pk}"' not in (
        signed_in(company_staff, "en").get(url).content.decode()
    )
    refused = signed_in(company_staff, "en").post(
        url, {"action": "lift", "penalty": warning.pk, "reason": "Mine"}
    )
    assert refused.status_code == 400
    warning.refresh_from_db()
    assert warning.status == "active"
    done = signed_in(licensing_officer, "en").post(
        url, {"action": "lift", "penalty": warning.pk, "reason": "Pilgrims left on time"}
    )
    assert done.status_code == 302
    warning.refresh_from_db()
    assert (warning.status, warning.lifted_reason) == ("lifted", "Pilgrims left on time")
