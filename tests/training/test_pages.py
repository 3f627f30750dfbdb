from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from masar.core.dates import riyadh_today
from masar.training.models import AttendanceRecord, Certificate, Enrolment
from masar.training.services import enrolment_create
from tests.factories import UserFactory
from tests.training.factories import (
    CertificateFactory,
    EnrolmentFactory,
    RoleRequirementFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _client(user, language: str = "en") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_training_pages_need_a_sign_in(client, session):
    for url in (
        "/training/",
        f"/training/sessions/{session.pk}/",
        "/training/mine/",
        "/training/trainer/",
        "/training/dashboard/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_catalogue_in_arabic_and_english(company_staff, session):
    html = _client(company_staff, "ar").get("/training/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "استخدام نظام العمرة الإلكتروني" in html
    assert f"/training/sessions/{session.pk}/" in html
    html = _client(company_staff, "en").get("/training/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Using the Umrah e-system" in html
    assert "Pass mark 70%" in html


def test_the_catalogue_filters_with_htmx(company_staff, session):
    response = _client(company_staff).get(
        "/training/?delivery=online", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "No course matches." in html


def test_a_supervisor_nominates_from_the_session_page(company_supervisor, company_staff, session):
    client = _client(company_supervisor)
    page = client.get(f"/training/sessions/{session.pk}/").content.decode()
    assert f'<option value="{company_staff.pk}">' in page
    assert 'for="nominee"' in page
    response = client.post(
        f"/training/sessions/{session.pk}/enrol/", {"person_id": company_staff.pk}
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.nominated_by) == (company_staff, company_supervisor)


def test_a_supervisor_cannot_nominate_from_another_organization(
    other_company_supervisor, company_staff, session
):
    response = _client(other_company_supervisor).post(
        f"/training/sessions/{session.pk}/enrol/", {"person_id": company_staff.pk}
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_an_error_is_shown_as_an_alert_with_htmx(company_staff, session):
    session.course.self_enrolment = False
    session.course.save()
    response = _client(company_staff).post(
        f"/training/sessions/{session.pk}/enrol/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "nominations from supervisors only" in html
    assert not Enrolment.objects.exists()


def test_my_training_shows_enrolments_certificates_and_what_blocks_me(
    company_staff, session, course
):
    enrolment_create(actor=company_staff, session=session, person=company_staff)
    RoleRequirementFactory(role="company_staff", course=course)
    html = _client(company_staff).get("/training/mine/").content.decode()
    assert "You cannot act as Company staff until you hold a valid certificate of" in html
    assert "Using the Umrah e-system" in html
    certificate = CertificateFactory(holder=company_staff, course=course)
    html = _client(company_staff).get("/training/mine/").content.decode()
    assert "You cannot act as" not in html
    assert certificate.code in html
    assert f"/training/certificates/{certificate.code}/pdf/" in html


def test_the_trainers_sheet_is_for_the_trainer_only(trainer, other_trainer, company_staff, session):
    enrolment_create(actor=company_staff, session=session, person=company_staff)
    page = _client(trainer).get(f"/training/trainer/sessions/{session.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="present_{company_staff.pk}"' in html
    assert 'scope="row"' in html
    assert (
        _client(other_trainer).get(f"/training/trainer/sessions/{session.pk}/").status_code == 404
    )
    assert (
        _client(company_staff).get(f"/training/trainer/sessions/{session.pk}/").status_code == 403
    )
    listed = _client(other_trainer).get("/training/trainer/").content.decode()
    assert f"/training/trainer/sessions/{session.pk}/" not in listed


def test_the_trainer_marks_a_day_scores_imports_and_closes(trainer, company, session):
    people = [
        UserFactory(organization=company.organization, username=f"p{i}", roles=["company_staff"])
        for i in range(2)
    ]
    for person in people:
        enrolment_create(actor=person, session=session, person=person)
    client = _client(trainer)
    url = f"/training/trainer/sessions/{session.pk}/"
    first, second = session.days()
    response = client.post(
        url, {"action": "attendance", "day": first.isoformat(), f"present_{people[0].pk}": "1"}
    )
    assert response.status_code == 302
    assert dict(AttendanceRecord.objects.values_list("enrolment__person__username", "present")) == {
        "p0": True,
        "p1": False,
    }
    client.post(url, {"action": "attendance_all", "day": second.isoformat()})
    assert AttendanceRecord.objects.filter(day=second, present=True).count() == 2
    client.post(
        url, {"action": "scores", f"score_{people[0].pk}": "91", f"score_{people[1].pk}": "40"}
    )
    bad = client.post(
        url,
        {"action": "import", "file": SimpleUploadedFile("s.csv", b"username,score\nghost,1\n")},
    )
    assert bad.status_code == 400
    assert "ghost is not enrolled" in bad.content.decode()
    response = client.post(url, {"action": "close"})
    assert response.status_code == 302
    assert list(Certificate.objects.values_list("holder__username", flat=True)) == ["p0"]


def test_the_dashboard_counts_only_the_organizations_people(
    company_supervisor, other_company_staff, licensing_officer, company, course, trainer
):
    past = SessionFactory(
        course=course,
        trainer=trainer,
        starts_on=riyadh_today() - dt.timedelta(days=20),
        ends_on=riyadh_today() - dt.timedelta(days=20),
        status="closed",
    )
    mine = UserFactory(organization=company.organization, roles=["company_staff"])
    decided = timezone.now() - dt.timedelta(days=10)
    EnrolmentFactory(
        session=past, person=mine, status="completed", score=Decimal(90), decided_at=decided
    )
    EnrolmentFactory(
        session=past,
        person=other_company_staff,
        status="not_completed",
        score=Decimal(10),
        decided_at=decided,
    )
    CertificateFactory(
        holder=mine, course=course, valid_until=riyadh_today() + dt.timedelta(days=20)
    )
    html = _client(company_supervisor).get("/training/dashboard/").content.decode()
    assert '<li id="kpi-people"><strong><bdi class="num">1</bdi></strong>' in html
    assert '<li id="kpi-completion"><strong><bdi class="num">100.0%</bdi></strong>' in html
    assert '<li id="kpi-expiring"><strong><bdi class="num">1</bdi></strong>' in html
    assert "<svg" in html and 'role="img"' in html
    # Another organization's code in the address changes nothing for a company.
    other = other_company_staff.organization.code
    html = (
        _client(company_supervisor)
        .get(f"/training/dashboard/?organization={other}")
        .content.decode()
    )
    assert '<li id="kpi-completion"><strong><bdi class="num">100.0%</bdi></strong>' in html
    # The ministry sees everyone, or one organization.
    html = _client(trainer).get("/training/dashboard/").content.decode()
    assert '<li id="kpi-completion"><strong><bdi class="num">50.0%</bdi></strong>' in html
    html = _client(trainer).get(f"/training/dashboard/?organization={other}").content.decode()
    assert '<li id="kpi-completion"><strong><bdi class="num">0.0%</bdi></strong>' in html
    assert '<li id="kpi-pass"><strong><bdi class="num">0.0%</bdi></strong>' in html


def test_the_certificate_pdf_is_for_its_holder_and_their_organization(
    company_staff, company_supervisor, other_company_supervisor, course
):
    certificate = CertificateFactory(holder=company_staff, course=course)
    url = f"/training/certificates/{certificate.code}/pdf/"
    response = _client(company_staff).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert _client(company_supervisor).get(url).status_code == 200
    assert _client(other_company_supervisor).get(url).status_code == 404


def test_the_public_verification_page(client, company_staff, course):
    certificate = CertificateFactory(
        holder=company_staff, course=course, holder_name_en="Ahmed Al-Zahrani"
    )
    client.cookies["django_language"] = "en"
    response = client.get(f"/verify/certificate/{certificate.code}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid." in html
    assert "Ahmed Al-Zahrani" in html
    assert "Using the Umrah e-system" in html
    assert company_staff.username not in html
    assert company_staff.organization.name_en not in html
    certificate.status = "revoked"
    certificate.save()
    html = client.get(f"/verify/certificate/{certificate.code}/").content.decode()
    assert "This certificate was revoked." in html
    missing = client.get("/verify/certificate/NOPE-NOPE-NOPE")
    assert missing.status_code == 404
    assert 'role="alert"' in missing.content.decode()
