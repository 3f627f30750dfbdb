"""Pilgrim photos in a browser: an agent uploads a group's ZIP with a few bad photos and
sees every file's outcome with each rejection's reason, in Arabic and in English; the
border desk's verdict and the e-visa PDF show the portrait (screenshots kept in
docs/screenshots/ when MASAR_SCREENSHOTS names that folder)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from masar.border.models import PortAssignment
from masar.photos.models import PhotoBatch, Portrait
from masar.photos.services import photo_batch_run, portrait_upload
from masar.visas.pdf import visa_pdf
from tests.border.test_lists import make_port
from tests.browser.conftest import sign_in
from tests.photos import images
from tests.visas import conftest as visas_fixtures

pytestmark = pytest.mark.django_db(transaction=True)

_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
make_draft = visas_fixtures.make_draft
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued


@pytest.fixture(autouse=True)
def _private_store(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "portraits": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def _shot(page: Any, name: str) -> None:
    if os.environ.get("MASAR_SCREENSHOTS"):
        out = Path(os.environ["MASAR_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name), full_page=True)


def _zip(files: list[tuple[str, bytes]], path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
    return path


def _language(page: Any, language: str) -> None:
    page.locator(f"form.lang button[value={language}]").click()
    page.wait_for_selector(f"html[lang={language}]")


def test_an_agent_uploads_a_group_zip_and_sees_each_rejection_with_its_reason(
    page: Any, agent_staff: Any, group: Any, make_draft: Any, tmp_path: Path
) -> None:
    good, dark, twins, nobody = (make_draft().pilgrim for _ in range(4))
    archive = _zip(
        [
            (f"{good.passport_number}.jpg", images.good(0)),
            (f"{dark.passport_number}.jpg", images.dark()),
            (f"{twins.passport_number}.jpg", images.two_faces()),
            (f"{nobody.passport_number}.png", images.png_bomb()),
            ("Z0000000.jpg", images.good(1)),
        ],
        tmp_path / "group.zip",
    )
    sign_in(page, agent_staff.username)
    page.wait_for_selector("main")
    page.goto(f"/groups/{group.pk}/")
    page.click(f"a[href='/groups/{group.pk}/photos/']")
    page.wait_for_selector("#id_file")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.set_input_files("#id_file", str(archive))
    page.click("button[type=submit].primary")
    page.wait_for_selector("#batch-progress")
    batch = PhotoBatch.objects.get()
    assert (batch.status, batch.total_files) == ("queued", 5)
    photo_batch_run(batch_id=batch.pk)  # what the worker's task does
    # The page's poll may have caught the run half way: read the finished batch.
    page.reload()
    page.wait_for_selector("#photo-report")

    def row(name: str) -> str:
        return str(page.locator(f"tr[data-file='{name}']").inner_text())

    # Arabic
    assert page.locator("#batch-accepted").inner_text() == "1"
    assert page.locator("#batch-rejected").inner_text() == "4"
    assert "مقبول" in row(f"{good.passport_number}.jpg")
    assert "الصورة داكنة جدًا." in row(f"{dark.passport_number}.jpg")
    assert "التباين ضعيف جدًا." in row(f"{dark.passport_number}.jpg")
    assert "عُثر على أكثر من وجه. وجهان." in row(f"{twins.passport_number}.jpg")
    assert "عدد نقاط الصورة أكبر من المسموح." in row(f"{nobody.passport_number}.png")
    assert "لا يوجد في المجموعة حاج بهذا الرقم من جوازات السفر." in row("Z0000000.jpg")
    _shot(page, "photos-archive-report-ar.png")

    # English: the same report, every reason in English
    _language(page, "en")
    page.wait_for_selector("#photo-report")
    assert "Accepted" in row(f"{good.passport_number}.jpg")
    assert "The photo is too dark." in row(f"{dark.passport_number}.jpg")
    assert "The contrast is too low." in row(f"{dark.passport_number}.jpg")
    assert "More than one face was found. 2 faces." in row(f"{twins.passport_number}.jpg")
    assert "The image has too many pixels." in row(f"{nobody.passport_number}.png")
    assert "No pilgrim of the group has this passport number." in row("Z0000000.jpg")
    _shot(page, "photos-archive-report-en.png")
    assert dict(Portrait.objects.values_list("pilgrim_id", "status")) == {
        good.pk: "compliant",
        dark.pk: "flagged",
        twins.pk: "flagged",
    }


def test_the_border_verdict_and_the_visa_pdf_show_the_portrait(
    page: Any, border_officer: Any, agent_staff: Any, issued: Any
) -> None:
    PortAssignment.objects.create(user=border_officer, port=make_port("JED", "Jeddah"))
    visa = issued()
    pilgrim = visa.application.pilgrim
    portrait_upload(
        actor=agent_staff,
        pilgrim=pilgrim,
        upload=SimpleUploadedFile("p.jpg", images.good(2), content_type="image/jpeg"),
    )

    # The e-visa PDF carries the portrait as an image on its page.
    pdf = pypdfium2.PdfDocument(visa_pdf(visa=visa))
    page_one = pdf[0]
    kinds = [obj.type for obj in page_one.get_objects(max_depth=3)]
    assert pypdfium2.raw.FPDF_PAGEOBJ_IMAGE in kinds
    if os.environ.get("MASAR_SCREENSHOTS"):
        out = Path(os.environ["MASAR_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page_one.render(scale=1.6).to_pil().save(out / "visa-pdf-with-photo.png")

    # The border desk: the verdict shows the portrait beside the data read.
    sign_in(page, border_officer.username)
    page.wait_for_selector("main")
    page.goto("/border/officer/")
    for line in pilgrim.mrz.split("\n"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-verdict=allowed]")
    photo = page.locator("#verdict img.photo")
    assert photo.count() == 1
    assert str(photo.get_attribute("src")).startswith("data:image/jpeg;base64,")
    assert (
        page.evaluate(
            "() => { const i = document.querySelector('#verdict img.photo');"
            " return i.complete && i.naturalWidth; }"
        )
        == 413
    )
    _shot(page, "border-verdict-with-photo-ar.png")
