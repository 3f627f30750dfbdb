from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from masar.accounts.access_matrix import Access, access
from masar.accounts.models import User
from masar.core.models import AuditEntry, PersonalDataRead


def audit_list(*, actor: User) -> QuerySet[AuditEntry]:
    """The access matrix: the ministries' supervisors read the whole trail; anyone else only
    the entries of their own organization."""
    qs = AuditEntry.objects.order_by("-id")
    level = access(actor, "audit")
    if level == Access.ALL:
        return qs
    if level == Access.NONE or actor.organization is None:
        return qs.none()
    return qs.filter(organization=actor.organization)


def personal_data_read_list(
    *,
    actor: User,
    username: str = "",
    record_type: str = "",
    record_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    before: int | None = None,
) -> QuerySet[PersonalDataRead]:
    """Reads of personal data, newest first, for the ministries' auditors (the access
    matrix); `before` is the cursor: the id of the last row of the previous page."""
    qs = PersonalDataRead.objects.select_related("user", "organization").order_by("-id")
    if access(actor, "personal_data_reads") != Access.ALL:
        return qs.none()
    if username:
        qs = qs.filter(user__username=username)
    if record_type:
        qs = qs.filter(record_type=record_type)
    if record_id is not None:
        qs = qs.filter(records__contains=f",{record_id},")
    if since is not None:
        qs = qs.filter(at__gte=_day_start(since))
    if until is not None:
        qs = qs.filter(at__lt=_day_start(until + dt.timedelta(days=1)))
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return qs


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
