"""Tasks the core tests queue and run (importable by path, as the worker needs)."""

from __future__ import annotations

import os
import signal
import time

from django.tasks import task

from masar.core.context import current_origin


@task()
def quick_task() -> str:
    return "done"


@task()
def request_id_task() -> str:
    """Returns the request id the task runs under."""
    return current_origin().request_id


@task()
def stopped_while_running(seconds: float) -> str:
    """Receives SIGTERM (as a deploy sends it) while running, then works `seconds` more."""
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(seconds)
    return "finished"


@task()
def sleeper(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"
