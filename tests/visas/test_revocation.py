"""Cancellation and lapse: both revoke the seal (the revocation list) and emit events."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from masar.applications.models import Application
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.integration.models import OutboxEvent
from masar.visas.keys import settings_key_store
from masar.visas.models import Visa
from masar.visas.seal import revocation_list_load
from masar.visas.services import revocation_list_bytes, seal_check, visa_cancel, visas_lapse

pytestmark = pytest.mark.django_db


def test_an_officer_cancels_with_a_coded_reason(issued: Any, visa_officer: Any) -> None:
    visa = issued()
    visa_cancel(actor=visa_officer, number=visa.number, reason_code="fraud")
    visa.refresh_from_db()
    assert (visa.status, visa.cancel_reason_code) == ("cancelled", "fraud")
    assert visa.revoked_at is not None and visa.revoked_by_id == visa_officer.pk
    assert Application.objects.get(pk=visa.application_id).status == "cancelled"
    event = OutboxEvent.objects.get(type="visa.revoked")
    assert (event.payload["visa_number"], event.payload["reason"]) == (visa.number, "cancelled")
    assert seal_check(bytes(visa.seal)).verdict == "revoked"


def test_cancelling_twice_is_refused_and_changes_nothing(issued: Any, visa_officer: Any) -> None:
    visa = issued()
    visa_cancel(actor=visa_officer, number=visa.number, reason_code="security")
    revoked_at = Visa.objects.get(pk=visa.pk).revoked_at
    with pytest.raises(Conflict) as again:
        visa_cancel(actor=visa_officer, number=visa.number, reason_code="fraud")
    assert again.value.code == "visa_not_valid"
    visa.refresh_from_db()
    assert (visa.cancel_reason_code, visa.revoked_at) == ("security", revoked_at)
    assert OutboxEvent.objects.filter(type="visa.revoked").count() == 1


@pytest.mark.parametrize("who", ["company_staff", "agent_staff", "border_officer"])
def test_only_visa_officers_cancel(issued: Any, who: str, request: Any) -> None:
    visa = issued()
    with pytest.raises(Forbidden) as refused:
        visa_cancel(actor=request.getfixturevalue(who), number=visa.number, reason_code="fraud")
    assert refused.value.code == "visas_not_allowed"
    visa.refresh_from_db()
    assert (visa.status, visa.revoked_at) == ("valid", None)


def test_other_needs_an_explanation(issued: Any, visa_officer: Any) -> None:
    visa = issued()
    with pytest.raises(ValidationFailed) as refused:
        visa_cancel(actor=visa_officer, number=visa.number, reason_code="other")
    assert (refused.value.code, list(refused.value.fields)) == ("reason_required", ["reason"])
    with pytest.raises(ValidationFailed) as unknown:
        visa_cancel(actor=visa_officer, number=visa.number, reason_code="whim")
    assert unknown.value.code == "invalid_reason_code"
    assert Visa.objects.get(pk=visa.pk).status == "valid"


def test_unused_visas_lapse_after_their_validity_once(issued: Any) -> None:
    old, fresh = issued(), issued()
    Visa.objects.filter(pk=old.pk).update(valid_until=old.valid_from)
    day_after = old.valid_from + dt.timedelta(days=1)
    assert visas_lapse(as_of=day_after) == [old.number]
    assert visas_lapse(as_of=day_after) == []
    statuses = dict(Visa.objects.values_list("number", "status"))
    assert (statuses[old.number], statuses[fresh.number]) == ("lapsed", "valid")
    assert Application.objects.get(pk=old.application_id).status == "expired"
    event = OutboxEvent.objects.get(type="visa.revoked")
    assert (event.payload["visa_number"], event.payload["reason"]) == (old.number, "lapsed")


def test_a_visa_used_for_entry_does_not_lapse(issued: Any) -> None:
    visa = issued()
    Application.objects.filter(pk=visa.application_id).update(status="entered")
    assert visas_lapse(as_of=visa.valid_until + dt.timedelta(days=1)) == []
    assert Visa.objects.get(pk=visa.pk).status == "valid"


def test_the_lapse_command(issued: Any) -> None:
    visa = issued()
    out = io.StringIO()
    day = (visa.valid_until + dt.timedelta(days=1)).isoformat()
    call_command("visas", "lapse", "--as-of", day, stdout=out)
    assert out.getvalue().splitlines() == ["lapsed 1 visa(s)", visa.number]
    assert Visa.objects.get(pk=visa.pk).status == "lapsed"


def test_the_revocation_list_is_signed_and_lists_revoked_visas(
    issued: Any, visa_officer: Any
) -> None:
    cancelled, valid = issued(), issued()
    visa_cancel(actor=visa_officer, number=cancelled.number, reason_code="fraud")
    listing = revocation_list_load(
        revocation_list_bytes(), trust=settings_key_store().trust_store()
    )
    assert [e.visa_number for e in listing.entries] == [cancelled.number]
    assert listing.lookup("SAU", valid.number) is None
