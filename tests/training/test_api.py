"""The training API, endpoint by endpoint, with another organization trying each one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from masar.core.dates import riyadh_today
from masar.core.models import AuditEntry
from masar.training.models import AttendanceRecord, Certificate, Enrolment
from masar.training.services import enrolment_create
from tests.factories import UserFactory
from tests.training.factories import CertificateFactory, CourseFactory

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code


# GET /api/v1/training/courses/


def test_the_catalogue_lists_active_courses_with_their_rules(api, company_staff, course):
    CourseFactory(code="withdrawn", is_active=False)
    body = api(company_staff).get("/api/v1/training/courses/").json()
    assert [c["code"] for c in body["results"]] == ["umrah-esystem"]
    first = body["results"][0]
    assert first["title_ar"] == "استخدام نظام العمرة الإلكتروني"
    assert first["pass_mark"] == 70
    assert first["attendance_required_pct"] == 100
    assert first["certificate_validity_months"] == 24
    assert first["audience_roles"] == ["company_staff", "agent_staff", "supervisor"]


def test_the_ministry_sees_withdrawn_courses_too(api, trainer, course):
    CourseFactory(code="withdrawn", is_active=False)
    codes = [c["code"] for c in api(trainer).get("/api/v1/training/courses/").json()["results"]]
    assert sorted(codes) == ["umrah-esystem", "withdrawn"]


def test_the_catalogue_is_read_only_and_needs_a_sign_in(api, other_company_staff, course):
    assert api(None).get("/api/v1/training/courses/").status_code in (401, 403)
    response = api(other_company_staff).post("/api/v1/training/courses/", {}, format="json")
    _error(response, 405, "method_not_allowed")


# POST/GET /api/v1/training/sessions/{id}/enrolments/


def test_a_supervisor_nominates_through_the_api(api, company_supervisor, company_staff, session):
    response = api(company_supervisor).post(
        f"/api/v1/training/sessions/{session.pk}/enrolments/",
        {"person_id": company_staff.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "enrolled"
    assert body["person_id"] == company_staff.pk
    assert body["nominated_by_id"] == company_supervisor.pk


def test_a_person_enrols_themself(api, company_staff, session):
    response = api(company_staff).post(
        f"/api/v1/training/sessions/{session.pk}/enrolments/", {}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["nominated_by_id"] is None


def test_another_organization_cannot_nominate_and_nothing_changes(
    api, other_company_supervisor, company_staff, other_company_staff, session
):
    audit = AuditEntry.objects.count()
    response = api(other_company_supervisor).post(
        f"/api/v1/training/sessions/{session.pk}/enrolments/",
        {"person_id": company_staff.pk},
        format="json",
    )
    _error(response, 404, "not_found")
    response = api(other_company_staff).post(
        f"/api/v1/training/sessions/{session.pk}/enrolments/",
        {"person_id": company_staff.pk},
        format="json",
    )
    _error(response, 403, "training_not_allowed")
    assert not Enrolment.objects.exists()
    assert AuditEntry.objects.count() == audit


def test_enrolment_errors_are_clear(api, company, company_supervisor, session):
    client = api(company_supervisor)
    url = f"/api/v1/training/sessions/{session.pk}/enrolments/"
    bad = client.post(url, {"person_id": "x", "join_waitlist": "maybe"}, format="json")
    _error(bad, 400, "validation_error")
    assert set(bad.json()["fields"]) == {"person_id", "join_waitlist"}
    people = [
        UserFactory(organization=company.organization, roles=["company_staff"]) for _ in "abcd"
    ]
    for person in people[:3]:
        assert client.post(url, {"person_id": person.pk}, format="json").status_code == 201
    full = client.post(url, {"person_id": people[3].pk, "join_waitlist": False}, format="json")
    _error(full, 409, "session_full")
    waiting = client.post(url, {"person_id": people[3].pk}, format="json")
    assert waiting.json()["status"] == "waitlisted"
    assert client.post("/api/v1/training/sessions/999999/enrolments/", {}).status_code == 404


def test_enrolment_lists_are_scoped(
    api, company_staff, company_supervisor, other_company_staff, other_company_supervisor, session
):
    enrolment_create(actor=company_staff, session=session, person=company_staff)
    enrolment_create(actor=other_company_staff, session=session, person=other_company_staff)
    url = f"/api/v1/training/sessions/{session.pk}/enrolments/"

    def people(user):
        return [e["person_id"] for e in api(user).get(url).json()["results"]]

    assert people(company_staff) == [company_staff.pk]
    assert people(company_supervisor) == [company_staff.pk]
    assert people(other_company_supervisor) == [other_company_staff.pk]
    assert sorted(people(session.trainer)) == sorted([company_staff.pk, other_company_staff.pk])


# POST /api/v1/training/enrolments/{id}/cancel/


def test_cancel_through_the_api_and_across_organizations(
    api, company_staff, other_company_supervisor, session
):
    enrolment = enrolment_create(actor=company_staff, session=session, person=company_staff)
    url = f"/api/v1/training/enrolments/{enrolment.pk}/cancel/"
    _error(api(other_company_supervisor).post(url, {}, format="json"), 404, "not_found")
    assert Enrolment.objects.get(pk=enrolment.pk).status == "enrolled"
    response = api(company_staff).post(url, {"reason": "on duty"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


# POST /api/v1/training/sessions/{id}/attendance/ , scores/, sheet/, close/


@pytest.fixture
def enrolled(company_staff, session):
    enrolment_create(actor=company_staff, session=session, person=company_staff)
    return company_staff


def test_the_trainer_records_attendance(api, trainer, session, enrolled):
    response = api(trainer).post(
        f"/api/v1/training/sessions/{session.pk}/attendance/",
        {
            "day": session.starts_on.isoformat(),
            "marks": [{"person_id": enrolled.pk, "present": True}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "session_id": session.pk,
        "day": session.starts_on.isoformat(),
        "present": 1,
        "absent": 0,
    }
    response = api(trainer).post(
        f"/api/v1/training/sessions/{session.pk}/attendance/",
        {"day": session.ends_on.isoformat(), "all_present": True},
        format="json",
    )
    assert response.json()["present"] == 1
    assert AttendanceRecord.objects.filter(present=True).count() == 2


def test_attendance_input_errors_have_fields(api, trainer, session, enrolled):
    url = f"/api/v1/training/sessions/{session.pk}/attendance/"
    response = api(trainer).post(url, {"day": "yesterday"}, format="json")
    _error(response, 400, "validation_error")
    assert set(response.json()["fields"]) == {"day"}
    response = api(trainer).post(url, {"day": session.starts_on.isoformat()}, format="json")
    _error(response, 400, "validation_error")
    assert set(response.json()["fields"]) == {"marks"}
    future = (riyadh_today() + dt.timedelta(days=3)).isoformat()
    response = api(trainer).post(url, {"day": future, "all_present": True}, format="json")
    _error(response, 400, "not_a_session_day")
    assert AttendanceRecord.objects.count() == 0


def test_other_trainers_and_organizations_cannot_record(
    api, other_trainer, company_supervisor, other_company_staff, session, enrolled
):
    payload = {"day": session.starts_on.isoformat(), "all_present": True}
    url = f"/api/v1/training/sessions/{session.pk}/attendance/"
    _error(api(other_trainer).post(url, payload, format="json"), 404, "not_found")
    _error(api(company_supervisor).post(url, payload, format="json"), 404, "not_found")
    _error(api(other_company_staff).post(url, payload, format="json"), 403, "role_required")
    scores = {"scores": [{"person_id": enrolled.pk, "score": "90"}]}
    scores_url = f"/api/v1/training/sessions/{session.pk}/scores/"
    _error(api(other_trainer).post(scores_url, scores, format="json"), 404, "not_found")
    close_url = f"/api/v1/training/sessions/{session.pk}/close/"
    _error(api(other_trainer).post(close_url, {}, format="json"), 404, "not_found")
    _error(api(enrolled).post(close_url, {}, format="json"), 403, "role_required")
    sheet_url = f"/api/v1/training/sessions/{session.pk}/sheet/"
    upload = SimpleUploadedFile(
        "s.csv", b"username,score\n" + enrolled.username.encode() + b",99\n"
    )
    _error(
        api(other_trainer).post(sheet_url, {"file": upload}, format="multipart"), 404, "not_found"
    )
    assert AttendanceRecord.objects.count() == 0
    assert not Enrolment.objects.filter(score__isnull=False).exists()
    assert not Certificate.objects.exists()


def test_scores_sheet_and_close_through_the_api(api, trainer, session, enrolled):
    client = api(trainer)
    first, second = session.days()
    sheet = f"username,{first},{second}\n{enrolled.username},1,1\n".encode()
    response = client.post(
        f"/api/v1/training/sessions/{session.pk}/sheet/",
        {"file": SimpleUploadedFile("sheet.csv", sheet, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"rows": 1, "attendance_marks": 2, "scores": 0}
    bad = client.post(
        f"/api/v1/training/sessions/{session.pk}/scores/",
        {"scores": [{"person_id": enrolled.pk, "score": "101"}]},
        format="json",
    )
    _error(bad, 400, "validation_error")
    assert set(bad.json()["fields"]) == {"scores.0.score"}
    response = client.post(
        f"/api/v1/training/sessions/{session.pk}/scores/",
        {"scores": [{"person_id": enrolled.pk, "score": "88.5"}]},
        format="json",
    )
    assert response.json() == {"session_id": session.pk, "count": 1}
    response = client.post(f"/api/v1/training/sessions/{session.pk}/close/")
    assert response.json() == {"session_id": session.pk, "completed": 1, "not_completed": 0}
    again = client.post(f"/api/v1/training/sessions/{session.pk}/close/")
    _error(again, 409, "session_closed")


def test_a_bad_sheet_answers_400_with_rows_and_writes_nothing(api, trainer, session, enrolled):
    response = api(trainer).post(
        f"/api/v1/training/sessions/{session.pk}/sheet/",
        {"file": SimpleUploadedFile("s.csv", b"username,score\nnobody,50\n")},
        format="multipart",
    )
    _error(response, 400, "invalid_import")
    assert list(response.json()["fields"]) == ["row 2.username"]
    assert not Enrolment.objects.filter(score__isnull=False).exists()


# GET /api/v1/training/certificates/{code}/


def test_public_verification_shows_only_name_course_validity_and_status(api, company_staff, course):
    certificate = CertificateFactory(
        holder=company_staff, course=course, holder_name_en="Ahmed Al-Zahrani"
    )
    response = api(None).get(f"/api/v1/training/certificates/{certificate.code.lower()}/")
    assert response.status_code == 200
    assert response.json() == {
        "code": certificate.code,
        "holder_name_en": "Ahmed Al-Zahrani",
        "holder_name_ar": "أحمد الزهراني",
        "course_title_en": "Using the Umrah e-system",
        "course_title_ar": "استخدام نظام العمرة الإلكتروني",
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "status": "valid",
    }


def test_verification_of_other_organizations_certificates_reveals_nothing_more(
    api, other_company_staff, company_staff, course
):
    certificate = CertificateFactory(
        holder=company_staff, course=course, valid_until=dt.date(2020, 1, 1)
    )
    body = api(other_company_staff).get(f"/api/v1/training/certificates/{certificate.code}/").json()
    assert body["status"] == "expired"
    assert company_staff.username not in str(body)
    assert str(company_staff.organization_id) not in str(body.get("organization_id", ""))
    assert "organization" not in str(body)
    _error(api(None).get("/api/v1/training/certificates/ZZZZ-ZZZZ-ZZZZ/"), 404, "not_found")
    # Read only: no write verb exists.
    response = api(other_company_staff).post(
        f"/api/v1/training/certificates/{certificate.code}/", {}, format="json"
    )
    _error(response, 405, "method_not_allowed")
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"
