"""Settings for the test suite: fast hashing, in-memory mail, tasks run by the tests."""

from __future__ import annotations

from masar.settings.base import *  # noqa: F403
from masar.settings.base import TASKS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_ENABLED = True
TASKS = TASKS
# Audit checkpoints are files: each test that needs them points this at its own directory.
MASAR_AUDIT_CHECKPOINT_DIR = None
# The general per-client API limit is far above what any test sends in a minute (counts
# outlive a test in the in-memory cache); tests of the limits set their own rates.
MASAR_THROTTLE_RATES = {**MASAR_THROTTLE_RATES, "user": "1000000/minute", "anon": "1000000/minute"}  # noqa: F405
# Every emitted event is checked against its published JSON Schema (/api/v1/events/schemas/).
MASAR_EVENTS_VALIDATE = True
