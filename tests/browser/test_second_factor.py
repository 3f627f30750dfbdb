"""The first sign-in of a ministry person: their supervisor issues an enrolment code on
the people page; the person enrols an authenticator with it and keeps the recovery codes."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _code(key: bytes) -> str:
    return f"{totp(key):06d}"


def test_a_supervisor_issues_a_code_and_the_person_enrols_with_it(
    browser, live_server, settings, mohu, licensing_officer
):
    settings.MASAR_REQUIRE_MINISTRY_OTP = True
    supervisor = UserFactory(organization=mohu, username="hajj.supervisor", roles=["supervisor"])
    device = TOTPDevice.objects.create(user=supervisor, name="masar", confirmed=True)

    boss = browser.new_context(base_url=live_server.url, locale="ar-SA").new_page()
    boss.set_default_timeout(15_000)
    sign_in(boss, supervisor.username)
    boss.fill("#id_token", _code(device.bin_key))
    boss.click("button[type=submit].primary")
    boss.goto("/account/people/")
    assert boss.locator("html").get_attribute("dir") == "rtl"
    row = boss.locator("tr", has_text="hajj.licensing")
    row.locator("button[value=issue]").click()
    enrolment_code = boss.locator("section[role=status] code").inner_text().strip()
    assert len(enrolment_code) == 14

    person = browser.new_context(base_url=live_server.url, locale="ar-SA").new_page()
    person.set_default_timeout(15_000)
    sign_in(person, licensing_officer.username)
    person.wait_for_selector("#id_enrolment_code")
    assert person.locator("img.qr").count() == 0
    person.fill("#id_enrolment_code", enrolment_code.lower())
    person.click("button[type=submit].primary")
    person.wait_for_selector("img.qr")
    secret = person.locator("p.mono code").inner_text().strip()
    person.fill("#id_token", _code(base64.b32decode(secret)))
    person.click("button[type=submit].primary")
    person.wait_for_selector("ol.mono li")
    assert person.locator("ol.mono li").count() == 10
    person.click("a.button.primary")
    person.wait_for_url(f"{live_server.url}/")
    assert "/otp/" not in person.url
    assert TOTPDevice.objects.get(user=licensing_officer).confirmed
    boss.context.close()
    person.context.close()
