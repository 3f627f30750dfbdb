"""Fixtures of the photos tests: a private store under the test's own folder, and the
applications fixtures (an open season, a group with a package, drafts)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.applications.conftest import (  # noqa: F401 - fixtures
    draft,
    group,
    make_draft,
    other_group,
    quotas,
    season,
)


@pytest.fixture(autouse=True)
def _private_store(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "portraits": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"
