"""Reads of personal data are recorded (who, which records, when, from which page or
endpoint): one append-only row per request, apart from the hash-chained audit trail, and
read by the ministries' auditors on their own page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from masar.core.models import AuditEntry, PersonalDataRead
from tests.applications.factories import ApplicationFactory, GroupFactory
from tests.factories import UserFactory
from tests.visas import conftest as visas_fixtures

pytestmark = pytest.mark.django_db

# The fixtures of the visas tests (visas issued through the services), reused as they are.
_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
other_group = visas_fixtures.other_group
make_draft = visas_fixtures.make_draft
draft = visas_fixtures.draft
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued

APP = "applications.application"


@pytest.fixture
def applications(company: Any, agent: Any) -> list[Any]:
    group = GroupFactory(company=company, agent=agent)
    return [ApplicationFactory(group=group, status="submitted") for _ in range(3)]


@pytest.fixture
def auditor(mohu: Any) -> Any:
    return UserFactory(organization=mohu, username="hajj.auditor", roles=["supervisor"])


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _rows() -> list[tuple[str, str, str, int]]:
    return [
        (r.user.username, r.record_type, r.records, r.record_count)
        for r in PersonalDataRead.objects.select_related("user").order_by("id")
    ]


def test_an_api_detail_read_is_one_row_naming_the_record_and_the_endpoint(
    api: Any, applications: list[Any], licensing_officer: Any
) -> None:
    audit_before = AuditEntry.objects.count()
    app = applications[0]
    assert api(licensing_officer).get(f"/api/v1/applications/{app.pk}/").status_code == 200
    row = PersonalDataRead.objects.get()
    assert (row.user, row.organization_id, row.record_type, row.records, row.record_count) == (
        licensing_officer,
        licensing_officer.organization_id,
        APP,
        f",{app.pk},",
        1,
    )
    assert row.source == f"GET /api/v1/applications/{app.pk}/ (api:application-detail)"
    assert row.query == ""
    assert abs(row.at - timezone.now()) < dt.timedelta(minutes=1)
    # The hash-chained audit trail is not touched by reads.
    assert AuditEntry.objects.count() == audit_before


def test_a_list_is_one_row_with_the_ids_shown_and_the_query(
    api: Any, applications: list[Any], company_staff: Any
) -> None:
    response = api(company_staff).get("/api/v1/applications/", {"status": "submitted"})
    assert response.status_code == 200
    shown = [a["id"] for a in response.json()["results"]]
    assert sorted(shown) == sorted(a.pk for a in applications)
    row = PersonalDataRead.objects.get()
    assert row.records == "," + ",".join(str(i) for i in shown) + ","
    assert (row.record_count, row.query) == (3, "status=submitted")
    assert row.source == "GET /api/v1/applications/ (api:application-list)"


def test_pages_and_the_journey_record_their_reads(
    applications: list[Any], agent_staff: Any, api: Any
) -> None:
    app = applications[0]
    client = _client(agent_staff)
    assert client.get(f"/applications/{app.pk}/").status_code == 200
    assert client.get("/applications/").status_code == 200
    assert api(agent_staff).get(f"/api/v1/pilgrims/{app.number}/journey/").status_code == 200
    name = agent_staff.username
    ids = sorted(a.pk for a in applications)
    listed = PersonalDataRead.objects.order_by("id")[1]
    assert sorted(int(i) for i in listed.record_ids) == ids
    assert _rows() == [
        (name, APP, f",{app.pk},", 1),
        (name, APP, listed.records, 3),
        (name, APP, f",{app.pk},", 1),
    ]


def test_nothing_is_recorded_for_what_was_not_shown(
    api: Any, applications: list[Any], other_company_staff: Any, border_officer: Any
) -> None:
    app = applications[0]
    assert api(None).get(f"/api/v1/applications/{app.pk}/").status_code in (401, 403)
    assert api(other_company_staff).get(f"/api/v1/applications/{app.pk}/").status_code == 404
    # A border officer does not read submitted applications (the access matrix).
    assert api(border_officer).get(f"/api/v1/applications/{app.pk}/").status_code == 404
    empty = api(other_company_staff).get("/api/v1/applications/")
    assert empty.json()["results"] == []
    assert PersonalDataRead.objects.count() == 0


def test_rows_are_append_only(api: Any, applications: list[Any], licensing_officer: Any) -> None:
    api(licensing_officer).get(f"/api/v1/applications/{applications[0].pk}/")
    row = PersonalDataRead.objects.get()
    row.records = ",999,"
    with pytest.raises(RuntimeError, match="append-only"):
        row.save()
    with pytest.raises(RuntimeError, match="append-only"):
        row.delete()
    assert PersonalDataRead.objects.get().records == f",{applications[0].pk},"


def _reads(user: Any, ids: list[int], at: dt.datetime | None = None) -> None:
    for i in ids:
        PersonalDataRead(
            user=user,
            organization=user.organization,
            record_type=APP,
            records=f",{i},",
            record_count=1,
            source="GET /test/",
            at=at or timezone.now(),
        ).save()


def test_the_auditors_page_filters_by_user_record_and_date(
    auditor: Any, licensing_officer: Any, company_staff: Any
) -> None:
    _reads(licensing_officer, [7, 12])
    _reads(company_staff, [12, 120])
    _reads(company_staff, [12], at=timezone.now() - dt.timedelta(days=40))
    client = _client(auditor)

    def shown(**query: Any) -> list[tuple[str, str]]:
        response = client.get("/audit/reads/", query)
        assert response.status_code == 200
        rows = response.context["rows"]
        return [(r.user.username, r.records) for r in rows]

    officer, staff = licensing_officer.username, company_staff.username
    assert shown(user=officer) == [(officer, ",12,"), (officer, ",7,")]
    assert shown(record=12) == [(staff, ",12,"), (staff, ",12,"), (officer, ",12,")]
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert shown(record=12, since=since) == [(staff, ",12,"), (officer, ",12,")]
    assert shown(record=12, record_type="screening.review") == []


def test_the_auditors_page_pages_by_cursor_in_both_languages(
    auditor: Any, licensing_officer: Any
) -> None:
    _reads(licensing_officer, list(range(1, 56)))
    client = _client(auditor)
    first = client.get("/audit/reads/")
    rows = first.context["rows"]
    assert len(rows) == 50
    assert [r.records for r in rows[:2]] == [",55,", ",54,"]
    following = first.context["following"]
    assert following == f"before={rows[-1].pk}"
    second = client.get(f"/audit/reads/?{following}")
    assert [r.records for r in second.context["rows"]] == [f",{i}," for i in range(5, 0, -1)]
    assert second.context["following"] == ""
    arabic = _client(auditor, "ar").get("/audit/reads/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "عمليات الاطلاع على البيانات الشخصية" in arabic
    assert "عمليات اطلاع أقدم" in arabic


def test_bad_filters_are_refused_by_field_and_others_may_not_look(
    auditor: Any, licensing_officer: Any, company_staff: Any
) -> None:
    client = _client(auditor)
    for query, field in (
        ({"record": "abc"}, "record"),
        ({"record": str(2**64)}, "record"),
        ({"since": "2026-13-45"}, "since"),
        ({"before": "-1"}, "before"),
    ):
        response = client.get("/audit/reads/", query)
        assert response.status_code == 400
        assert list(response.context["form"].errors) == [field]
    for user in (licensing_officer, company_staff):
        assert _client(user).get("/audit/reads/").status_code == 403


def test_visa_reads_are_recorded(api: Any, issued: Any, company_staff: Any) -> None:
    visa = issued()
    client = api(company_staff)
    assert client.get("/api/v1/visas/").status_code == 200
    assert client.get(f"/api/v1/visas/{visa.number}/").status_code == 200
    assert _client(company_staff).get(f"/visas/{visa.number}/").status_code == 200
    name = company_staff.username
    assert _rows() == [
        (name, "visas.visa", f",{visa.pk},", 1),
        (name, "visas.visa", f",{visa.pk},", 1),
        (name, "visas.visa", f",{visa.pk},", 1),
    ]
    sources = list(PersonalDataRead.objects.order_by("id").values_list("source", flat=True))
    assert sources == [
        "GET /api/v1/visas/ (api:visa-list)",
        f"GET /api/v1/visas/{visa.number}/ (api:visa-detail)",
        f"GET /visas/{visa.number}/ (visas:visa)",
    ]
