"""Shared steps of the second-factor tests: sign in, enrol with a code, fresh TOTP codes."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "masar-test-pw"  # noqa: S105 - the factories' test password


def sign_in(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def fresh_totp(device: TOTPDevice) -> str:
    """The device's current code, usable again: django-otp refuses a time step twice and
    throttles after failures, which a person waits out and a test resets."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return f"{totp(device.bin_key):06d}"


def enrol(client: Client, user: Any, enrolment_code: str) -> tuple[TOTPDevice, list[str]]:
    """Type the enrolment code, then a TOTP code; return the device and recovery codes."""
    page = client.post("/otp/", {"enrolment_code": enrolment_code})
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/otp/", {"token": fresh_totp(device)})
    assert done.status_code == 200
    codes = list(done.context["codes"])
    device.refresh_from_db()
    assert device.confirmed
    return device, codes
