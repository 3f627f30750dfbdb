"""The photo pages and API: upload, reasons in Arabic and English, the portrait served only
to those who may see the pilgrim, the archive report, and the portrait where it is shown."""

from __future__ import annotations

import base64
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masar.border.views import _photo_uri
from masar.core.errors import Forbidden
from masar.photos.models import Portrait
from masar.photos.services import photo_batch_create, photo_batch_run, portrait_upload
from tests.photos import images

pytestmark = pytest.mark.django_db


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _photo(data: bytes, name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_api_upload_returns_every_reason_in_the_callers_language(
    api: Any, agent_staff: Any, draft: Any
) -> None:
    url = f"/api/v1/pilgrims/{draft.pilgrim_id}/photo/"
    response = api(agent_staff).post(url, {"photo": _photo(images.blurred())}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["pilgrim_id"]) == ("flagged", draft.pilgrim_id)
    assert body["reasons"] == [
        {
            "code": "blurred",
            "message": f"The photo is blurred. Measured: {body['metrics']['sharpness']:.0f}.",
        }
    ]
    assert body["image_url"] == f"/pilgrims/{draft.pilgrim_id}/photo/portrait.jpg"
    arabic = api(agent_staff)
    arabic.credentials(HTTP_ACCEPT_LANGUAGE="ar")
    reasons = arabic.get(url).json()["reasons"]
    assert reasons[0]["message"].startswith("الصورة غير واضحة.")


def test_api_refusal_is_a_coded_400_with_the_field(api: Any, agent_staff: Any, draft: Any) -> None:
    response = api(agent_staff).post(
        f"/api/v1/pilgrims/{draft.pilgrim_id}/photo/",
        {"photo": _photo(images.png_bomb(), "bomb.png")},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "photo_refused"
    assert body["fields"] == {
        "photo": ["The image has too many pixels. At most 40000000 pixels in all."]
    }
    assert Portrait.objects.count() == 0
    missing = api(agent_staff).post(
        f"/api/v1/pilgrims/{draft.pilgrim_id}/photo/", {}, format="multipart"
    )
    assert missing.status_code == 400
    assert list(missing.json()["fields"]) == ["photo"]


def test_other_organizations_see_no_photo_and_no_image(
    api: Any, agent_staff: Any, other_agent_staff: Any, other_company_staff: Any, draft: Any
) -> None:
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=_photo(images.good()))
    for outsider in (other_agent_staff, other_company_staff):
        assert api(outsider).get(f"/api/v1/pilgrims/{draft.pilgrim_id}/photo/").status_code == 404
        response = _client(outsider).get(f"/pilgrims/{draft.pilgrim_id}/photo/portrait.jpg")
        assert response.status_code == 404
        assert _client(outsider).get(f"/pilgrims/{draft.pilgrim_id}/photo/").status_code == 404
    denied = api(other_agent_staff).post(
        f"/api/v1/pilgrims/{draft.pilgrim_id}/photo/",
        {"photo": _photo(images.good(1))},
        format="multipart",
    )
    assert denied.status_code == 404
    assert Portrait.objects.get().sha256 != ""


def test_the_portrait_is_served_to_the_agent_and_the_ministries_only_privately(
    client: Client, agent_staff: Any, visa_officer: Any, border_officer: Any, draft: Any
) -> None:
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=_photo(images.good()))
    url = f"/pilgrims/{draft.pilgrim_id}/photo/portrait.jpg"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    for user in (agent_staff, visa_officer, border_officer):
        response = _client(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=300"
        assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    name = Portrait.objects.get().image.name
    assert Client().get(f"/media/{name}").status_code == 404


def test_the_photo_page_uploads_and_shows_reasons_in_both_languages(
    agent_staff: Any, draft: Any
) -> None:
    url = f"/pilgrims/{draft.pilgrim_id}/photo/"
    response = _client(agent_staff).post(url, {"action": "upload", "photo": _photo(images.tiny())})
    assert response.status_code == 302
    english = _client(agent_staff, "en").get(url).content.decode()
    assert "The resolution is too low. 140×180 pixels; at least 413×531." in english
    arabic = _client(agent_staff, "ar").get(url).content.decode()
    assert "دقة الصورة منخفضة جدًا. 140×180 نقطة؛ الحد الأدنى 413×531." in arabic
    refused = _client(agent_staff).post(url, {"action": "upload", "photo": _photo(images.gif())})
    assert refused.status_code == 400
    assert "The photo must be JPEG or PNG. This file is GIF." in refused.content.decode()


def test_an_officer_accepts_from_the_page(agent_staff: Any, visa_officer: Any, draft: Any) -> None:
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=_photo(images.blurred()))
    url = f"/pilgrims/{draft.pilgrim_id}/photo/"
    page = _client(visa_officer).get(url).content.decode()
    assert 'value="accept"' in page
    assert 'value="accept"' not in _client(agent_staff).get(url).content.decode()
    empty = _client(visa_officer).post(url, {"action": "accept", "reason": ""})
    assert empty.status_code == 400
    assert Portrait.objects.get().status == "flagged"
    done = _client(visa_officer).post(url, {"action": "accept", "reason": "Clear enough."})
    assert done.status_code == 302
    assert Portrait.objects.get().status == "accepted"


