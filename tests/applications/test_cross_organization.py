"""Another agent or another company can neither read nor change what is not theirs:
every endpoint answers 404 and nothing changes."""

from __future__ import annotations

import pytest

from masar.applications.models import Application, Group, ManifestJob
from masar.applications.services import application_submit, manifest_job_create, manifest_job_run
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from tests.applications.factories import as_text, pilgrim_values
from tests.applications.manifest_files import csv_bytes, manifest_row, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(group, draft, make_draft, agent_staff, django_capture_on_commit_callbacks):
    submitted = make_draft()
    application_submit(actor=agent_staff, application=submitted)
    with django_capture_on_commit_callbacks(execute=False):
        job = manifest_job_create(
            actor=agent_staff, group=group, upload=upload(csv_bytes([manifest_row()]))
        )
    manifest_job_run(job_id=job.pk)
    return {"group": group, "draft": draft, "submitted": submitted, "job": job}


def _snapshot():
    return (
        list(Application.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        Group.objects.count(),
        ManifestJob.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


READS = [
    "/api/v1/groups/{group}/",
    "/api/v1/jobs/{job}/",
    "/api/v1/jobs/{job}/report.csv",
    "/api/v1/jobs/{job}/report.xlsx",
    "/api/v1/applications/{draft}/",
    "/api/v1/applications/{submitted}/",
]
WRITES = [
    ("/api/v1/groups/{group}/submit/", {}),
    ("/api/v1/applications/{draft}/submit/", {}),
    ("/api/v1/applications/{submitted}/approve/", {}),
    ("/api/v1/applications/{submitted}/return/", {"reason": "no"}),
    ("/api/v1/applications/{draft}/withdraw/", {"reason": "no"}),
    ("/api/v1/applications/{submitted}/withdraw/", {"reason": "no"}),
]


def _url(template, world):
    return template.format(
        group=world["group"].pk,
        job=world["job"].pk,
        draft=world["draft"].pk,
        submitted=world["submitted"].pk,
    )


@pytest.mark.parametrize("outsider", ["other_agent_staff", "other_company_staff"])
@pytest.mark.parametrize("template", READS)
def test_outsiders_cannot_read(request, api, world, outsider, template):
    user = request.getfixturevalue(outsider)
    response = api(user).get(_url(template, world))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("outsider", ["other_agent_staff", "other_company_staff"])
@pytest.mark.parametrize(("template", "body"), WRITES)
def test_outsiders_cannot_change(request, api, world, outsider, template, body):
    user = request.getfixturevalue(outsider)
    before = _snapshot()
    response = api(user).post(_url(template, world), body, format="json")
    # a company's staff lack the agent role (403) or cannot see the record (404)
    assert response.status_code in (403, 404)
    if response.status_code == 403:
        assert response.json()["code"] == "role_required"
    assert _snapshot() == before


@pytest.mark.parametrize("outsider", ["other_agent_staff", "other_company_staff"])
def test_outsiders_see_nothing_in_lists(request, api, world, outsider):
    client = api(request.getfixturevalue(outsider))
    assert client.get("/api/v1/groups/").json()["count"] == 0
    assert client.get("/api/v1/applications/").json()["count"] == 0


def test_another_agent_cannot_add_to_or_upload_into_a_group(api, world, other_agent_staff):
    before = _snapshot()
    client = api(other_agent_staff)
    response = client.post(
        "/api/v1/applications/",
        {"group_id": world["group"].pk, **as_text(pilgrim_values())},
        format="json",
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/groups/{world['group'].pk}/manifests/",
        {"file": upload(csv_bytes([manifest_row()]))},
        format="multipart",
    )
    assert response.status_code == 404
    assert _snapshot() == before


def test_another_company_bulk_approval_changes_nothing(api, world, other_company_staff):
    before = _snapshot()
    response = api(other_company_staff).post(
        "/api/v1/applications/bulk-approve/",
        {"application_ids": [world["submitted"].pk]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "done": [],
        "refused": {
            str(world["submitted"].pk): [
                {
                    "field": "application_id",
                    "code": "application_not_found",
                    "message": "Not found.",
                }
            ]
        },
    }
    assert _snapshot()[0] == before[0]


def test_the_company_sees_submitted_but_not_drafts(api, world, company_staff):
    client = api(company_staff)
    assert client.get(f"/api/v1/applications/{world['submitted'].pk}/").status_code == 200
    assert client.get(f"/api/v1/applications/{world['draft'].pk}/").status_code == 404
    assert client.get(f"/api/v1/groups/{world['group'].pk}/").status_code == 200
    assert client.get(f"/api/v1/jobs/{world['job'].pk}/").status_code == 200


def test_ministries_read_what_their_work_needs(
    api, world, mohu, licensing_officer, security_analyst
):
    # Agents' drafts are read by the MOHU's supervisors only (the access matrix).
    supervisor = UserFactory(organization=mohu, roles=["supervisor"])
    assert api(supervisor).get(f"/api/v1/applications/{world['draft'].pk}/").status_code == 200
    assert (
        api(licensing_officer).get(f"/api/v1/applications/{world['submitted'].pk}/").status_code
        == 200
    )
    for user in (licensing_officer, security_analyst):
        client = api(user)
        assert client.get(f"/api/v1/applications/{world['draft'].pk}/").status_code == 404
        assert client.get(f"/api/v1/groups/{world['group'].pk}/").status_code == 200
