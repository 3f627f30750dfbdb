"""Arabic script: normalization and transliteration (ICAO Doc 9303) for name matching.

Pure Python (no Django); used by :mod:`masar.screening.names`, which re-exports
the public names below.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

__all__ = [
    "ARABIC_TRANSLITERATION",
    "PLAIN_TRANSLITERATION",
    "has_arabic",
    "normalize_arabic",
    "transliterate_arabic",
]


#: One row per letter: (Arabic letter, ICAO MRZ value, plain matching value).
#:
#: Source of the ICAO column: ICAO Doc 9303 "Machine Readable Travel Documents",
#: Part 3, Section 6, Table C "Transliteration of Arabic script" and the
#: informative Appendix B (7th edition, 2015). There ``X`` is an escape that
#: marks a letter with no single Latin equivalent (XTH for ث, XH for ح, ...);
#: ة is XTA inside a name component and XAH at its end, and a shadda doubles
#: the letter. ڤ is not in Table C; "V" follows ALA-LC and BGN/PCGN.
#:
#: The plain column is what the matcher uses: the ICAO value with the X escapes
#: dropped, as Appendix B tells operators to read it, and the letters that
#: :func:`normalize_arabic` folds (أ إ آ ٱ ؤ ئ ى ة and the Persian/Urdu forms)
#: given the value of the letter they fold into. ع is "e" as in ICAO, which the
#: phonetic key reads as a vowel (Omar/عمر, Saad/سعد).
ARABIC_TRANSLITERATION: Final[tuple[tuple[str, str, str], ...]] = (
    ("\u0621", "XE", ""),  # ء hamza
    ("\u0622", "XAA", "a"),  # آ alef with madda above
    ("\u0623", "XAE", "a"),  # أ alef with hamza above
    ("\u0624", "U", "w"),  # ؤ waw with hamza above
    ("\u0625", "I", "a"),  # إ alef with hamza below
    ("\u0626", "XI", "y"),  # ئ yeh with hamza above
    ("\u0627", "A", "a"),  # ا alef
    ("\u0628", "B", "b"),  # ب beh
    ("\u0629", "XTA", "h"),  # ة teh marbuta (XAH at the end of a component)
    ("\u062a", "T", "t"),  # ت teh
    ("\u062b", "XTH", "th"),  # ث theh
    ("\u062c", "J", "j"),  # ج jeem
    ("\u062d", "XH", "h"),  # ح hah
    ("\u062e", "XKH", "kh"),  # خ khah
    ("\u062f", "D", "d"),  # د dal
    ("\u0630", "XDH", "dh"),  # ذ thal
    ("\u0631", "R", "r"),  # ر reh
    ("\u0632", "Z", "z"),  # ز zain
    ("\u0633", "S", "s"),  # س seen
    ("\u0634", "XSH", "sh"),  # ش sheen
    ("\u0635", "XSS", "s"),  # ص sad
    ("\u0636", "XDZ", "d"),  # ض dad
    ("\u0637", "XTT", "t"),  # ط tah
    ("\u0638", "XZZ", "z"),  # ظ zah
    ("\u0639", "E", "e"),  # ع ain
    ("\u063a", "G", "gh"),  # غ ghain
    ("\u0641", "F", "f"),  # ف feh
    ("\u0642", "Q", "q"),  # ق qaf
    ("\u0643", "K", "k"),  # ك kaf
    ("\u0644", "L", "l"),  # ل lam
    ("\u0645", "M", "m"),  # م meem
    ("\u0646", "N", "n"),  # ن noon
    ("\u0647", "H", "h"),  # ه heh
    ("\u0648", "W", "w"),  # و waw
    ("\u0649", "XAY", "y"),  # ى alef maksura
    ("\u064a", "Y", "y"),  # ي yeh
    ("\u0671", "XXA", "a"),  # ٱ alef wasla
    ("\u067e", "P", "p"),  # پ peh
    ("\u0686", "XC", "ch"),  # چ tcheh
    ("\u0698", "XJ", "zh"),  # ژ jeh
    ("\u06a4", "V", "v"),  # ڤ veh (not in Table C)
    ("\u06a9", "XKK", "k"),  # ک keheh
    ("\u06af", "XGG", "g"),  # گ gaf
    ("\u06cc", "XYA", "y"),  # ی farsi yeh
    ("\u06d0", "Y", "y"),  # ې yeh (Pashto/Uyghur e)
    ("\u06d2", "XYB", "y"),  # ے yeh barree
    ("\u06d3", "XBE", "y"),  # ۓ yeh barree with hamza
    ("\u06c1", "XXG", "h"),  # ہ heh goal
    ("\u06be", "XDO", "h"),  # ھ heh doachashmee
    ("\u06c0", "XYH", "h"),  # ۀ heh with yeh above
    ("\u0679", "XXT", "t"),  # ٹ tteh
    ("\u0688", "XXD", "d"),  # ڈ ddal
    ("\u0691", "XXR", "r"),  # ڑ rreh
    ("\u06ba", "XNN", "n"),  # ں noon ghunna
)

_ICAO: Final[dict[str, str]] = {row[0]: row[1] for row in ARABIC_TRANSLITERATION}
PLAIN_TRANSLITERATION: Final[dict[int, str]] = {
    ord(row[0]): row[2] for row in ARABIC_TRANSLITERATION
}

_ARABIC_CHAR = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks, tatweel and
# the invisible direction/joiner controls that Arabic text often carries.
_ARABIC_STRIP = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
    "\u0640\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)

_ARABIC_FOLD: Final[dict[int, str | None]] = {
    **{ord(c): "\u0627" for c in "\u0623\u0625\u0622\u0671\u0672\u0673"},  # alef forms
    0x0624: "\u0648",  # ؤ → و
    0x0626: "\u064a",  # ئ → ي
    0x0649: "\u064a",  # ى → ي
    0x0629: "\u0647",  # ة → ه
    0x0621: None,  # standalone hamza: unwritten in Latin too (Alaa, Raja)
    **{ord(c): "\u0643" for c in "\u06a9\u06aa"},  # keheh, swash kaf → ك
    **{ord(c): "\u064a" for c in "\u06cc\u06d0\u06cd\u06d2\u06d3"},  # yeh forms → ي
    **{ord(c): "\u0647" for c in "\u06c1\u06be\u06c0\u06c2\u06c3\u06d5"},  # heh forms → ه
    0x0679: "\u062a",  # ٹ → ت
    0x0688: "\u062f",  # ڈ → د
    0x0691: "\u0631",  # ڑ → ر
    0x06BA: "\u0646",  # ں → ن
    **{ord(c): "\u06af" for c in "\u06ad\u06a8"},  # Maghrebi g letters → گ
    **{ord(c): "\u06a4" for c in "\u06a5\u06cb"},  # v letters → ڤ
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic digits
    **{0x06F0 + i: str(i) for i in range(10)},  # Extended (Persian/Urdu) digits
    **{ord(c): " " for c in "\u060c\u061b\u061f\u066b\u066c\u06d4"},  # punctuation
}


def has_arabic(text: str) -> bool:
    """Return whether ``text`` contains a character of the Arabic script blocks."""
    return _ARABIC_CHAR.search(text) is not None


def normalize_arabic(text: str) -> str:
    """Normalize Arabic-script text for matching; other characters pass through.

    Folds أ إ آ ٱ → ا, ؤ → و, ئ → ي, ى → ي, ة → ه, drops the standalone ء,
    removes harakat, tanwin, shadda, sukun, the superscript alef and tatweel,
    maps Persian/Urdu letter variants (ک → ك, ی/ې/ے → ي, ہ/ھ/ۀ → ه, ٹ ڈ ڑ ں to
    their Arabic bases; پ چ ژ ڤ گ are kept), Arabic-Indic digits to 0-9, and
    collapses whitespace.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_STRIP.sub("", text)
    text = text.translate(_ARABIC_FOLD)
    return " ".join(text.split())


