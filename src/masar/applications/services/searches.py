"""Saved searches of the applications list: a person names the search on screen (text and
status) to run it again from the list; each person's are their own."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.error_codes import ApplicationsError
from masar.applications.models import SavedSearch
from masar.applications.states import ApplicationStatus
from masar.core.audit import audit_record
from masar.core.errors import NotFound, ValidationFailed

#: The most searches one person keeps.
SAVED_SEARCH_LIMIT = 20


@transaction.atomic
def saved_search_save(*, actor: User, name: str, q: str = "", status: str = "") -> SavedSearch:
    """Save (or replace, by name) the actor's search."""
    name = name.strip()[:60]
    if not name:
        raise ValidationFailed(
            ApplicationsError.SEARCH_INVALID,
            _("Name the search."),
            fields={"name": [_("Name the search.")]},
        )
    if status and status not in ApplicationStatus.values:
        status = ""
    existing = SavedSearch.objects.filter(user=actor).exclude(name=name).count()
    if existing >= SAVED_SEARCH_LIMIT:
        raise ValidationFailed(
            ApplicationsError.SEARCH_INVALID,
            _("At most %(n)d saved searches: delete one first.") % {"n": SAVED_SEARCH_LIMIT},
            fields={"name": [_("Too many saved searches.")]},
        )
    search, _created = SavedSearch.objects.update_or_create(
        user=actor, name=name, defaults={"q": q.strip()[:100], "status": status}
    )
    audit_record(
        actor=actor, action="applications.search_save", target=search, details={"name": name}
    )
    return search


@transaction.atomic
def saved_search_delete(*, actor: User, search_id: int) -> None:
    deleted, _detail = SavedSearch.objects.filter(user=actor, pk=search_id).delete()
    if not deleted:
        raise NotFound(ApplicationsError.SEARCH_NOT_FOUND, _("No such saved search."))
    audit_record(
        actor=actor,
        action="applications.search_delete",
        target=None,
        details={"search_id": search_id},
    )
