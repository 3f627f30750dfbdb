"""``masar visa``: keys init/rotate/list/export and verify, end to end on files in tmp_path."""

from __future__ import annotations

import base64
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from masar.visas.cli import main
from masar.visas.keys import KeyStore
from masar.visas.seal import RevokedVisa, kingdom_today, revocation_list_build
from tests.visas.test_seal_helpers import make_store, sign, visa_features

Run = tuple[int, str, str]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MASAR_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.delenv("MASAR_KEYS_PASSPHRASE", raising=False)
    return tmp_path / "keys"


def _seal(store: KeyStore, **changes: object) -> bytes:
    today = kingdom_today()
    features = visa_features(valid_from=today, valid_until=today + timedelta(days=60), **changes)  # type: ignore[arg-type]
    return sign(store.current_signer(), features, on=today)


@pytest.fixture
def issued(keys: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    """Keys made by the CLI, published certificates, and a seal file of each kind."""
    assert run(capsys, "keys", "init")[0] == 0
    store = KeyStore(keys)
    assert run(capsys, "keys", "export", str(tmp_path / "published"))[0] == 0
    seal = _seal(store)
    files = {"certs": tmp_path / "published", "raw": tmp_path / "visa.seal"}
    files["raw"].write_bytes(seal)
    files["base64"] = tmp_path / "visa.b64"
    files["base64"].write_text(base64.b64encode(seal).decode() + "\n")
    files["tampered"] = tmp_path / "tampered.seal"
    files["tampered"].write_bytes(seal[:-10] + bytes([seal[-10] ^ 0x01]) + seal[-9:])
    return files


def test_keys_init_prints_what_it_made(keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "keys", "init", "--signer-id", "savs", "--usage-days", "200")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"created in {keys}:"
    assert lines[1].startswith(
        "  CSCA CN=Masar Visa CSCA SAU,O=Ministry of Hajj and Umrah,C=SA, valid "
    )
    assert "SHA-256 " in lines[1]
    assert lines[2].startswith("  signer SAVS certificate reference ")
    assert lines[2].endswith(" (current)")
    assert ", signs until " in lines[2]
    assert len(lines) == 3
    code, out, err = run(capsys, "keys", "init")
    assert (code, out) == (1, "")
    assert err == f"masar visa keys: {keys} already holds visa keys; use rotate\n"


def test_keys_rotate_list_and_export(
    keys: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "keys", "rotate")
    assert code == 1 and "run `masar visa keys init`" in err
    run(capsys, "keys", "init")
    first = KeyStore(keys).current_signer().certificate_reference
    code, out, err = run(capsys, "keys", "rotate")
    second = KeyStore(keys).current_signer().certificate_reference
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        out.splitlines()[0],
        "earlier signers are kept; publish the certificates again",
    ]
    assert out.startswith(f"issued signer SAVS certificate reference {second} ")
    assert out.splitlines()[0].endswith("; it is now current")
    code, out, _ = run(capsys, "keys", "list")
    listed = json.loads(out)
    assert [(c["kind"], c["certificate_reference"], c["current"]) for c in listed] == [
        ("csca", None, False),
        ("signer", first, False),
        ("signer", second, True),
    ]
    assert out.count("\n") == 1
    code, out, _ = run(capsys, "keys", "export", str(tmp_path / "pub"), "--dir", str(keys))
    assert code == 0
    assert out.splitlines() == [
        f"wrote 3 certificates to {tmp_path / 'pub'}:",
        "  csca.pem",
        f"  SAVS-{first}.pem",
        f"  SAVS-{second}.pem",
    ]


def test_keys_take_a_directory_and_a_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MASAR_KEYS_PASSPHRASE", "s3cret")
    code, _, _ = run(
        capsys,
        "keys",
        "init",
        "--dir",
        str(tmp_path / "d"),
        "--country",
        "UTO",
        "--signer-id",
        "UTV1",
    )
    assert code == 0
    assert b"ENCRYPTED" in (tmp_path / "d" / "csca.key").read_bytes()
    monkeypatch.delenv("MASAR_KEYS_PASSPHRASE")
    code, out, err = run(capsys, "keys", "rotate", "--dir", str(tmp_path / "d"))
    assert (code, out) == (1, "")
    assert "set MASAR_KEYS_PASSPHRASE" in err
    code, _, err = run(capsys, "keys", "init", "--dir", str(tmp_path / "e"), "--country", "QQQ")
    assert code == 1 and "not an ICAO code" in err