def transliterate_arabic(text: str, *, scheme: Literal["plain", "icao"] = "plain") -> str:
    """Transliterate Arabic script into Latin letters (see :data:`ARABIC_TRANSLITERATION`).

    ``scheme="icao"`` gives the ICAO Doc 9303 MRZ form of the text as written
    (upper case, X escapes, ة as XTA or XAH, shadda doubling), e.g. ``محمد`` →
    ``MXHMD``. ``scheme="plain"`` normalizes first and gives the lower-case
    matching form, e.g. ``محمد`` → ``mhmd``. Characters outside the table are
    kept (Latin letters and digits) or dropped (other marks).
    """
    if scheme == "icao":
        return _transliterate_icao(text)
    return normalize_arabic(text).translate(PLAIN_TRANSLITERATION)


def _transliterate_icao(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    last = ""
    for i, ch in enumerate(text):
        if ch == "\u0651":  # shadda doubles the letter it sits on
            out.append(last)
            continue
        value = _ICAO.get(ch)
        if value is None:
            if ch.isspace():
                value = " "
            elif ch.isascii() and ch.isalnum():
                value = ch.upper()
            elif "\u0660" <= ch <= "\u0669" or "\u06f0" <= ch <= "\u06f9":
                value = str(unicodedata.digit(ch))
            else:  # harakat, tatweel and punctuation are not encoded
                continue
        elif ch == "\u0629":
            nxt = text[i + 1 : i + 2]
            value = "XTA" if nxt and nxt in _ICAO else "XAH"
        out.append(value)
        last = value
    return " ".join("".join(out).split())
