from __future__ import annotations

from django.db.models import QuerySet

from masar.accounts.models import User
from masar.core.models import AuditEntry


def audit_list(*, actor: User) -> QuerySet[AuditEntry]:
    """Ministry staff read the whole trail; anyone else only the entries of their organization."""
    qs = AuditEntry.objects.order_by("-id")
    org = actor.organization
    if actor.is_superuser or (org is not None and org.is_ministry):
        return qs
    if org is None:
        return qs.none()
    return qs.filter(organization=org)
