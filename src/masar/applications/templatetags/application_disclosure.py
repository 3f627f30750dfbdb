"""Template filters showing an application's status and reason as the viewer may see them
(`masar.applications.disclosure`): `{{ app|shown_status:request.user }}`."""

from __future__ import annotations

from datetime import datetime

from django import template

from masar.accounts.models import User
from masar.applications import disclosure
from masar.applications.models import Application

register = template.Library()


@register.filter
def shown_status(app: Application, viewer: User | None) -> str:
    return disclosure.shown_status(viewer, app.status)


@register.filter
def shown_status_label(app: Application, viewer: User | None) -> str:
    return disclosure.status_label(disclosure.shown_status(viewer, app.status))


@register.filter
def shown_reason(app: Application, viewer: User | None) -> str:
    return disclosure.shown_reason(viewer, app, translated=True)


@register.filter
def shown_updated_at(app: Application, viewer: User | None) -> datetime:
    return disclosure.shown_updated_at(viewer, app)
