"""Settings for the test suite: fast hashing, in-memory mail, tasks run by the tests."""

from __future__ import annotations

from masar.settings.base import *  # noqa: F403
from masar.settings.base import TASKS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_ENABLED = True
TASKS = TASKS
# Every emitted event is checked against its published JSON Schema (/api/v1/events/schemas/).
MASAR_EVENTS_VALIDATE = True
