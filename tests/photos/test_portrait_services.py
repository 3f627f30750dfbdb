"""A pilgrim's photo: upload by the agent, flags, refusals, an officer's acceptance, and
the season rule "photo present and compliant"."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from masar.applications.services import application_submit
from masar.core.errors import Conflict, Forbidden, NotFound, Unprocessable, ValidationFailed
from masar.core.models import AuditEntry
from masar.photos.models import Portrait, PortraitStatus
from masar.photos.rendering import portrait_data_uri
from masar.photos.services import portrait_accept, portrait_upload
from masar.seasons.models import SeasonRules
from tests.factories import UserFactory
from tests.photos import images


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_compliant_photo_is_normalised_stored_privately_and_audited(
    draft: Any, agent_staff: Any, _private_store: Any
) -> None:
    pilgrim = draft.pilgrim
    portrait = portrait_upload(actor=agent_staff, pilgrim=pilgrim, upload=upload(images.good()))
    portrait.refresh_from_db()
    assert portrait.status == PortraitStatus.COMPLIANT
    assert portrait.reasons == []
    assert portrait.uploaded_by == agent_staff
    assert portrait.image.name.startswith("portraits/")
    stored = _private_store / portrait.image.name
    assert stored.exists()
    assert Image.open(stored).size == (413, 531)
    entry = AuditEntry.objects.get(action="photo.uploaded", target_id=str(pilgrim.pk))
    assert entry.details["status"] == "compliant"
    assert entry.details["reasons"] == []
    assert entry.details["via"] == "upload"
    assert portrait_data_uri(pilgrim).startswith("data:image/jpeg;base64,/9j/")


def test_a_photo_failing_checks_is_kept_flagged_with_every_reason(
    draft: Any, agent_staff: Any
) -> None:
    portrait = portrait_upload(
        actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.dark())
    )
    assert portrait.status == PortraitStatus.FLAGGED
    assert [r["code"] for r in portrait.reasons] == [
        "too_dark",
        "low_contrast",
        "blurred",
        "background_not_plain",
    ]


def test_a_new_upload_replaces_the_portrait_and_its_file(
    draft: Any, agent_staff: Any, _private_store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = portrait_upload(
            actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.dark())
        )
    old = _private_store / first.image.name
    with django_capture_on_commit_callbacks(execute=True):
        second = portrait_upload(
            actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.good(2))
        )
    assert Portrait.objects.filter(pilgrim=draft.pilgrim).count() == 1
    assert second.status == PortraitStatus.COMPLIANT
    assert not old.exists()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (images.png_bomb(), "too_many_pixels"),
        (images.gif(), "format_not_allowed"),
        (b"GIF89a-not-really", "unreadable"),
    ],
)
def test_a_file_that_cannot_be_a_portrait_is_refused_and_nothing_changes(
    draft: Any, agent_staff: Any, data: bytes, code: str
) -> None:
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(data))
    assert refused.value.code == "photo_refused"
    assert len(refused.value.fields["photo"]) == 1
    assert Portrait.objects.count() == 0
    assert AuditEntry.objects.count() == audits
    del code  # the message names it; the code list is tested in test_checks


def test_an_upload_larger_than_the_limit_is_refused_before_reading(
    draft: Any, agent_staff: Any, settings: Any
) -> None:
    settings.MASAR_PHOTO_CHECKS = {"max_bytes": 10_000}
    with pytest.raises(ValidationFailed) as refused:
        portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.good()))
    assert refused.value.fields == {"photo": ["The file is too large. 27 KB; at most 9 KB."]}
    assert Portrait.objects.count() == 0


def test_another_agent_cannot_upload(draft: Any, other_agent_staff: Any) -> None:
    with pytest.raises(Forbidden) as denied:
        portrait_upload(
            actor=other_agent_staff, pilgrim=draft.pilgrim, upload=upload(images.good())
        )
    assert denied.value.code == "not_allowed"
    assert Portrait.objects.count() == 0


def test_company_staff_cannot_upload(draft: Any, company_staff: Any) -> None:
    with pytest.raises(Forbidden):
        portrait_upload(actor=company_staff, pilgrim=draft.pilgrim, upload=upload(images.good()))
    assert Portrait.objects.count() == 0


def test_a_visa_officer_accepts_a_flagged_photo_with_a_reason(
    draft: Any, agent_staff: Any, visa_officer: Any
) -> None:
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.blurred()))
    portrait = portrait_accept(
        actor=visa_officer, pilgrim=draft.pilgrim, reason="Scanned from the passport; clear enough."
    )
    portrait.refresh_from_db()
    assert portrait.status == PortraitStatus.ACCEPTED
    assert portrait.accepted_by == visa_officer
    assert portrait.accept_reason == "Scanned from the passport; clear enough."
    entry = AuditEntry.objects.get(action="photo.accepted")
    assert entry.details == {
        "reason": "Scanned from the passport; clear enough.",
        "flags": ["blurred"],
    }


def test_acceptance_needs_a_reason_an_officer_and_a_flagged_photo(
    draft: Any, agent_staff: Any, visa_officer: Any, border_officer: Any
) -> None:
    with pytest.raises(NotFound):
        portrait_accept(actor=visa_officer, pilgrim=draft.pilgrim, reason="fine")
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.blurred()))
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as no_reason:
        portrait_accept(actor=visa_officer, pilgrim=draft.pilgrim, reason="  ")
    assert (no_reason.value.code, no_reason.value.fields) == (
        "reason_required",
        {"reason": ["This field is required."]},
    )
    for actor in (agent_staff, border_officer):
        with pytest.raises(Forbidden):
            portrait_accept(actor=actor, pilgrim=draft.pilgrim, reason="fine")
    assert Portrait.objects.get().status == PortraitStatus.FLAGGED
    assert AuditEntry.objects.count() == audits
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.good()))
    with pytest.raises(Conflict) as not_flagged:
        portrait_accept(actor=visa_officer, pilgrim=draft.pilgrim, reason="fine")
    assert not_flagged.value.code == "photo_not_flagged"


def test_a_ministry_supervisor_may_accept(draft: Any, agent_staff: Any, mofa: Any) -> None:
    supervisor = UserFactory(organization=mofa, roles=["supervisor"])
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.blurred()))
    assert portrait_accept(actor=supervisor, pilgrim=draft.pilgrim, reason="ok").status == (
        PortraitStatus.ACCEPTED
    )


def _require_photo(season: Any) -> None:
    SeasonRules.objects.filter(season=season).update(photo_required=True)


def test_the_season_rule_refuses_a_submission_without_a_usable_photo(
    draft: Any, agent_staff: Any, season: Any, visa_officer: Any
) -> None:
    _require_photo(season)
    with pytest.raises(Unprocessable) as refused:
        application_submit(actor=agent_staff, application=draft)
    assert refused.value.fields["photo"] == [
        {"code": "photo_compliant", "message": "The pilgrim has no photo."}
    ]
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.tiny()))
    with pytest.raises(Unprocessable) as flagged:
        application_submit(actor=agent_staff, application=draft)
    assert flagged.value.fields["photo"] == [
        {
            "code": "photo_compliant",
            "message": "The pilgrim's photo failed the portrait checks and was not accepted.",
        }
    ]
    draft.refresh_from_db()
    assert draft.status == "draft"
    portrait_accept(actor=visa_officer, pilgrim=draft.pilgrim, reason="Printed at 35x45 mm.")
    assert application_submit(actor=agent_staff, application=draft).status == "submitted"


def test_the_rule_is_off_unless_the_season_requires_it(draft: Any, agent_staff: Any) -> None:
    assert application_submit(actor=agent_staff, application=draft).status == "submitted"


def test_a_compliant_photo_satisfies_the_rule(draft: Any, agent_staff: Any, season: Any) -> None:
    _require_photo(season)
    portrait_upload(actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.good(3)))
    assert application_submit(actor=agent_staff, application=draft).status == "submitted"


def test_the_normalised_file_has_no_exif_left(draft: Any, agent_staff: Any) -> None:
    portrait = portrait_upload(
        actor=agent_staff, pilgrim=draft.pilgrim, upload=upload(images.exif_rotated())
    )
    with portrait.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    assert dict(image.getexif()) == {}
    assert image.size == (413, 531)
