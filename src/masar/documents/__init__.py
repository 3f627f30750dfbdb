"""Machine readable zones of travel documents (ICAO Doc 9303), in pure Python.

Parse and validate the MRZ of passports (TD3), identity cards (TD1, TD2) and
visas (MRV-A, MRV-B), and build valid MRZ lines from document data. This package
imports nothing from Django so that it can run anywhere (workers, the CLI, a
manifest import of 100,000 passports).
"""

from masar.documents.checkdigit import check_digit
from masar.documents.errors import ERROR_CODES, ERROR_FIELDS, MRZError, MRZFormatError
from masar.documents.generate import (
    generate_mrva,
    generate_mrvb,
    generate_td1,
    generate_td2,
    generate_td3,
)
from masar.documents.mrz import MRZ, parse_mrz
from masar.documents.names import format_name, transliterate

__all__ = [
    "ERROR_CODES",
    "ERROR_FIELDS",
    "MRZ",
    "MRZError",
    "MRZFormatError",
    "check_digit",
    "format_name",
    "generate_mrva",
    "generate_mrvb",
    "generate_td1",
    "generate_td2",
    "generate_td3",
    "parse_mrz",
    "transliterate",
]
