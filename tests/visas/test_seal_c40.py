"""C40: the worked examples of BSI TR-03137 (Annex B, F) and round-trip properties."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masar.visas.seal.c40 import c40_decode, c40_encode, c40_length
from masar.visas.seal.errors import SealFormatError

ALPHABET = " " + string.digits + string.ascii_uppercase


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("XK<CD", "eb0466a9"),  # Annex B, table 6: '<' is written as a space
        ("XK CD", "eb0466a9"),
        ("XKCD", "eb11fe45"),  # Annex B, table 7: one character left, 0xFE + ASCII + 1
        ("D<<", "6abc"),  # the issuing country of every German seal
        ("DETS0232", "6d32c8a72cb1"),  # Annex F: signer DETS, reference length 02, reference 32
        ("47110815P", "33be1fed20c6"),  # Annex F: the passport number
        ("", ""),
    ],
)
def test_published_examples(text: str, encoded: str) -> None:
    assert c40_encode(text).hex() == encoded
    assert c40_decode(bytes.fromhex(encoded)) == text.replace("<", " ")


@given(st.text(alphabet=ALPHABET, max_size=120))
def test_decode_inverts_encode(text: str) -> None:
    encoded = c40_encode(text)
    assert len(encoded) == c40_length(len(text)) == 2 * -(-len(text) // 3)
    assert c40_decode(encoded) == text


@given(st.text(alphabet=ALPHABET + "<", max_size=120))
def test_fillers_come_back_as_spaces(text: str) -> None:
    assert c40_decode(c40_encode(text)) == text.replace("<", " ")


@given(st.binary(max_size=40))
def test_every_byte_string_decodes_to_at_most_one_text(data: bytes) -> None:
    """A decodable byte string is the only encoding of its text (no two spellings)."""
    try:
        text = c40_decode(data)
    except SealFormatError as exc:
        assert exc.code == "c40"
    else:
        assert c40_encode(text) == data


@pytest.mark.parametrize("text", ["abc", "A-B", "É", "A\n", "A_1"])
def test_characters_outside_the_alphabet_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="C40 encodes only"):
        c40_encode(text)


@pytest.mark.parametrize(
    "data",
    [
        "eb",  # odd length
        "fe45eb11",  # the single-character pair before the end
        "fe00",  # no character in the single-character pair
        "fe62",  # 'a' is not in the alphabet
        "fa01",  # 64000: past the largest value
        "0000",  # value -1
        "0001",  # three shift characters
        "3e81eb11",  # a pair ending in shift 1 (padding) before the end
        "0641",  # shift 2 as the first character
    ],
)
def test_malformed_c40_is_refused(data: str) -> None:
    with pytest.raises(SealFormatError) as caught:
        c40_decode(bytes.fromhex(data))
    assert caught.value.code == "c40"


def _reference_decode(data: bytes) -> str | None:
    """Annex B read literally, one pair at a time; None where it says the data is bad."""
    table = {value: char for value, char in enumerate(ALPHABET, start=3)}
    if len(data) % 2:
        return None
    out = ""
    for pos in range(0, len(data), 2):
        i1, i2 = data[pos], data[pos + 1]
        is_last = pos == len(data) - 2
        if i1 == 0xFE:
            if not is_last or i2 == 0 or chr(i2 - 1) not in ALPHABET:
                return None
            out += chr(i2 - 1)
            continue
        v16 = i1 * 256 + i2
        if not 1 <= v16 <= 64000:
            return None
        u1 = (v16 - 1) // 1600
        u2 = (v16 - (u1 * 1600) - 1) // 40
        u3 = v16 - (u1 * 1600) - (u2 * 40) - 1
        values = [u1, u2] if is_last and u3 == 0 else [u1, u2, u3]
        if any(v not in table for v in values):
            return None
        out += "".join(table[v] for v in values)
    return out


@given(
    st.binary(max_size=24)
    | st.lists(
        st.sampled_from([b"\xfe\x45", b"\x00\x01", b"\xfa\x00", b"\x3e\x81", b"\xeb\x11"]),
        max_size=6,
    ).map(b"".join)
)
def test_the_decoder_agrees_with_the_annex_read_literally(data: bytes) -> None:
    expected = _reference_decode(data)
    if expected is None:
        with pytest.raises(SealFormatError):
            c40_decode(data)
    else:
        assert c40_decode(data) == expected
