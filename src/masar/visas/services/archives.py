"""A group's visas as one ZIP of PDFs: the visas are fixed when asked for (those the asker
may read), a small group is built at once, a large one in the background with its
progress recorded after each visa."""

from __future__ import annotations

import io
import zipfile
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.core.audit import audit_record
from masar.core.errors import NotFound
from masar.visas import selectors
from masar.visas.error_codes import VisasError
from masar.visas.models import Visa, VisaArchive, VisaArchiveStatus

#: Up to this many visas the ZIP is built in the request; beyond, in the background.
INLINE_LIMIT = 3


@transaction.atomic
def visa_archive_request(*, actor: User, group_id: int) -> VisaArchive:
    """Ask for the ZIP of a group's visas that `actor` may read (the foreign ministry's
    officers, the group's company and its agent). The background build is queued after
    commit when the group has more than `INLINE_LIMIT` visas."""
    ids = list(
        selectors.visa_list(actor)
        .filter(application__group_id=group_id)
        .order_by("number")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise NotFound(VisasError.GROUP_NOT_FOUND, _("This group has no visa you may download."))
    assert actor.organization_id is not None
    archive = VisaArchive.objects.create(
        group_id=group_id,
        requested_by=actor,
        organization_id_at_request=actor.organization_id,
        visa_ids=ids,
        total=len(ids),
    )
    audit_record(
        actor=actor,
        action="visas.archive_request",
        target=archive,
        details={"group_id": group_id, "total": len(ids)},
    )
    if len(ids) > INLINE_LIMIT:
        transaction.on_commit(partial(_archive_enqueue, archive.pk), robust=True)
    return archive


def _archive_enqueue(archive_id: int) -> None:
    from masar.visas.tasks import build_visa_archive

    build_visa_archive.enqueue(archive_id=archive_id)


def visa_archive_build(*, archive_id: int) -> VisaArchive:
    """Render each visa's PDF into the ZIP, counting them as they go (idempotent: a
    finished archive is left alone)."""
    from masar.visas.pdf import visa_pdf

    with transaction.atomic():
        archive = VisaArchive.objects.select_for_update().get(pk=archive_id)
        if archive.status == VisaArchiveStatus.DONE:
            return archive
        archive.status = VisaArchiveStatus.RUNNING
        archive.done = 0
        archive.save(update_fields=["status", "done"])
    visas = Visa.objects.select_related("application__pilgrim", "season").filter(
        pk__in=archive.visa_ids
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for visa in visas.order_by("number"):
            bundle.writestr(f"e-visa-{visa.number}.pdf", visa_pdf(visa=visa))
            VisaArchive.objects.filter(pk=archive.pk).update(done=F("done") + 1)
    archive.refresh_from_db()
    archive.file.save(
        f"group-{archive.group_id}-visas.zip", ContentFile(buffer.getvalue()), save=False
    )
    archive.status = VisaArchiveStatus.DONE
    archive.finished_at = timezone.now()
    archive.save(update_fields=["file", "status", "finished_at"])
    return archive


def visa_archive_get(*, actor: User, archive_id: int) -> VisaArchive:
    """An archive the actor's organization asked for (another's is not found)."""
    archive = VisaArchive.objects.filter(
        pk=archive_id, organization_id_at_request=actor.organization_id or 0
    ).first()
    if archive is None:
        raise NotFound(VisasError.ARCHIVE_NOT_FOUND, _("No such download."))
    return archive
