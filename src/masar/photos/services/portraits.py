"""A pilgrim's portrait: uploaded by the agent (checked, normalised, stored), accepted by
an officer when flagged. The checks run outside any transaction (they take tens of
milliseconds of CPU); only the store of their result is one transaction, with its audit
entry."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.applications.models import Pilgrim
from masar.applications.services.common import agent_of_actor
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from masar.photos.checks import (
    CheckOutcome,
    PhotoProblem,
    Problem,
    Thresholds,
    portrait_check,
)
from masar.photos.error_codes import PhotosError
from masar.photos.models import Portrait, PortraitStatus
from masar.photos.reasons import reason_text

# Who may accept a flagged portrait: the consulate's visa officers and ministry supervisors.
ACCEPT_ROLES = (Role.VISA_OFFICER, Role.SUPERVISOR)


def photo_thresholds() -> Thresholds:
    """The thresholds in force: the defaults, less what MASAR_PHOTO_CHECKS overrides."""
    return Thresholds.from_mapping(dict(getattr(settings, "MASAR_PHOTO_CHECKS", {}) or {}))


def read_bounded(handle: IO[bytes], limit: int) -> bytes | None:
    """At most `limit` bytes; None when there is more (never reads past limit + 1)."""
    data = handle.read(limit + 1)
    return None if len(data) > limit else data


def _refusal(problems: Iterable[Problem]) -> ValidationFailed:
    messages = [reason_text(p.code, p.params) for p in problems]
    return ValidationFailed(
        PhotosError.PHOTO_REFUSED,
        _("The photo cannot be used: %s") % " ".join(messages),
        fields={"photo": messages},
    )


def portrait_save_checked(
    *,
    actor: User | None,
    pilgrim: Pilgrim,
    outcome: CheckOutcome,
    original_name: str,
    digest: str,
    via: str,
) -> Portrait:
    """Replace the pilgrim's portrait with a checked one (in the caller's transaction)."""
    status = PortraitStatus.COMPLIANT if outcome.compliant else PortraitStatus.FLAGGED
    reasons = [p.as_dict() for p in outcome.problems]
    # The pilgrim's row orders two uploads for the same pilgrim (the first creates the
    # portrait, the second replaces it), also when there is no portrait yet.
    list(Pilgrim.objects.select_for_update().filter(pk=pilgrim.pk).values_list("pk", flat=True))
    portrait = Portrait.objects.select_for_update().filter(pilgrim=pilgrim).first()
    old_name = portrait.image.name if portrait is not None else ""
    if portrait is None:
        portrait = Portrait(pilgrim=pilgrim)
    portrait.status = status
    portrait.reasons = reasons
    portrait.metrics = outcome.metrics
    portrait.sha256 = digest
    portrait.original_name = original_name[-200:]
    portrait.uploaded_by = actor
    portrait.uploaded_at = timezone.now()
    portrait.accepted_by = None
    portrait.accepted_at = None
    portrait.accept_reason = ""
    portrait.image.save("portrait.jpg", ContentFile(outcome.jpeg), save=False)
    portrait.save()
    if old_name:
        storage = portrait.image.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    audit_record(
        actor=actor,
        action="photo.uploaded",
        target=pilgrim,
        details={
            "via": via,
            "status": status,
            "reasons": [r["code"] for r in reasons],
            "sha256": digest,
        },
    )
    return portrait


def _pilgrim_of_agent(actor: User, pilgrim: Pilgrim) -> None:
    agent = agent_of_actor(actor)
    if pilgrim.agent_id != agent.pk:
        raise Forbidden(PhotosError.NOT_ALLOWED, _("This pilgrim belongs to another agent."))


def portrait_upload(*, actor: User, pilgrim: Pilgrim, upload: UploadedFile) -> Portrait:
    """The pilgrim's agent uploads a photo. Every check runs and all failures are kept
    together; a photo that cannot be a portrait at all (too large, not JPEG or PNG, too
    many pixels, unreadable) is refused and nothing changes; any other failure keeps the
    photo as flagged, usable once an officer accepts it."""
    _pilgrim_of_agent(actor, pilgrim)
    t = photo_thresholds()
    if upload.size is not None and upload.size > t.max_bytes:
        raise _refusal(
            [Problem(PhotoProblem.FILE_TOO_LARGE, {"size": upload.size, "limit": t.max_bytes})]
        )
    upload.seek(0)
    data = read_bounded(upload, t.max_bytes)
    if data is None:
        raise _refusal([Problem(PhotoProblem.FILE_TOO_LARGE, {"limit": t.max_bytes})])
    outcome = portrait_check(data, t)
    if outcome.refused:
        raise _refusal(outcome.problems)
    with transaction.atomic():
        return portrait_save_checked(
            actor=actor,
            pilgrim=pilgrim,
            outcome=outcome,
            original_name=upload.name or "",
            digest=hashlib.sha256(data).hexdigest(),
            via="upload",
        )


@transaction.atomic
def portrait_accept(*, actor: User, pilgrim: Pilgrim, reason: str) -> Portrait:
    """An officer accepts a flagged portrait, saying why; audited with the flags it had."""
    org = actor.organization
    if org is None or not org.is_ministry or not actor.has_role(*ACCEPT_ROLES):
        raise Forbidden(
            PhotosError.NOT_ALLOWED,
            _("Only a visa officer or a ministry supervisor can accept a flagged photo."),
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            PhotosError.REASON_REQUIRED,
            _("Say why the photo is acceptable."),
            fields={"reason": [_("This field is required.")]},
        )
    portrait = Portrait.objects.select_for_update(of=("self",)).filter(pilgrim=pilgrim).first()
    if portrait is None:
        raise NotFound(PhotosError.PHOTO_MISSING, _("The pilgrim has no photo."))
    if portrait.status != PortraitStatus.FLAGGED:
        raise Conflict(PhotosError.NOT_FLAGGED, _("Only a flagged photo can be accepted."))
    portrait.status = PortraitStatus.ACCEPTED
    portrait.accepted_by = actor
    portrait.accepted_at = timezone.now()
    portrait.accept_reason = reason[:2000]
    portrait.save(update_fields=["status", "accepted_by", "accepted_at", "accept_reason"])
    audit_record(
        actor=actor,
        action="photo.accepted",
        target=pilgrim,
        details={"reason": portrait.accept_reason, "flags": [r["code"] for r in portrait.reasons]},
    )
    return portrait