def test_the_archive_page_and_api_report_each_file(
    api: Any, agent_staff: Any, other_agent_staff: Any, group: Any, make_draft: Any
) -> None:
    pilgrim = make_draft().pilgrim
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(f"{pilgrim.passport_number}.jpg", images.no_face())
        zf.writestr("X1234567.jpg", images.good())
    upload = SimpleUploadedFile("group.zip", out.getvalue(), content_type="application/zip")
    response = _client(agent_staff).post(f"/groups/{group.pk}/photos/", {"file": upload})
    assert response.status_code == 302
    batch_id = int(response["Location"].rstrip("/").split("/")[-1])
    photo_batch_run(batch_id=batch_id)
    body = api(agent_staff).get(f"/api/v1/photo-archives/{batch_id}/").json()
    assert (body["status"], body["accepted_files"], body["rejected_files"]) == ("completed", 0, 2)
    assert [(i["file_name"], i["reasons"]) for i in body["items"]] == [
        (f"{pilgrim.passport_number}.jpg", [{"code": "no_face", "message": "No face was found."}]),
        (
            "X1234567.jpg",
            [
                {
                    "code": "no_pilgrim_with_passport",
                    "message": "No pilgrim of the group has this passport number.",
                }
            ],
        ),
    ]
    arabic = _client(agent_staff, "ar").get(f"/photos/archives/{batch_id}/").content.decode()
    assert "لم يُعثر على وجه." in arabic
    assert "لا يوجد في المجموعة حاج بهذا الرقم من جوازات السفر." in arabic
    assert api(other_agent_staff).get(f"/api/v1/photo-archives/{batch_id}/").status_code == 404
    assert _client(other_agent_staff).get(f"/photos/archives/{batch_id}/").status_code == 404


def test_archive_api_upload_is_accepted_then_refused_for_a_bad_file(
    api: Any, agent_staff: Any, group: Any
) -> None:
    bad = SimpleUploadedFile("group.zip", b"not a zip", content_type="application/zip")
    response = api(agent_staff).post(
        f"/api/v1/groups/{group.pk}/photo-archives/", {"file": bad}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_zip"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("A1234567.jpg", images.good())
    good = SimpleUploadedFile("group.zip", out.getvalue(), content_type="application/zip")
    accepted = api(agent_staff).post(
        f"/api/v1/groups/{group.pk}/photo-archives/", {"file": good}, format="multipart"
    )
    assert accepted.status_code == 202
    assert (accepted.json()["status"], accepted.json()["total_files"]) == ("queued", 1)


def test_the_portrait_shows_on_the_application_page_and_inline_for_the_desk_and_pdf(
    agent_staff: Any, draft: Any
) -> None:
    page = _client(agent_staff).get(f"/applications/{draft.pk}/").content.decode()
    assert "No photo" in page
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=_photo(images.good()))
    page = _client(agent_staff).get(f"/applications/{draft.pk}/").content.decode()
    assert f'src="/pilgrims/{draft.pilgrim_id}/photo/portrait.jpg"' in page
    with Portrait.objects.get().image.open("rb") as handle:
        stored = handle.read()
    assert (
        _photo_uri(draft.pilgrim) == "data:image/jpeg;base64," + base64.b64encode(stored).decode()
    )


def test_photo_batch_create_needs_the_group_in_scope(agent_staff: Any, other_group: Any) -> None:
    with pytest.raises(Forbidden):
        photo_batch_create(
            actor=agent_staff,
            group=other_group,
            upload=SimpleUploadedFile("a.zip", b"x"),
            enqueue=False,
        )
