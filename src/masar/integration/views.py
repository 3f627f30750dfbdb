"""Pages for the integration: service accounts, their webhooks and recent deliveries.

Supervisors see their own organization's service accounts and may send a test event or
enable a disabled webhook again; ministry staff see every organization's, read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from masar.accounts.models import User
from masar.core.errors import MasarError
from masar.integration import selectors, services
from masar.integration.models import WebhookSubscription
from masar.integration.services.subscriptions import can_manage

RECENT_DELIVERIES = 20


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    if not selectors.may_view_integration(request.user):
        raise PermissionDenied
    return request.user


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _subscription(actor: User, webhook_id: int) -> WebhookSubscription:
    accounts = selectors.service_account_list(actor=actor)
    return get_object_or_404(
        WebhookSubscription.objects.select_related("organization", "service_account"),
        pk=webhook_id,
        service_account__in=accounts,
    )


@login_required
@require_GET
def service_accounts(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    accounts = selectors.service_account_list(actor=actor)
    return render(request, "integration/service_accounts.html", {"accounts": accounts})


def _subscription_rows(actor: User, account: User) -> list[dict[str, Any]]:
    return [
        {
            "subscription": subscription,
            "deliveries": selectors.delivery_list(subscription=subscription)[:RECENT_DELIVERIES],
            "can_manage": can_manage(actor, subscription.organization_id),
        }
        for subscription in selectors.subscriptions_of(service_account=account)
    ]


@login_required
@require_GET
def service_account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    account = get_object_or_404(selectors.service_account_list(actor=actor), pk=user_id)
    return render(
        request,
        "integration/service_account_detail.html",
        {"account": account, "rows": _subscription_rows(actor, account)},
    )


@login_required
@require_GET
def deliveries(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """The recent deliveries of one webhook: the table the page refreshes in place."""
    actor = _actor(request)
    subscription = _subscription(actor, webhook_id)
    return render(
        request,
        "integration/partials/deliveries.html",
        {
            "subscription": subscription,
            "deliveries": selectors.delivery_list(subscription=subscription)[:RECENT_DELIVERIES],
        },
    )


def _answer(
    request: HttpRequest, subscription: WebhookSubscription, text: str, *, ok: bool
) -> HttpResponse:
    if _htmx(request):
        return render(request, "integration/partials/action_result.html", {"text": text, "ok": ok})
    (messages.success if ok else messages.error)(request, text)
    return redirect("integration:account", user_id=subscription.service_account_id)


@login_required
@require_POST
def send_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _actor(request)
    subscription = _subscription(actor, webhook_id)
    try:
        event = services.webhook_test_send(actor=actor, subscription=subscription)
    except MasarError as exc:
        return _answer(request, subscription, str(exc.message), ok=False)
    return _answer(
        request,
        subscription,
        _("A test event (%(id)s) is on its way to %(url)s.")
        % {"id": event.event_id, "url": subscription.url},
        ok=True,
    )


@login_required
@require_POST
def enable(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _actor(request)
    subscription = _subscription(actor, webhook_id)
    try:
        services.webhook_subscription_update(actor=actor, subscription=subscription, is_active=True)
    except MasarError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The webhook is enabled; its pending deliveries resume."))
    return redirect("integration:account", user_id=subscription.service_account_id)
