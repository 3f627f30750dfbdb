from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from masar.accounts.second_factor import enrolment_code_issue

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/login/", {"username": user.username, "password": "masar-test-pw"})
    assert response.status_code == 302
    return client


@override_settings(MASAR_REQUIRE_MINISTRY_OTP=True)
def test_ministry_staff_must_enrol_before_acting(licensing_officer):
    client = _login(licensing_officer)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/otp/"
    api = client.get("/api/v1/companies/")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"


@override_settings(MASAR_REQUIRE_MINISTRY_OTP=True)
def test_enrolment_with_a_valid_code_lets_them_act(licensing_officer):
    _, enrolment_code = enrolment_code_issue(actor=None, user=licensing_officer)
    client = _login(licensing_officer)
    page = client.get("/otp/")
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," not in page.content.decode()
    page = client.post("/otp/", {"enrolment_code": enrolment_code})
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=licensing_officer)
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    assert "not valid" in client.post("/otp/", {"token": wrong}).content.decode()
    assert client.get("/").status_code == 302
    # django-otp throttles after a failure; a real user waits, the test resets it.
    device.refresh_from_db()
    device.throttle_reset(commit=True)
    code = f"{totp(device.bin_key):06d}"
    response = client.post("/otp/", {"token": code})
    assert response.status_code == 200
    assert "Your recovery codes" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/companies/").status_code == 200


@override_settings(MASAR_REQUIRE_MINISTRY_OTP=True)
def test_company_staff_are_not_asked_for_a_second_factor(company_staff):
    client = _login(company_staff)
    assert client.get("/").status_code == 200


def test_demo_leaves_it_optional_and_says_so(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "second factor (TOTP) is optional here" in page


def test_failed_logins_are_throttled(company_staff):
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": company_staff.username, "password": "wrong"})
    response = client.post(
        "/login/", {"username": company_staff.username, "password": "masar-test-pw"}
    )
    assert response.status_code == 429


@override_settings(MASAR_REQUIRE_MINISTRY_OTP=True)
def test_a_code_typed_in_arabic_indic_digits_is_accepted(licensing_officer):
    _, enrolment_code = enrolment_code_issue(actor=None, user=licensing_officer)
    client = _login(licensing_officer)
    client.post("/otp/", {"enrolment_code": enrolment_code})
    device = TOTPDevice.objects.get(user=licensing_officer)
    code = f"{totp(device.bin_key):06d}".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post("/otp/", {"token": code})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