def _verify(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    code, out, err = run(capsys, "verify", *argv)
    assert out.count("\n") == 1, out  # one JSON object on one line
    return code, json.loads(out), err


def test_a_valid_seal_exits_0(issued: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    for form in ("raw", "base64"):
        code, data, err = _verify(capsys, str(issued[form]), "--certs", str(issued["certs"]))
        assert (code, err) == (0, "")
        assert data["verdict"] == "valid"
        assert data["visa"]["visa_number"] == "U25000001234"
        assert data["visa"]["holder"]["surname"] == "HASANAH"
        assert data["checked_on"] == kingdom_today().isoformat()


def test_standard_input_and_a_day_to_check_on(
    issued: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(issued["raw"].read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    later = (kingdom_today() + timedelta(days=61)).isoformat()
    code, data, _ = _verify(capsys, "-", "--certs", str(issued["certs"]), "--today", later)
    assert (code, data["verdict"], data["reason"], data["checked_on"]) == (
        1,
        "expired",
        "visa_expired",
        later,
    )


def test_a_tampered_seal_exits_1(
    issued: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, err = _verify(capsys, str(issued["tampered"]), "--certs", str(issued["certs"]))
    assert (code, data["verdict"], err) == (1, "bad_signature", "")


def test_a_revoked_visa_exits_1(
    issued: dict[str, Path], keys: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(tz=UTC)
    listing = tmp_path / "revocations.json"
    listing.write_bytes(
        revocation_list_build(
            [RevokedVisa("U25000001234", now)],
            signer=KeyStore(keys).current_signer(),
            issued_at=now,
        )
    )
    code, data, _ = _verify(
        capsys, str(issued["raw"]), "--certs", str(issued["certs"]), "--revocations", str(listing)
    )
    assert (code, data["verdict"], data["reason"]) == (1, "revoked", "visa_revoked")
    assert data["revocation_list"]["entries"] == 1


def test_a_seal_from_another_csca_exits_1(
    issued: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = KeyStore(tmp_path / "foreign")
    foreign.init()
    forged = tmp_path / "forged.seal"
    forged.write_bytes(_seal(foreign))
    code, data, _ = _verify(capsys, str(forged), "--certs", str(issued["certs"]))
    assert (code, data["verdict"], data["reason"]) == (1, "unknown_signer", "signer_not_published")


def test_garbage_is_a_malformed_verdict(
    issued: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("hello, border officer")
    code, data, _ = _verify(capsys, str(garbage), "--certs", str(issued["certs"]))
    assert (code, data["verdict"], data["reason"], data["visa"]) == (
        1,
        "malformed",
        "encoding",
        None,
    )


@pytest.mark.parametrize("what", ["seal", "certs", "no_csca", "revocations", "forged_list"])
def test_unusable_input_exits_2(
    what: str, issued: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seal, certs = str(issued["raw"]), str(issued["certs"])
    extra: list[str] = []
    if what == "seal":
        seal = str(tmp_path / "missing.seal")
    elif what == "certs":
        certs = str(tmp_path / "missing-dir")
    elif what == "no_csca":
        (tmp_path / "empty").mkdir()
        certs = str(tmp_path / "empty")
    elif what == "revocations":
        extra = ["--revocations", str(tmp_path / "missing.json")]
    else:
        other = make_store(tmp_path / "other")
        forged = tmp_path / "forged.json"
        forged.write_bytes(
            revocation_list_build(
                [], signer=other.current_signer(), issued_at=datetime(2025, 6, 1, 9, tzinfo=UTC)
            )
        )
        extra = ["--revocations", str(forged)]
    code, data, err = _verify(capsys, seal, "--certs", certs, *extra)
    assert code == 2
    assert data["verdict"] is None
    assert (
        data["error"]
        == {
            "seal": "seal_file",
            "certs": "certificates",
            "no_csca": "certificates",
            "revocations": "revocations",
            "forged_list": "revocations",
        }[what]
    )
    assert err == f"masar visa: {data['message']}\n"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "x.seal"]) == 2  # --certs is required
    assert main(["verify", "x.seal", "--certs", "d", "--today", "tomorrow"]) == 2
    assert main(["keys", "init", "--usage-days", "0"]) == 2
    assert main([]) == 2
    capsys.readouterr()
    assert main(["--help"]) == 0
    assert "verify" in capsys.readouterr().out
