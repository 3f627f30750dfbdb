"""Numbers and amounts as people read them, in Arabic or English. Pure: no Django.

Both languages group thousands. With Western digits both write "2,000,000.00" (the
kingdom's usage, and what the Arabic locale of CLDR gives with Latin digits); with
Arabic-Indic digits (a setting, off by default) Arabic uses its own separators:
"٢٬٠٠٠٬٠٠٠٫٠٠". Amounts are in riyals: "2,000,000.00 ر.س" in Arabic, "SAR 2,000,000.00" in
English. The compact form ("2.5 مليون", "2.5M") fits a figure into a tile.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ARABIC_THOUSANDS = "\u066c"  # ARABIC THOUSANDS SEPARATOR
ARABIC_DECIMAL = "\u066b"  # ARABIC DECIMAL SEPARATOR
CURRENCY = {"ar": "ر.س", "en": "SAR"}
# (threshold, Arabic word, English suffix): the compact forms, largest first.
SCALES = (
    (Decimal(10**9), "مليار", "B"),
    (Decimal(10**6), "مليون", "M"),
    (Decimal(10**3), "ألف", "K"),
)


def _language(language: str | None) -> str:
    return "ar" if (language or "ar")[:2] == "ar" else "en"


def as_decimal(value: object) -> Decimal | None:
    """The value as a Decimal; None for None, empty text or anything not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number_format(
    value: object,
    language: str | None = None,
    *,
    decimals: int = 0,
    arabic_digits: bool = False,
) -> str:
    """The number grouped by thousands, rounded half up to `decimals` places. Anything
    that is not a number is returned as its text (an empty string for None)."""
    number = as_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    quantum = Decimal(1).scaleb(-decimals)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{decimals}f}"
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]  # "-0.00" after rounding is zero
    if _language(language) == "ar" and arabic_digits:
        text = text.replace(",", ARABIC_THOUSANDS).replace(".", ARABIC_DECIMAL)
        text = text.translate(ARABIC_INDIC)
    return text


def compact_format(
    value: object, language: str | None = None, *, arabic_digits: bool = False
) -> str:
    """A short form of a large number: "2.5M" in English, "2.5 مليون" in Arabic; below a
    thousand, the number itself. One decimal, dropped when it is zero."""
    number = as_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    lang = _language(language)
    for threshold, word, suffix in SCALES:
        if abs(number) >= threshold:
            scaled = (number / threshold).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            decimals = 0 if scaled == scaled.to_integral_value() else 1
            text = number_format(scaled, lang, decimals=decimals, arabic_digits=arabic_digits)
            return f"{text} {word}" if lang == "ar" else f"{text}{suffix}"
    return number_format(number, lang, arabic_digits=arabic_digits)


def riyals_format(
    value: object,
    language: str | None = None,
    *,
    decimals: int = 2,
    compact: bool = False,
    arabic_digits: bool = False,
) -> str:
    """An amount with its currency: "2,000,000.00 ر.س" (Arabic), "SAR 2,000,000.00"
    (English); empty for None."""
    number = as_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    lang = _language(language)
    if compact:
        text = compact_format(number, lang, arabic_digits=arabic_digits)
    else:
        text = number_format(number, lang, decimals=decimals, arabic_digits=arabic_digits)
    return f"{text} {CURRENCY['ar']}" if lang == "ar" else f"{CURRENCY['en']} {text}"
