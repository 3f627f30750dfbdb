"""A password alone never enrols a second factor: enrolment needs a one-time code issued out
of band by a supervisor or an administrator; lost devices are reset the same way; recovery
codes replace a TOTP code once each."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from masar.accounts.models import EnrolmentCode, RecoveryCode
from masar.accounts.second_factor import (
    ENROLMENT_CODE_MAX_FAILURES,
    code_digest,
    enrolment_code_issue,
    second_factor_reset,
)
from masar.core.errors import Forbidden, ValidationFailed
from masar.core.models import AuditEntry
from tests.factories import OrganizationFactory, UserFactory
from tests.security._second_factor import enrol, fresh_totp, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("otp_required")]


@pytest.fixture
def otp_required():
    with override_settings(MASAR_REQUIRE_MINISTRY_OTP=True):
        yield


@pytest.fixture
def supervisor(mohu):
    return UserFactory(organization=mohu, username="hajj.supervisor", roles=["supervisor"])


def _actions(action: str) -> list[dict]:
    return [e.details for e in AuditEntry.objects.filter(action=action).order_by("pk")]


def test_the_password_alone_shows_no_secret_and_enrols_nothing(licensing_officer):
    client = sign_in(licensing_officer)
    page = client.get("/otp/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data:image/svg+xml;base64," not in html
    assert 'name="enrolment_code"' in html
    refused = client.post("/otp/", {"enrolment_code": "AAAA-BBBB-CCCC"})
    assert "Check the code your supervisor gave you." in refused.content.decode()
    # Six digits typed straight away (the old enrolment) confirm nothing either.
    client.post("/otp/", {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=licensing_officer).exists()
    assert client.get("/").status_code == 302
    api = client.get("/api/v1/companies/")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"


def test_an_administrators_code_enrols_once_and_is_stored_hashed(licensing_officer):
    out, err = StringIO(), StringIO()
    call_command("second_factor", "issue-code", "hajj.licensing", stdout=out, stderr=err)
    code = out.getvalue().strip()
    assert len(code) == 14 and code.count("-") == 2
    assert "single use" in err.getvalue()
    entry = EnrolmentCode.objects.get(user=licensing_officer)
    assert entry.digest == code_digest(code)
    assert code not in str(EnrolmentCode.objects.filter(pk=entry.pk).values().get())
    assert entry.issued_by is None
    assert entry.expires_at - entry.issued_at == dt.timedelta(hours=72)
    assert _actions("second_factor.enrolment_code_issued") == [
        {"user": "hajj.licensing", "expires_at": entry.expires_at.isoformat()}
    ]

    client = sign_in(licensing_officer)
    device, recovery = enrol(client, licensing_officer, code.lower().replace("-", " "))
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/companies/").status_code == 200
    entry.refresh_from_db()
    assert entry.used_at is not None
    assert len(recovery) == 10
    assert len(set(recovery)) == 10
    enrolled = _actions("second_factor.enrolled")
    assert enrolled == [
        {
            "user": "hajj.licensing",
            "device": device.pk,
            "enrolment_code_issued_by": None,
            "recovery_codes": 10,
        }
    ]

    # The same code again, after the device was reset, enrols nothing.
    second_factor_reset(actor=None, user=licensing_officer)
    other = sign_in(licensing_officer)
    again = other.post("/otp/", {"enrolment_code": code})
    assert "data:image/svg+xml;base64," not in again.content.decode()
    assert not TOTPDevice.objects.filter(user=licensing_officer).exists()


def test_an_expired_code_is_refused(licensing_officer):
    entry, code = enrolment_code_issue(actor=None, user=licensing_officer)
    EnrolmentCode.objects.filter(pk=entry.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    client = sign_in(licensing_officer)
    page = client.post("/otp/", {"enrolment_code": code})
    assert "data:image/svg+xml;base64," not in page.content.decode()
    assert not TOTPDevice.objects.filter(user=licensing_officer).exists()


def test_wrong_guesses_withdraw_the_pending_code(licensing_officer):
    entry, code = enrolment_code_issue(actor=None, user=licensing_officer)
    client = sign_in(licensing_officer)
    for _ in range(ENROLMENT_CODE_MAX_FAILURES):
        client.post("/otp/", {"enrolment_code": "ZZZZ-ZZZZ-ZZZZ"})
    entry.refresh_from_db()
    assert entry.failed_attempts == ENROLMENT_CODE_MAX_FAILURES
    assert entry.withdrawn_at is not None
    page = client.post("/otp/", {"enrolment_code": code})
    assert "data:image/svg+xml;base64," not in page.content.decode()
    assert _actions("second_factor.enrolment_code_withdrawn") == [
        {"user": "hajj.licensing", "reason": "too_many_failed_attempts"}
    ]


def test_a_new_code_withdraws_the_old_one_and_each_start_gets_a_fresh_secret(
    licensing_officer,
):
    _, first = enrolment_code_issue(actor=None, user=licensing_officer)
    _, second = enrolment_code_issue(actor=None, user=licensing_officer)
    client = sign_in(licensing_officer)
    page = client.post("/otp/", {"enrolment_code": first})
    assert "data:image/svg+xml;base64," not in page.content.decode()
    client.post("/otp/", {"enrolment_code": second})
    seen = TOTPDevice.objects.get(user=licensing_officer).key
    client.post("/otp/", {"enrolment_code": second})
    # An abandoned attempt's secret (which someone may have seen) is never confirmed later.
    assert TOTPDevice.objects.filter(user=licensing_officer).count() == 1
    assert TOTPDevice.objects.get(user=licensing_officer).key != seen


def test_the_enrolment_belongs_to_the_session_that_typed_the_code(licensing_officer):
    _, code = enrolment_code_issue(actor=None, user=licensing_officer)
    owner = sign_in(licensing_officer)
    owner.post("/otp/", {"enrolment_code": code})
    device = TOTPDevice.objects.get(user=licensing_officer)
    intruder = sign_in(licensing_officer)
    page = intruder.get("/otp/")
    assert "data:image/svg+xml;base64," not in page.content.decode()
    intruder.post("/otp/", {"token": fresh_totp(device)})
    device.refresh_from_db()
    assert not device.confirmed


def test_a_supervisor_issues_a_code_on_the_page_shown_once(supervisor, licensing_officer):
    client = sign_in(supervisor)
    TOTPDevice.objects.create(user=supervisor, name="masar", confirmed=True)
    device = TOTPDevice.objects.get(user=supervisor)
    client.post("/otp/", {"token": fresh_totp(device)})
    page = client.get("/account/people/")
    assert page.status_code == 200
    assert "hajj.licensing" in page.content.decode()
    issued = client.post("/account/people/", {"user_id": licensing_officer.pk, "action": "issue"})
    code = issued.context["issued"]["code"]
    assert code in issued.content.decode()
    assert code not in client.get("/account/people/").content.decode()
    entry = EnrolmentCode.objects.get(user=licensing_officer)
    assert entry.issued_by == supervisor
    _, recovery = enrol(sign_in(licensing_officer), licensing_officer, code)
    assert len(recovery) == 10
    assert _actions("second_factor.enrolled")[0]["enrolment_code_issued_by"] == "hajj.supervisor"


def test_the_arabic_page_asks_for_the_enrolment_code(licensing_officer):
    client = sign_in(licensing_officer, language="ar")
    html = client.get("/otp/").content.decode()
    assert "رمز التسجيل" in html
    assert 'dir="rtl"' in html


def test_only_a_supervisor_of_the_same_organization_and_never_for_themselves(
    supervisor, licensing_officer, mofa
):
    other_supervisor = UserFactory(organization=mofa, roles=["supervisor"])
    with pytest.raises(Forbidden) as refused:
        enrolment_code_issue(actor=other_supervisor, user=licensing_officer)
    assert refused.value.code == "not_allowed"
    with pytest.raises(Forbidden):
        enrolment_code_issue(actor=supervisor, user=supervisor)
    with pytest.raises(Forbidden):
        enrolment_code_issue(actor=licensing_officer, user=licensing_officer)
    with pytest.raises(Forbidden):
        second_factor_reset(actor=other_supervisor, user=licensing_officer)
    assert not EnrolmentCode.objects.exists()
    assert not _actions("second_factor.enrolment_code_issued")


def test_the_people_page_is_for_supervisors_and_their_own_people(
    supervisor, licensing_officer, company_staff
):
    # Company staff need no second factor; their page is refused as they hold no supervisor role.
    assert sign_in(company_staff).get("/account/people/").status_code == 403
    other_org = OrganizationFactory(kind="mohu", code="mohu-2")
    stranger = UserFactory(organization=other_org, roles=["analyst"])
    TOTPDevice.objects.create(user=supervisor, name="masar", confirmed=True)
    client = sign_in(supervisor)
    client.post("/otp/", {"token": fresh_totp(TOTPDevice.objects.get(user=supervisor))})
    response = client.post("/account/people/", {"user_id": stranger.pk, "action": "issue"})
    assert response.status_code == 404
    assert not EnrolmentCode.objects.exists()


def test_a_lost_device_is_reset_and_enrolled_again_with_a_new_code(supervisor, licensing_officer):
    _, code = enrolment_code_issue(actor=supervisor, user=licensing_officer)
    client = sign_in(licensing_officer)
    old_device, old_recovery = enrol(client, licensing_officer, code)
    assert client.get("/").status_code == 200

    removed = second_factor_reset(actor=supervisor, user=licensing_officer)
    assert removed == 1
    assert not TOTPDevice.objects.filter(user=licensing_officer).exists()
    assert not RecoveryCode.objects.filter(user=licensing_officer).exists()
    # The session verified with the lost device is no longer verified.
    assert client.get("/").status_code == 302
    assert _actions("second_factor.reset") == [{"user": "hajj.licensing", "devices": 1}]

    _, new_code = enrolment_code_issue(actor=supervisor, user=licensing_officer)
    device, recovery = enrol(sign_in(licensing_officer), licensing_officer, new_code)
    assert device.pk != old_device.pk
    assert set(recovery).isdisjoint(old_recovery)


def test_a_recovery_code_signs_in_once_and_each_use_is_audited(licensing_officer):
    _, code = enrolment_code_issue(actor=None, user=licensing_officer)
    _, recovery = enrol(sign_in(licensing_officer), licensing_officer, code)
    assert RecoveryCode.objects.filter(user=licensing_officer).count() == 10
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert stored == {code_digest(c) for c in recovery}

    client = sign_in(licensing_officer)
    assert client.get("/").status_code == 302
    response = client.post("/otp/", {"recovery_code": recovery[3]})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert _actions("second_factor.recovery_code_used") == [
        {"user": "hajj.licensing", "remaining": 9}
    ]

    again = sign_in(licensing_officer)
    refused = again.post("/otp/", {"recovery_code": recovery[3]})
    assert refused.status_code == 200
    assert "not valid or was already used" in refused.content.decode()
    assert again.get("/").status_code == 302
    assert len(_actions("second_factor.recovery_code_used")) == 1


def test_new_recovery_codes_need_a_current_code_and_cancel_the_old_ones(licensing_officer):
    _, code = enrolment_code_issue(actor=None, user=licensing_officer)
    client = sign_in(licensing_officer)
    device, old = enrol(client, licensing_officer, code)
    refused = client.post("/account/recovery-codes/", {"token": "000000"})
    assert refused.status_code == 200
    assert "Type the six-digit code" in refused.content.decode()
    assert set(RecoveryCode.objects.values_list("digest", flat=True)) == {
        code_digest(c) for c in old
    }
    made = client.post("/account/recovery-codes/", {"token": fresh_totp(device)})
    new = list(made.context["codes"])
    assert len(new) == 10 and set(new).isdisjoint(old)
    assert _actions("second_factor.recovery_codes_regenerated") == [
        {"user": "hajj.licensing", "recovery_codes": 10}
    ]
    other = sign_in(licensing_officer)
    assert other.post("/otp/", {"recovery_code": old[0]}).status_code == 200
    assert other.get("/").status_code == 302


def test_cli_reset_and_status(licensing_officer):
    _, code = enrolment_code_issue(actor=None, user=licensing_officer)
    enrol(sign_in(licensing_officer), licensing_officer, code)
    out = StringIO()
    call_command("second_factor", "status", "hajj.licensing", stdout=out)
    assert out.getvalue() == "hajj.licensing\tenrolled\trecovery codes left: 10\n"
    out = StringIO()
    call_command(
        "second_factor", "reset", "hajj.licensing", "--issue-code", stdout=out, stderr=StringIO()
    )
    new_code = out.getvalue().strip()
    assert EnrolmentCode.objects.get(user=licensing_officer, used_at__isnull=True).digest == (
        code_digest(new_code)
    )
    out = StringIO()
    call_command("second_factor", "status", "hajj.licensing", stdout=out)
    assert out.getvalue() == "hajj.licensing\tcode issued\trecovery codes left: 0\n"
    with pytest.raises(CommandError) as missing:
        call_command("second_factor", "issue-code", "nobody", stdout=StringIO())
    assert missing.value.returncode == 1


def test_service_accounts_have_no_second_factor_to_enrol(moi):
    machine = UserFactory(organization=moi, is_service_account=True, roles=["integration"])
    with pytest.raises(ValidationFailed) as refused:
        enrolment_code_issue(actor=None, user=machine)
    assert refused.value.code == "not_allowed"
    assert not EnrolmentCode.objects.exists()


def test_a_reset_on_the_page_is_confirmed_first_then_issues_a_new_code(
    supervisor, licensing_officer
):
    _, code = enrolment_code_issue(actor=supervisor, user=licensing_officer)
    old_device, _ = enrol(sign_in(licensing_officer), licensing_officer, code)
    TOTPDevice.objects.create(user=supervisor, name="masar", confirmed=True)
    client = sign_in(supervisor)
    client.post("/otp/", {"token": fresh_totp(TOTPDevice.objects.get(user=supervisor))})

    asked = client.post("/account/people/", {"user_id": licensing_officer.pk, "action": "reset"})
    assert asked.status_code == 200
    assert "Reset the second factor of hajj.licensing?" in asked.content.decode()
    assert "10 unused recovery codes stop working" in asked.content.decode()
    assert TOTPDevice.objects.filter(pk=old_device.pk).exists()
    assert not _actions("second_factor.reset")

    done = client.post(
        "/account/people/",
        {"user_id": licensing_officer.pk, "action": "reset", "confirmed": "yes"},
    )
    new_code = done.context["issued"]["code"]
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()
    assert _actions("second_factor.reset") == [{"user": "hajj.licensing", "devices": 1}]
    pending = EnrolmentCode.objects.get(user=licensing_officer, used_at__isnull=True)
    assert pending.digest == code_digest(new_code)
    assert pending.issued_by == supervisor
