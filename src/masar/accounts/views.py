"""Pages of a person's own account: the second factor (enrol with an enrolment code,
verify, recovery codes), API tokens, and a supervisor's page for their people's devices."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from masar.accounts import second_factor, selectors, services
from masar.accounts.error_codes import AccountsError
from masar.accounts.models import TokenScope, User
from masar.accounts.roles import Role
from masar.core.errors import MasarError

ENROLMENT_SESSION_KEY = "masar_enrolment"


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _first_field_error(exc: MasarError) -> str:
    for errors in exc.fields.values():
        if errors:
            return str(errors[0])
    return str(exc.message)


def _qr_context(device: TOTPDevice) -> dict[str, str]:
    qr = segno.make(device.config_url, error="m")
    return {
        "qr_svg": base64.b64encode(qr.svg_inline(scale=4).encode()).decode(),
        "secret": base64.b32encode(device.bin_key).decode(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_page(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP (or recovery) code at each sign-in; without a device, enrol one with
    an enrolment code first."""
    user = _actor(request)
    device = second_factor.confirmed_device(user)
    if device is not None:
        return _verify(request, user, device)
    return _enrol(request, user)


def _verify(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    error = ""
    if request.method == "POST":
        if "recovery_code" in request.POST:
            used = second_factor.recovery_code_use(
                user=user, code=request.POST.get("recovery_code", "")
            )
            if used is not None:
                otp_login(request, used)
                left = second_factor.recovery_codes_remaining(user=user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(count)d left. Make new ones "
                        "from your account, or ask your supervisor to reset a lost device."
                    )
                    % {"count": left},
                )
                return redirect("web:home")
            error = _("That recovery code is not valid or was already used.")
        elif second_factor.totp_confirm(user=user, token=request.POST.get("token", "")):
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, _("Second factor verified."))
            return redirect("web:home")
        else:
            error = _("That code is not valid. Check your device's clock and try again.")
    return render(request, "accounts/second_factor.html", {"step": "verify", "error": error})


def _enrol(request: HttpRequest, user: User) -> HttpResponse:
    state = request.session.get(ENROLMENT_SESSION_KEY) or {}
    device = None
    if state:
        device = TOTPDevice.objects.filter(
            pk=state.get("device"), user=user, confirmed=False
        ).first()
    error = ""
    if request.method == "POST" and "enrolment_code" in request.POST:
        try:
            entry, device = second_factor.enrolment_start(
                user=user, code=request.POST.get("enrolment_code", "")
            )
        except MasarError as exc:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            return render(
                request,
                "accounts/second_factor.html",
                {"step": "code", "error": _first_field_error(exc)},
            )
        request.session[ENROLMENT_SESSION_KEY] = {"code": entry.pk, "device": device.pk}
    elif request.method == "POST" and device is not None:
        try:
            codes = second_factor.second_factor_enrol(
                user=user,
                enrolment_code_id=int(state.get("code", 0)),
                device_id=device.pk,
                token=request.POST.get("token", ""),
            )
        except MasarError as exc:
            if exc.code != AccountsError.SECOND_FACTOR_CODE_INVALID:
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                return render(
                    request,
                    "accounts/second_factor.html",
                    {"step": "code", "error": _first_field_error(exc)},
                )
            error = str(exc.message)
        else:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            device.refresh_from_db()
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    if device is None:
        return render(request, "accounts/second_factor.html", {"step": "code", "error": error})
    context: dict[str, Any] = {"step": "scan", "error": error, **_qr_context(device)}
    return render(request, "accounts/second_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; new ones for a current TOTP code."""
    user = _actor(request)
    error = ""
    if request.method == "POST":
        try:
            codes = second_factor.recovery_codes_regenerate(
                user=user, token=request.POST.get("token", "")
            )
        except MasarError as exc:
            error = _first_field_error(exc)
        else:
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(
        request,
        "accounts/recovery_codes_manage.html",
        {
            "enrolled": second_factor.confirmed_device(user) is not None,
            "remaining": second_factor.recovery_codes_remaining(user=user),
            "error": error,
        },
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenScope.READ],
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: in 90 days. At most one year from today."),
    )
    second_factor_code = forms.CharField(
        label=gettext_lazy("Code from your authenticator"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens (and, for a supervisor, those of their organization):
    create one (shown once) and revoke."""
    user = _actor(request)
    form = TokenCreateForm()
    secret = ""
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token_id = request.POST.get("token_id", "")
        try:
            token = services.token_revoke(
                actor=user, token_id=int(token_id) if token_id.isdigit() else 0
            )
        except MasarError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Token %(prefix)s is revoked.") % {"prefix": token.prefix})
        return redirect("accounts:tokens")
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            expires_on: dt.date | None = form.cleaned_data["expires_on"]
            expires_at = (
                timezone.make_aware(dt.datetime.combine(expires_on, dt.time(23, 59, 59)))
                if expires_on
                else None
            )
            try:
                _token, secret = services.token_create(
                    actor=user,
                    user=user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=expires_at,
                    second_factor_code=form.cleaned_data["second_factor_code"],
                )
            except MasarError as exc:
                for field, errors in exc.fields.items():
                    target = "expires_on" if field == "expires_at" else field
                    for message in errors:
                        form.add_error(target if target in form.fields else None, str(message))
                if not exc.fields:
                    form.add_error(None, str(exc.message))
            else:
                form = TokenCreateForm()
    if not second_factor.second_factor_required(user):
        del form.fields["second_factor_code"]
    listed = selectors.tokens_visible(actor=user)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": listed, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest) -> HttpResponse:
    """A supervisor's people and their second factor: issue an enrolment code, or reset a
    lost device and issue a new code. The code is shown once, here."""
    actor = _actor(request)
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied
    people_qs = selectors.organization_people(actor=actor)
    issued: dict[str, Any] | None = None
    confirm: User | None = None
    if request.method == "POST":
        user_id = request.POST.get("user_id", "")
        person = get_object_or_404(people_qs, pk=int(user_id) if user_id.isdigit() else 0)
        reset = request.POST.get("action") == "reset"
        if reset and request.POST.get("confirmed") != "yes":
            # An irreversible act: say what it ends and ask again.
            confirm = selectors.second_factor_states(people=people_qs).get(pk=person.pk)
        else:
            try:
                if reset:
                    entry, code = second_factor.second_factor_reissue(actor=actor, user=person)
                else:
                    entry, code = second_factor.enrolment_code_issue(actor=actor, user=person)
            except MasarError as exc:
                messages.error(request, str(exc.message))
            else:
                issued = {"person": person, "code": code, "expires_at": entry.expires_at}
    rows = selectors.second_factor_states(people=people_qs)
    return render(
        request, "accounts/people.html", {"rows": rows, "issued": issued, "confirm": confirm}
    )
