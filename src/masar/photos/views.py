"""Pages of the photos app: a pilgrim's photo with its checks (upload, accept), the
portrait image itself (only to those who may see the pilgrim), and a group's archive of
photos with its progress and per-file report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masar.applications.models import Group
from masar.applications.selectors import group_list
from masar.applications.views.common import actor_of, is_agent, is_htmx
from masar.core.errors import MasarError
from masar.photos import selectors, services
from masar.photos.models import PortraitStatus
from masar.photos.reasons import reasons_text


def _pilgrim_or_404(request: HttpRequest, pilgrim_id: int) -> Any:
    pilgrim = selectors.pilgrim_visible(actor=actor_of(request), pilgrim_id=pilgrim_id)
    if pilgrim is None:
        raise Http404
    return pilgrim


@login_required
def portrait_image(request: HttpRequest, pilgrim_id: int) -> FileResponse:
    """The portrait (or an older unchecked photo), to those who may see the pilgrim only."""
    pilgrim = _pilgrim_or_404(request, pilgrim_id)
    portrait = selectors.portrait_of(pilgrim=pilgrim)
    if portrait is not None:
        handle, kind = portrait.image.open("rb"), "image/jpeg"
    elif pilgrim.photo:
        handle, kind = pilgrim.photo.open("rb"), None
    else:
        raise Http404
    response = FileResponse(handle, content_type=kind) if kind else FileResponse(handle)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def pilgrim_photo(request: HttpRequest, pilgrim_id: int) -> HttpResponse:
    """The photo page: the portrait, every check's finding, the upload (the pilgrim's
    agent) and the acceptance of a flagged photo (an officer)."""
    actor = actor_of(request)
    pilgrim = _pilgrim_or_404(request, pilgrim_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                services.portrait_accept(
                    actor=actor, pilgrim=pilgrim, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The photo is accepted."))
            else:
                upload = request.FILES.get("photo")
                if upload is None:
                    errors.append(_("Choose a photo to upload."))
                else:
                    uploaded = services.portrait_upload(actor=actor, pilgrim=pilgrim, upload=upload)
                    if uploaded.status == PortraitStatus.COMPLIANT:
                        messages.success(request, _("The photo passed every check."))
                    else:
                        messages.warning(
                            request, _("The photo is kept but flagged: see the reasons below.")
                        )
            if not errors:
                return redirect("photos:pilgrim", pilgrim_id=pilgrim.pk)
        except MasarError as exc:
            errors.extend(str(m) for values in exc.fields.values() for m in values)
            if not errors:
                errors.append(str(exc.message))
    portrait = selectors.portrait_of(pilgrim=pilgrim)
    org = actor.organization
    can_accept = (
        portrait is not None
        and portrait.status == PortraitStatus.FLAGGED
        and org is not None
        and org.is_ministry
        and actor.has_role(*services.ACCEPT_ROLES)
    )
    context = {
        "pilgrim": pilgrim,
        "portrait": portrait,
        "reasons": reasons_text(portrait.reasons) if portrait is not None else [],
        "can_upload": is_agent(actor) and pilgrim.agent.organization_id == actor.organization_id,
        "can_accept": can_accept,
        "errors": errors,
        "applications": pilgrim.applications.order_by("-created_at")[:5],
    }
    return render(request, "photos/pilgrim_photo.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def group_photos(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group's archives: the upload of a ZIP named by passport number, and past ones."""
    actor = actor_of(request)
    group: Group = get_object_or_404(group_list(actor=actor), pk=group_id)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("Choose a .zip file."))
        else:
            try:
                batch = services.photo_batch_create(actor=actor, group=group, upload=upload)
            except MasarError as exc:
                errors.extend(str(m) for values in exc.fields.values() for m in values)
            else:
                return redirect("photos:batch", batch_id=batch.pk)
    context = {
        "group": group,
        "batches": selectors.photo_batch_list(actor=actor).filter(group=group)[:20],
        "can_upload": is_agent(actor) and group.agent.organization_id == actor.organization_id,
        "errors": errors,
    }
    return render(request, "photos/group_photos.html", context, status=400 if errors else 200)


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """An archive's progress, then every file's outcome with its reasons."""
    batch = get_object_or_404(selectors.photo_batch_list(actor=actor_of(request)), pk=batch_id)
    items = [
        (item, reasons_text(item.reasons))
        for item in batch.items.select_related("pilgrim").order_by("position")
    ]
    template = "photos/_batch_progress.html" if is_htmx(request) else "photos/batch.html"
    return render(request, template, {"batch": batch, "items": items})
