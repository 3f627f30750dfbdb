"""The visas API end to end: decisions, visas, the seal exported and verified offline with
only the published certificates, the public verification, keys and revocation list."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from masar.applications.models import Application
from masar.documents.checkdigit import check_digit
from masar.visas.cli import main as visa_cli
from masar.visas.keys import KeyStore
from masar.visas.models import Visa
from masar.visas.seal import kingdom_today, seal_build, seal_decode
from masar.visas.services import visa_issue

pytestmark = pytest.mark.django_db

DECISIONS = "/api/v1/visas/decisions/"
VERIFY = "/api/v1/visas/verify/"


def _verify(api: Any, seal: bytes) -> dict[str, Any]:
    response = api(None).post(VERIFY, {"seal": base64.b64encode(seal).decode()}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_an_officer_reads_the_queue_and_approves(
    api: Any, in_decision: Any, visa_officer: Any
) -> None:
    app = in_decision()
    client = api(visa_officer)
    queue = client.get(DECISIONS)
    assert queue.status_code == 200
    assert [row["number"] for row in queue.json()["results"]] == [app.number]
    assert queue.json()["results"][0]["due_at"] is not None
    response = client.post(f"{DECISIONS}{app.pk}/", {"decision": "approve"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["decided_automatically"]) == (
        "approved",
        False,
    )


def test_a_refusal_without_a_reason_code_gets_field_errors(
    api: Any, in_decision: Any, visa_officer: Any
) -> None:
    app = in_decision()
    response = api(visa_officer).post(
        f"{DECISIONS}{app.pk}/", {"decision": "reject", "reason_code": "nonsense"}, format="json"
    )
    assert response.status_code == 400
    assert "reason_code" in response.json()["fields"]
    assert Application.objects.get(pk=app.pk).status == "decision"


def test_bulk_decision_on_a_filtered_selection(
    api: Any, in_decision: Any, visa_officer: Any, group: Any, other_group: Any
) -> None:
    mine = [in_decision(), in_decision()]
    theirs = in_decision(
        other_group, nationality="PAK", residence_country="PAK", passport_issuing_state="PAK"
    )
    response = api(visa_officer).post(
        f"{DECISIONS}bulk/",
        {"decision": "reject", "reason_code": "package", "filter": {"group": group.pk}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert sorted(response.json()["decided"]) == sorted(a.pk for a in mine)
    assert Application.objects.get(pk=theirs.pk).status == "decision"


def test_the_seal_exported_from_the_api_verifies_offline(
    api: Any, issued: Any, company_staff: Any, tmp_path: Path, capsys: Any
) -> None:
    # given a visa issued by Masar, its seal downloaded by the company
    visa = issued()
    seal = api(company_staff).get(f"/api/v1/visas/{visa.number}/seal/")
    assert seal.status_code == 200
    (tmp_path / "visa.seal").write_bytes(seal.content)
    # and the published certificates, saved from the public endpoint
    certs = tmp_path / "certs"
    certs.mkdir()
    published = api(None).get("/api/v1/keys/").json()["certificates"]
    assert {c["kind"] for c in published} == {"csca", "signer"}
    for index, cert in enumerate(published):
        (certs / f"{index}.pem").write_text(cert["pem"])
    # when verified offline
    code = visa_cli(["verify", str(tmp_path / "visa.seal"), "--certs", str(certs)])
    out = json.loads(capsys.readouterr().out)
    # then it is valid and carries the visa's data
    assert (code, out["verdict"], out["visa"]["visa_number"]) == (0, "valid", visa.number)
    # and one byte changed is detected
    tampered = bytearray(seal.content)
    tampered[40] ^= 0x01
    (tmp_path / "tampered.seal").write_bytes(bytes(tampered))
    code = visa_cli(["verify", str(tmp_path / "tampered.seal"), "--certs", str(certs)])
    assert code != 0
    assert json.loads(capsys.readouterr().out)["verdict"] != "valid"


def test_a_cancelled_visa_fails_offline_with_the_published_revocation_list(
    api: Any, issued: Any, visa_officer: Any, tmp_path: Path, capsys: Any
) -> None:
    visa = issued()
    cancel = api(visa_officer).post(
        f"/api/v1/visas/{visa.number}/cancel/", {"reason_code": "fraud"}, format="json"
    )
    assert cancel.status_code == 200, cancel.content
    assert cancel.json()["status"] == "cancelled"
    (tmp_path / "visa.seal").write_bytes(bytes(visa.seal))
    revocations = api(None).get("/api/v1/revocations/")
    assert revocations.status_code == 200
    (tmp_path / "revocations.json").write_bytes(revocations.content)
    certs = tmp_path / "certs"
    certs.mkdir()
    for index, cert in enumerate(api(None).get("/api/v1/keys/").json()["certificates"]):
        (certs / f"{index}.pem").write_text(cert["pem"])
    code = visa_cli(
        [
            "verify",
            str(tmp_path / "visa.seal"),
            "--certs",
            str(certs),
            "--revocations",
            str(tmp_path / "revocations.json"),
        ]
    )
    assert (code, json.loads(capsys.readouterr().out)["verdict"]) == (1, "revoked")


def test_verify_says_valid_with_the_visa_data(api: Any, issued: Any) -> None:
    visa = issued()
    result = _verify(api, bytes(visa.seal))
    assert (result["verdict"], result["visa"]["visa_number"]) == ("valid", visa.number)
    assert result["visa"]["valid_until"] == visa.valid_until.isoformat()


def test_verify_accepts_the_qr_text(api: Any, issued: Any) -> None:
    visa = issued()
    for text in (bytes(visa.seal).decode("latin-1"), bytes(visa.seal).hex()):
        response = api(None).post(VERIFY, {"seal": text}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["verdict"] == "valid"


@pytest.mark.parametrize("position", [0, 5, 12, 30, 60, -40, -1])
def test_any_byte_changed_is_detected(api: Any, issued: Any, position: int) -> None:
    visa = issued()
    seal = bytearray(bytes(visa.seal))
    seal[position] ^= 0x04
    result = _verify(api, bytes(seal))
    assert result["verdict"] != "valid"
    assert result["verdict"] in {"bad_signature", "malformed", "unknown_signer"}


def test_a_seal_from_an_unknown_signer(api: Any, issued: Any, tmp_path: Path) -> None:
    visa = issued()
    stranger = KeyStore(tmp_path / "stranger")
    stranger.init(signer_identifier="XXXX")
    features = seal_decode(bytes(visa.seal)).features
    today = kingdom_today()
    forged = seal_build(
        features, signer=stranger.current_signer(), issued_on=today, signed_on=today
    )
    assert _verify(api, forged)["verdict"] == "unknown_signer"


def test_an_expired_visa(api: Any, issued: Any, visa_keys: KeyStore) -> None:
    visa = issued()
    decoded = seal_decode(bytes(visa.seal)).features
    today = kingdom_today()
    from dataclasses import replace

    until = today - dt.timedelta(days=1)
    line1, line2 = decoded.mrz
    line2 = (
        line2[:21] + until.strftime("%y%m%d") + check_digit(until.strftime("%y%m%d")) + line2[28:]
    )
    old = replace(
        decoded, mrz=(line1, line2), valid_from=today - dt.timedelta(days=10), valid_until=until
    )
    seal = seal_build(old, signer=visa_keys.current_signer(), issued_on=today, signed_on=today)
    assert _verify(api, seal)["verdict"] == "expired"


def test_a_revoked_visa(api: Any, issued: Any, visa_officer: Any) -> None:
    visa = issued()
    api(visa_officer).post(
        f"/api/v1/visas/{visa.number}/cancel/", {"reason_code": "security"}, format="json"
    )
    assert _verify(api, bytes(visa.seal))["verdict"] == "revoked"


def test_verify_without_a_seal_is_a_field_error(api: Any) -> None:
    response = api(None).post(VERIFY, {}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["seal"]


def test_the_qr_code_renders(api: Any, issued: Any, company_staff: Any) -> None:
    visa = issued()
    response = api(company_staff).get(f"/api/v1/visas/{visa.number}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") or b"<svg" in response.content[:200]


def test_a_group_issuance_job_through_the_api(
    api: Any, in_decision: Any, visa_officer: Any, group: Any
) -> None:
    app = in_decision()
    api(visa_officer).post(f"{DECISIONS}{app.pk}/", {"decision": "approve"}, format="json")
    response = api(visa_officer).post(
        "/api/v1/visas/issuance-jobs/", {"group_id": group.pk}, format="json"
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["status"], job["total"]) == ("queued", 1)
    detail = api(visa_officer).get(f"/api/v1/visas/issuance-jobs/{job['id']}/")
    assert detail.json()["id"] == job["id"]


def test_decision_stats(api: Any, in_decision: Any, visa_officer: Any) -> None:
    app = in_decision()
    api(visa_officer).post(f"{DECISIONS}{app.pk}/", {"decision": "approve"}, format="json")
    visa_issue(actor=None, application_id=app.pk)
    stats = api(visa_officer).get(f"{DECISIONS}stats/").json()
    assert (stats["decided"], stats["automatic"], stats["automatic_share"]) == (1, 0, 0.0)
    assert Visa.objects.count() == 1


def test_an_unknown_decision_is_a_field_error(
    api: Any, in_decision: Any, visa_officer: Any
) -> None:
    app = in_decision()
    response = api(visa_officer).post(f"{DECISIONS}{app.pk}/", {"decision": "maybe"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_decision")
    assert list(response.json()["fields"]) == ["decision"]
    assert Application.objects.get(pk=app.pk).status == "decision"


def test_an_unknown_cancel_reason_is_a_field_error(
    api: Any, issued: Any, visa_officer: Any
) -> None:
    visa = issued()
    response = api(visa_officer).post(
        f"/api/v1/visas/{visa.number}/cancel/", {"reason_code": "whim"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_reason_code")
    assert Visa.objects.get(pk=visa.pk).status == "valid"


def test_a_bad_queue_filter_is_a_field_error(api: Any, visa_officer: Any) -> None:
    response = api(visa_officer).get(DECISIONS, {"group": "abc"})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_filter")
    assert list(response.json()["fields"]) == ["group"]
