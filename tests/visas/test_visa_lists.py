"""Issued visas you can find: the foreign ministry's list of every visa and a company's or
an agent's of its own, searched by visa or passport number, group and issue day, paged by
a cursor; a group's visas as one ZIP of PDFs, at once for a small group and in the
background with its progress for a large one."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from masar.core.models import AuditEntry
from masar.visas.models import VisaArchive
from masar.visas.services import archives
from masar.visas.tasks import build_visa_archive

pytestmark = pytest.mark.django_db


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _numbers(response: Any) -> list[str]:
    return [visa.number for visa in response.context["rows"]]


def test_the_ministry_finds_a_visa_by_number_passport_group_and_day(
    issued: Any, visa_officer: Any
) -> None:
    first, second = issued(), issued()
    client = signed_in(visa_officer)
    everything = client.get("/visas/")
    assert everything.status_code == 200
    assert _numbers(everything) == [second.number, first.number]  # newest first
    html = everything.content.decode()
    assert f'href="/visas/{first.number}/"' in html
    assert f'href="/applications/{first.application_id}/"' in html
    assert f'href="/api/v1/visas/{first.number}/document.pdf"' in html
    assert f'href="/visas/{first.number}/#cancel"' in html  # the officer may cancel
    by_number = client.get("/visas/", {"q": first.number.lower()})
    assert _numbers(by_number) == [first.number]
    passport = second.application.pilgrim.passport_number
    assert _numbers(client.get("/visas/", {"q": passport})) == [second.number]
    group_id = first.application.group_id
    by_group = client.get("/visas/", {"group": group_id})
    assert _numbers(by_group) == [second.number, first.number]
    assert f'action="/visas/groups/{group_id}/archive/"' in by_group.content.decode()
    day = first.issued_at.astimezone(archives_tz()).date().isoformat()
    assert _numbers(client.get("/visas/", {"issued": day})) == [second.number, first.number]
    assert _numbers(client.get("/visas/", {"issued": "2001-01-01"})) == []
    assert _numbers(client.get("/visas/", {"issued": "31-31-31"})) == [second.number, first.number]
    assert _numbers(client.get("/visas/", {"status": "cancelled"})) == []


def archives_tz() -> Any:
    from masar.visas.seal import KINGDOM_TZ

    return KINGDOM_TZ


def test_the_list_pages_by_cursor(issued: Any, visa_officer: Any, monkeypatch: Any) -> None:
    from masar.visas import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 1)
    first, second = issued(), issued()
    client = signed_in(visa_officer)
    page_one = client.get("/visas/")
    assert _numbers(page_one) == [second.number]
    assert page_one.context["next_after"] == second.pk
    page_two = client.get("/visas/", {"after": second.pk})
    assert _numbers(page_two) == [first.number]
    assert page_two.context["next_after"] is None


def test_a_company_and_an_agent_see_their_own_only(
    issued: Any, company_staff: Any, agent_staff: Any, other_company_staff: Any
) -> None:
    visa = issued()
    for user in (company_staff, agent_staff):
        response = signed_in(user, "ar").get("/visas/")
        assert _numbers(response) == [visa.number]
        assert "#cancel" not in response.content.decode()
    assert _numbers(signed_in(other_company_staff).get("/visas/")) == []


def _zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return sorted(bundle.namelist())


def test_a_small_group_downloads_its_visas_as_one_zip(issued: Any, agent_staff: Any) -> None:
    first, second = issued(), issued()
    client = signed_in(agent_staff)
    group_id = first.application.group_id
    response = client.post(f"/visas/groups/{group_id}/archive/")
    archive = VisaArchive.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/visas/archives/{archive.pk}/file/"
    download = client.get(response["Location"])
    assert download["Content-Type"] == "application/zip"
    data = b"".join(download.streaming_content)
    assert _zip_names(data) == sorted([f"e-visa-{first.number}.pdf", f"e-visa-{second.number}.pdf"])
    assert (archive.status, archive.done, archive.total) == ("done", 2, 2)
    entry = AuditEntry.objects.filter(action="visas.archive_request").get()
    assert entry.details == {"group_id": group_id, "total": 2}


def test_a_large_group_is_built_in_the_background_with_progress(
    issued: Any,
    company_staff: Any,
    other_company_staff: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(archives, "INLINE_LIMIT", 1)
    first, second = issued(), issued()
    client = signed_in(company_staff)
    group_id = first.application.group_id
    enqueued: list[int] = []
    monkeypatch.setattr(archives, "_archive_enqueue", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/visas/groups/{group_id}/archive/")
    archive = VisaArchive.objects.get()
    assert enqueued == [archive.pk]
    assert response["Location"] == f"/visas/archives/{archive.pk}/"
    progress = client.get(response["Location"])
    html = progress.content.decode()
    assert (
        'data-status="queued"' in html
        and "0 of 2 visas" in html
        and 'hx-trigger="every 2s"' in html
    )
    assert client.get(f"/visas/archives/{archive.pk}/file/").status_code == 404  # not yet
    assert signed_in(other_company_staff).get(f"/visas/archives/{archive.pk}/").status_code == 404
    build_visa_archive.call(archive_id=archive.pk)  # what the worker runs
    ready = client.get(f"/visas/archives/{archive.pk}/", headers={"hx-request": "true"})
    assert (
        'data-status="done"' in ready.content.decode()
        and "hx-trigger" not in ready.content.decode()
    )
    data = b"".join(client.get(f"/visas/archives/{archive.pk}/file/").streaming_content)
    assert _zip_names(data) == sorted([f"e-visa-{first.number}.pdf", f"e-visa-{second.number}.pdf"])


def test_another_organizations_group_has_nothing_to_download(
    issued: Any, other_company_staff: Any
) -> None:
    visa = issued()
    response = signed_in(other_company_staff).post(
        f"/visas/groups/{visa.application.group_id}/archive/"
    )
    assert response.status_code == 302
    assert VisaArchive.objects.count() == 0
