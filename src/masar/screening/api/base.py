"""Who may call the screening API."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.core.errors import Forbidden
from masar.screening import selectors
from masar.screening.access import is_screening_analyst, may_match
from masar.screening.error_codes import ScreeningError
from masar.screening.models import (
    Watchlist,
)


class ScreeningAnalystPermission(MasarPermission):
    """The interior ministry's security analysts and supervisors."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if not is_screening_analyst(request.user):  # type: ignore[arg-type]
            raise Forbidden(
                ScreeningError.NOT_ALLOWED,
                _("Screening data is for the interior ministry's security analysts only."),
            )
        return True


class MatchPermission(MasarPermission):
    """Service accounts of the three ministries, and security analysts."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if not may_match(request.user):  # type: ignore[arg-type]
            raise Forbidden(
                ScreeningError.NOT_ALLOWED,
                _("Screening is answered to the ministries' systems and security analysts only."),
            )
        return True


class AnalystApi(GenericAPIView):
    permission_classes = [ScreeningAnalystPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def watchlist(self, watchlist_id: int) -> Watchlist:
        return get_object_or_404(selectors.watchlist_list(actor=self.actor()), pk=watchlist_id)
