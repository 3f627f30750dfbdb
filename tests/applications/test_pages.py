"""The agent and company pages, in Arabic and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from masar.applications.models import Application, Group, ManifestJob
from masar.applications.services import application_submit
from masar.applications.states import ApplicationStatus
from masar.core.dates import riyadh_today
from tests.applications.factories import pilgrim_values
from tests.applications.manifest_files import csv_bytes, manifest_row, upload

pytestmark = pytest.mark.django_db


def _client(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_pages_need_a_sign_in(client, group):
    for url in ("/groups/", "/applications/", f"/groups/{group.pk}/", "/groups/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_group_page_is_arabic_and_rtl_by_default(agent_staff, group, draft):
    html = _client(agent_staff, "ar").get(f"/groups/{group.pk}/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert draft.number in html
    assert '<th scope="col">' in html


def test_agent_creates_a_group_from_the_page(agent_staff, season, company, contract):
    arrival = riyadh_today() + dt.timedelta(days=20)
    client = _client(agent_staff)
    page = client.get("/groups/new/").content.decode()
    assert company.organization.name_en in page
    response = client.post(
        "/groups/new/",
        {
            "name": "Surabaya 3",
            "season": season.pk,
            "company": company.pk,
            "hotel_contract_number": "HC-1",
            "makkah_nights": 8,
            "madinah_nights": 4,
            "ground_transport": "Coach",
            "arrival_flight": "GA 980",
            "arrival_port": "JED",
            "arrival_date": arrival.isoformat(),
            "departure_flight": "GA 981",
            "departure_port": "MED",
            "departure_date": (arrival + dt.timedelta(days=12)).isoformat(),
        },
    )
    group = Group.objects.get(name="Surabaya 3")
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.pk}/"
    assert (group.makkah_nights, group.arrival_port) == (8, "JED")


def test_group_form_shows_service_errors_next_to_fields(agent_staff, season, company, contract):
    response = _client(agent_staff).post(
        "/groups/new/",
        {
            "name": "x",
            "season": season.pk,
            "company": company.pk,
            "makkah_nights": 0,
            "madinah_nights": 0,
            "arrival_port": "J1D",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "A port is its three-letter code" in html
    assert Group.objects.count() == 0


def test_mrz_paste_fills_the_form(agent_staff, group):
    values = pilgrim_values(surname="Hidayat", given_names="Muhammad Rizki", sex="M")
    response = _client(agent_staff).post(
        "/applications/mrz/", {"mrz": values["mrz"]}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="HIDAYAT"' in html
    assert 'value="MUHAMMAD RIZKI"' in html
    assert f'value="{values["passport_number"]}"' in html
    assert 'value="M" selected' in html
    assert "The MRZ is valid" in html


def test_mrz_paste_with_a_bad_check_digit_says_so(agent_staff, group):
    line1, line2 = pilgrim_values()["mrz"].split("\n")
    broken = line2[:9] + str((int(line2[9]) + 1) % 10) + line2[10:]
    html = (
        _client(agent_staff)
        .post("/applications/mrz/", {"mrz": f"{line1}\n{broken}"})
        .content.decode()
    )
    assert 'role="alert"' in html
    assert "document_number" in html


def test_agent_adds_a_pilgrim_and_submits_from_the_pages(agent_staff, group, quotas):
    values = pilgrim_values()
    client = _client(agent_staff)
    response = client.post(
        f"/groups/{group.pk}/pilgrims/new/",
        {
            "mrz": values["mrz"],
            "passport_issue_date": values["passport_issue_date"].isoformat(),
            "vaccine_type": "conjugate",
            "vaccine_date": values["vaccine_date"].isoformat(),
        },
    )
    app = Application.objects.get()
    assert response["Location"] == f"/applications/{app.pk}/"
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'value="submit"' in page and 'value="withdraw"' in page
    response = client.post(f"/applications/{app.pk}/", {"action": "submit"})
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.SUBMITTED


def test_a_refused_submission_lists_every_rule(agent_staff, make_draft):
    app = make_draft(
        vaccine_date=None,
        vaccine_type="",
        passport_expiry_date=riyadh_today() + dt.timedelta(days=30),
    )
    response = _client(agent_staff).post(f"/applications/{app.pk}/", {"action": "submit"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'role="alert"' in html
    assert "passport_validity" in html and "vaccination_present" in html
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.DRAFT


def test_company_approves_and_returns_in_bulk(agent_staff, company_staff, make_draft):
    apps = [make_draft() for _ in range(3)]
    for app in apps:
        application_submit(actor=agent_staff, application=app)
    client = _client(company_staff)
    page = client.get("/applications/?status=submitted").content.decode()
    for app in apps:
        assert f'value="{app.pk}"' in page
    client.post(
        "/applications/bulk/",
        {"action": "approve", "ids": [apps[0].pk, apps[1].pk], "next": "/applications/"},
    )
    client.post(
        "/applications/bulk/",
        {"action": "return", "ids": [apps[2].pk], "reason": "Photo is blurred"},
    )
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert [statuses[a.pk] for a in apps] == ["screening", "screening", "returned"]
    assert Application.objects.get(pk=apps[2].pk).status_reason == "Photo is blurred"


def test_agent_cannot_use_the_company_bulk_page(agent_staff, make_draft):
    app = make_draft()
    application_submit(actor=agent_staff, application=app)
    response = _client(agent_staff).post(
        "/applications/bulk/", {"action": "approve", "ids": [app.pk]}
    )
    assert response.status_code == 404
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.SUBMITTED


def test_other_organizations_get_404_on_pages(other_agent_staff, other_company_staff, group, draft):
    for user in (other_agent_staff, other_company_staff):
        client = _client(user)
        for url in (
            f"/groups/{group.pk}/",
            f"/applications/{draft.pk}/",
            f"/applications/{draft.pk}/edit/",
        ):
            assert client.get(url).status_code == 404
        assert client.post(f"/applications/{draft.pk}/", {"action": "withdraw"}).status_code == 404
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


def test_manifest_upload_page_and_live_progress(
    agent_staff, group, django_capture_on_commit_callbacks
):
    client = _client(agent_staff)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/groups/{group.pk}/manifests/",
            {"file": upload(csv_bytes([manifest_row(), manifest_row()])), "mode": "keep_valid"},
        )
    job = ManifestJob.objects.get()
    assert response["Location"] == f"/applications/imports/{job.pk}/"
    page = client.get(f"/applications/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page
    from masar.applications.services import manifest_job_run

    manifest_job_run(job_id=job.pk)
    partial = client.get(
        f"/applications/imports/{job.pk}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "hx-trigger" not in partial  # finished: the polling stops
    assert "<html" not in partial
    assert f"/applications/imports/{job.pk}/report.xlsx" in partial


def test_arabic_and_english_headers_in_the_template_download(agent_staff):
    response = _client(agent_staff).get("/applications/manifest-template.csv")
    assert response.status_code == 200
    assert "اسم العائلة" in response.content.decode("utf-8-sig")


def test_agent_corrects_a_returned_application(agent_staff, company_staff, draft):
    from masar.applications.services import application_return

    application_submit(actor=agent_staff, application=draft)
    application_return(actor=company_staff, application=draft, reason="Wrong issue date")
    client = _client(agent_staff)
    page = client.get(f"/applications/{draft.pk}/edit/").content.decode()
    assert draft.pilgrim.passport_number in page
    new_date = (riyadh_today() - dt.timedelta(days=400)).isoformat()
    response = client.post(
        f"/applications/{draft.pk}/edit/",
        {
            "mrz": draft.pilgrim.mrz,
            "passport_issue_date": new_date,
            "vaccine_type": draft.pilgrim.vaccine_type,
            "vaccine_date": draft.pilgrim.vaccine_date.isoformat(),
            "native_name": draft.pilgrim.native_name,
        },
    )
    assert response.status_code == 302
    draft.pilgrim.refresh_from_db()
    assert draft.pilgrim.passport_issue_date.isoformat() == new_date


def test_submit_every_draft_asks_first_with_the_count(agent_staff, group, make_draft):
    drafts = [make_draft() for _ in range(2)]
    client = _client(agent_staff)
    check = client.post(f"/groups/{group.pk}/", {"action": "submit_all"})
    html = check.content.decode()
    assert check.status_code == 200
    assert 'id="submit-confirm"' in html and 'data-count="2"' in html
    assert "Submit 2 drafts to the company?" in html
    assert set(Application.objects.values_list("status", flat=True)) == {ApplicationStatus.DRAFT}
    late = make_draft()  # added while the agent reads the question: not confirmed, not sent
    done = client.post(
        f"/groups/{group.pk}/",
        {"action": "submit_all", "step": "confirm", "draft": [d.pk for d in drafts]},
    )
    assert done.status_code == 200
    assert "2 applications were submitted." in done.content.decode()
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert [statuses[d.pk] for d in drafts] == [ApplicationStatus.SUBMITTED] * 2
    assert statuses[late.pk] == ApplicationStatus.DRAFT


def test_submit_every_draft_without_drafts_says_so(agent_staff, group):
    response = _client(agent_staff).post(f"/groups/{group.pk}/", {"action": "submit_all"})
    html = response.content.decode()
    assert "There is no draft to submit." in html and 'id="submit-confirm"' not in html


def test_the_clerk_searches_by_name_passport_number_and_group(
    agent_staff, company_staff, make_draft, group
):
    hidayat = make_draft(surname="HIDAYAT")
    other = make_draft(surname="SANTOSO")
    for app in (hidayat, other):
        application_submit(actor=agent_staff, application=app)
    client = _client(company_staff)

    def found(q):
        response = client.get("/applications/", {"q": q})
        return sorted(a.pk for a in response.context["page"])

    assert found("hidaya") == [hidayat.pk]
    assert found(other.pilgrim.passport_number) == [other.pk]
    assert found(hidayat.number.lower()) == [hidayat.pk]
    assert found(str(group.pk)) == sorted([hidayat.pk, other.pk])
    assert found(group.name[:4]) == sorted([hidayat.pk, other.pk])
    html = client.get("/applications/").content.decode()
    assert f'<a href="/groups/{group.pk}/"><bdi>{group.name}</bdi></a>' in html
    assert 'id="select-page" data-select-all="ids"' in html
    assert "Every submitted application matching the search (2); you confirm next" in html


def test_a_bulk_action_on_every_matching_application_is_confirmed_first(
    agent_staff, company_staff, make_draft
):
    apps = [make_draft() for _ in range(2)]
    for app in apps:
        application_submit(actor=agent_staff, application=app)
    client = _client(company_staff)
    check = client.post(
        "/applications/bulk/",
        {"scope": "filtered", "action": "approve", "q": "", "next": "/applications/"},
    )
    html = check.content.decode()
    assert check.status_code == 200
    assert 'data-count="2" data-action="approve"' in html and "Approve 2 applications" in html
    assert set(Application.objects.values_list("status", flat=True)) == {
        ApplicationStatus.SUBMITTED
    }
    late = make_draft()
    application_submit(actor=agent_staff, application=late)
    done = client.post(
        "/applications/bulk/",
        {"action": "approve", "ids": [a.pk for a in apps], "next": "/applications/"},
    )
    assert done.status_code == 302
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert [statuses[a.pk] for a in apps] == [ApplicationStatus.SCREENING] * 2
    assert statuses[late.pk] == ApplicationStatus.SUBMITTED


def test_a_clerk_saves_a_search_runs_it_and_deletes_it(company_staff, other_company_staff):
    from masar.applications.models import SavedSearch

    client = _client(company_staff)
    page = client.get("/applications/", {"q": "hidayat", "status": "submitted"}).content.decode()
    assert 'id="save-name"' in page
    empty = client.post(
        "/applications/searches/",
        {"name": " ", "q": "hidayat", "status": "submitted", "next": "/applications/"},
    )
    assert empty.status_code == 302 and SavedSearch.objects.count() == 0
    saved = client.post(
        "/applications/searches/",
        {
            "name": "Hidayat waiting",
            "q": "hidayat",
            "status": "submitted",
            "next": "/applications/",
        },
    )
    assert saved.status_code == 302
    search = SavedSearch.objects.get()
    assert (search.user_id, search.name, search.q, search.status) == (
        company_staff.pk,
        "Hidayat waiting",
        "hidayat",
        "submitted",
    )
    listing = client.get("/applications/").content.decode()
    assert '<a href="?q=hidayat&amp;status=submitted">Hidayat waiting</a>' in listing
    assert (
        "Hidayat waiting" not in _client(other_company_staff).get("/applications/").content.decode()
    )
    # another person cannot delete it
    _client(other_company_staff).post("/applications/searches/", {"delete": search.pk})
    assert SavedSearch.objects.count() == 1
    client.post("/applications/searches/", {"delete": search.pk})
    assert SavedSearch.objects.count() == 0
