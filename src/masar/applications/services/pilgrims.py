"""Pilgrims and their draft applications, one at a time (manifests add them in bulk)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from masar.accounts.models import User
from masar.applications.eligibility.base import passport_key
from masar.applications.error_codes import ApplicationsError
from masar.applications.lock_objects import application_lock
from masar.applications.models import Application, Group, Pilgrim
from masar.applications.pilgrim_input import FIELDS, PilgrimInput, pilgrim_input_clean
from masar.applications.services.common import agent_of_actor
from masar.applications.states import EDITABLE_STATUSES, ApplicationStatus
from masar.core.audit import audit_record
from masar.core.dates import riyadh_today
from masar.core.errors import Conflict, Forbidden, ValidationFailed

# Passport-style photo limits (ICAO 9303 part 3 asks for a face that fills the frame;
# these keep uploads reasonable and printable).
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MIN_SIDE = 240
PHOTO_MAX_SIDE = 4000
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
OPEN_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


def application_number() -> str:
    """A public application number: 'A' and 15 letters/digits of base32 (75 random bits)."""
    return "A" + base64.b32encode(secrets.token_bytes(10)).decode()[:15]


def photo_problems(photo: UploadedFile) -> list[str]:
    """What is wrong with an uploaded photo (JPEG or PNG, size and dimension limits)."""
    if photo.size is not None and photo.size > PHOTO_MAX_BYTES:
        return [_("The photo is larger than %d MB.") % (PHOTO_MAX_BYTES // (1024 * 1024))]
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        return [_("The photo is not a readable JPEG or PNG image.")]
    finally:
        photo.seek(0)
    if kind not in PHOTO_FORMATS:
        return [_("The photo must be JPEG or PNG, not %s.") % kind]
    problems = []
    if min(width, height) < PHOTO_MIN_SIDE:
        problems.append(
            _("The photo is %(w)d×%(h)d pixels; each side needs at least %(min)d.")
            % {"w": width, "h": height, "min": PHOTO_MIN_SIDE}
        )
    if max(width, height) > PHOTO_MAX_SIDE:
        problems.append(
            _("The photo is %(w)d×%(h)d pixels; no side may exceed %(max)d.")
            % {"w": width, "h": height, "max": PHOTO_MAX_SIDE}
        )
    return problems


def _clean_or_raise(raw: Mapping[str, Any], *, default_residence: str) -> PilgrimInput:
    data, failures = pilgrim_input_clean(
        raw, today=riyadh_today(), default_residence=default_residence
    )
    if data is None:
        fields: dict[str, list[str]] = {}
        for failure in failures:
            fields.setdefault(failure.field, []).append(failure.message)
        raise ValidationFailed(
            ApplicationsError.INVALID_PILGRIM,
            _("Some of the pilgrim's data are not valid."),
            fields=fields,
        )
    return data


def _check_photo(photo: UploadedFile | None) -> None:
    if photo is None:
        return
    problems = photo_problems(photo)
    if problems:
        raise ValidationFailed(
            ApplicationsError.INVALID_PHOTO, problems[0], fields={"photo": problems}
        )


def _refuse_open_duplicate(group: Group, data: PilgrimInput, exclude_pk: int | None) -> None:
    """An agent keeps one open (draft or returned) application per passport."""
    duplicates = Application.objects.filter(
        agent_id=group.agent_id,
        status__in=OPEN_STATUSES,
        pilgrim__passport_issuing_state=data.passport_issuing_state,
        pilgrim__passport_number=data.passport_number,
    )
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    existing = duplicates.values_list("number", flat=True).first()
    if existing:
        raise Conflict(
            ApplicationsError.PASSPORT_DUPLICATE,
            _("This passport already has an open application (%s).") % existing,
            fields={"passport_number": [_("Already in application %s.") % existing]},
        )


@transaction.atomic
def application_create(
    *,
    actor: User,
    group: Group,
    pilgrim: Mapping[str, Any],
    photo: UploadedFile | None = None,
) -> Application:
    """Record a pilgrim and open their draft application in the agent's group."""
    agent = agent_of_actor(actor)
    if group.agent_id != agent.pk:
        raise Forbidden(ApplicationsError.NOT_ALLOWED, _("This group belongs to another agent."))
    data = _clean_or_raise(pilgrim, default_residence=agent.country)
    _check_photo(photo)
    _refuse_open_duplicate(group, data, None)
    now = timezone.now()
    person = Pilgrim(agent=agent, created_at=now, **data.model_values())
    if photo is not None:
        person.photo.save(_photo_name(photo), photo, save=False)
    person.save()
    application = Application.objects.create(
        number=application_number(),
        group=group,
        pilgrim=person,
        agent=agent,
        company_id=group.company_id,
        season_id=group.season_id,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        action="application.created",
        target=application,
        details={
            "number": application.number,
            "group_id": group.pk,
            "passport": passport_key(person.passport_issuing_state, person.passport_number),
        },
    )
    return application


def _photo_name(photo: UploadedFile) -> str:
    photo.seek(0)
    with Image.open(photo) as image:
        extension = PHOTO_FORMATS.get(image.format or "", "jpg")
    photo.seek(0)
    return f"{secrets.token_hex(12)}.{extension}"


@transaction.atomic
def application_update(
    *,
    actor: User,
    application: Application,
    pilgrim: Mapping[str, Any],
    photo: UploadedFile | None = None,
) -> Application:
    """Correct the pilgrim's data of a draft or returned application."""
    agent = agent_of_actor(actor)
    application = application_lock(application.pk)
    if application.agent_id != agent.pk:
        raise Forbidden(
            ApplicationsError.NOT_ALLOWED, _("This application belongs to another agent.")
        )
    if application.status not in EDITABLE_STATUSES:
        raise Conflict(
            ApplicationsError.NOT_EDITABLE,
            _("Only a draft or a returned application can be changed."),
        )
    person = application.pilgrim
    merged = {name: getattr(person, name) for name in FIELDS}
    merged.update({k: v for k, v in pilgrim.items() if k in FIELDS or k.startswith("mrz_line")})
    if "mrz_line1" in pilgrim or "mrz_line2" in pilgrim:
        merged.pop("mrz", None)
    data = _clean_or_raise(merged, default_residence=agent.country)
    _check_photo(photo)
    _refuse_open_duplicate(application.group, data, application.pk)
    values = data.model_values()
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    before = {name: getattr(person, name) for name in changed}
    for name in changed:
        setattr(person, name, values[name])
    if photo is not None:
        person.photo.save(_photo_name(photo), photo, save=False)
        changed.append("photo")
    if not changed:
        return application
    person.save(update_fields=changed)
    application.updated_at = timezone.now()
    application.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="application.updated",
        target=application,
        details={
            name: {"from": before.get(name), "to": values.get(name)}
            for name in changed
            if name != "photo"
        },
    )
    return application
