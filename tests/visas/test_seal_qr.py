"""QR codes: byte mode, level M, cached; read back by a real decoder (zxing-cpp)."""

from __future__ import annotations

import io

import pytest

from masar.visas.keys import KeyStore
from masar.visas.seal import TrustStore, Verdict, seal_qr_png, seal_qr_svg, seal_verify
from masar.visas.seal.qr import _qr
from tests.visas.test_seal_helpers import TODAY, make_store, sign, visa_features


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KeyStore:
    return make_store(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def seal(store: KeyStore) -> bytes:
    return sign(store.current_signer())


def test_the_symbol_is_byte_mode_at_level_m(seal: bytes) -> None:
    qr = _qr(seal)
    assert (qr.mode, qr.error, qr.is_micro) == ("byte", "M", False)
    assert qr.version == 9  # 179 bytes: the smallest version that holds them at level M


def test_svg_and_png_are_pure_and_cached(seal: bytes) -> None:
    svg = seal_qr_svg(seal, title="e-visa seal")
    assert svg.startswith("<svg") and "<title>e-visa seal</title>" in svg
    assert seal_qr_svg(seal, title="e-visa seal") is svg
    assert seal_qr_svg(bytes(seal), scale=4, border=4, title="e-visa seal") == svg
    png = seal_qr_png(seal)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert seal_qr_png(seal) is png
    assert seal_qr_png(seal, scale=2) != png


def _scan(png: bytes, mode: str = "Plain"):  # type: ignore[no-untyped-def]
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp reads the QR codes back")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    # Only QR codes: a 1D reader may "see" a bar code in the modules now and then.
    results = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=getattr(zxingcpp.TextMode, mode)
    )
    assert len(results) == 1
    return results[0]


def test_a_scanner_reads_the_binary_seal_and_it_verifies(seal: bytes, store: KeyStore) -> None:
    result = _scan(seal_qr_png(seal))
    assert result.bytes == seal
    assert result.ec_level == "M"
    # A scanner app hands the bytes over as ISO 8859-1 text, or as hex: both verify too.
    assert result.text == seal.decode("latin-1")
    trust = store.trust_store()
    assert seal_verify(result.text, trust=trust, today=TODAY).verdict is Verdict.VALID
    as_hex = _scan(seal_qr_png(seal), "Hex").text
    assert as_hex.startswith("DC 03 ")
    assert seal_verify(as_hex, trust=trust, today=TODAY).verdict is Verdict.VALID


def test_trailing_bytes_that_look_like_whitespace_survive_scanner_text(store: KeyStore) -> None:
    signer = store.current_signer()
    trust: TrustStore = store.trust_store()
    seal = sign(signer)
    attempts = 0
    while seal[-1] not in b" \t\r\n" and attempts < 5000:
        seal = sign(signer, visa_features())
        attempts += 1
    assert seal[-1] in b" \t\r\n"
    assert seal_verify(seal.decode("latin-1"), trust=trust, today=TODAY).verdict is Verdict.VALID
    assert _scan(seal_qr_png(seal)).bytes == seal
