"""The portrait where the pilgrim is identified: the consular queue (compact, with the
flag shown) and the tracker's e-visa download."""

from __future__ import annotations

from typing import Any

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masar.photos.services import portrait_upload
from tests.photos import images
from tests.visas import conftest as visas_fixtures

pytestmark = pytest.mark.django_db

visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued


def _photo(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("p.jpg", data, content_type="image/jpeg")


def test_the_consular_queue_shows_each_portrait_and_its_flag(
    in_decision: Any, visa_officer: Any, agent_staff: Any
) -> None:
    with_photo, flagged, without = in_decision(), in_decision(), in_decision()
    portrait_upload(actor=agent_staff, pilgrim=with_photo.pilgrim, upload=_photo(images.good()))
    portrait_upload(actor=agent_staff, pilgrim=flagged.pilgrim, upload=_photo(images.dark()))
    client = Client()
    client.force_login(visa_officer)
    client.cookies["django_language"] = "en"
    html = client.get("/visas/decisions/").content.decode()
    for app in (with_photo, flagged):
        assert f'src="/pilgrims/{app.pilgrim_id}/photo/portrait.jpg"' in html
    assert f'src="/pilgrims/{without.pilgrim_id}/photo/portrait.jpg"' not in html
    assert html.count('<div class="photo none">No photo</div>') == 1
    assert html.count('<span class="badge photo-flagged">Flagged</span>') == 1
    image = client.get(f"/pilgrims/{flagged.pilgrim_id}/photo/portrait.jpg")
    assert image.status_code == 200


def test_the_trackers_download_carries_the_portrait(
    issued: Any, agent_staff: Any, api: Any
) -> None:
    visa = issued()
    pilgrim = visa.application.pilgrim
    document = api(None).post(
        "/api/v1/track/document.pdf",
        {"application": visa.application.number, "passport": pilgrim.passport_number},
    )
    assert document.status_code == 200
    before = [o.type for o in pypdfium2.PdfDocument(document.content)[0].get_objects(max_depth=3)]
    assert pypdfium2.raw.FPDF_PAGEOBJ_IMAGE not in before
    portrait_upload(actor=agent_staff, pilgrim=pilgrim, upload=_photo(images.good(5)))
    document = api(None).post(
        "/api/v1/track/document.pdf",
        {"application": visa.application.number, "passport": pilgrim.passport_number},
    )
    after = [o.type for o in pypdfium2.PdfDocument(document.content)[0].get_objects(max_depth=3)]
    assert pypdfium2.raw.FPDF_PAGEOBJ_IMAGE in after
