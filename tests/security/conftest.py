"""Fixtures of the security regression tests: the reporting season of known figures."""

from __future__ import annotations

from tests.reporting.conftest import ports, record, recorded, rseason  # noqa: F401
