"""Settings of the `masar worker` subprocesses started by the worker tests: the test settings,
the test database (DATABASE_URL, set by the test) and short leases so a test need not wait."""

from masar.settings.test import *  # noqa: F403

MASAR_WEBHOOK_TIMEOUT_SECONDS = 2
MASAR_WEBHOOK_LEASE_SECONDS = 4
MASAR_WEBHOOK_PUMP_SECONDS = 5
