"""gunicorn settings of Masar's web nodes: `gunicorn -c python:masar.gunicorn masar.wsgi`.

Each value says why it is what it is; docs/operations.md ("Web processes") has the table.
Override any of them on the command line (`--workers 8`) or with the variables below.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from masar.settings.env import env_int, env_str

bind = env_str("MASAR_BIND", "0.0.0.0:8000")
# Threads, not more processes: requests wait on PostgreSQL most of the time, and a thread
# costs far less memory than a process holding Django, WeasyPrint and the fonts.
worker_class = "gthread"
workers = env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = env_int("MASAR_GUNICORN_THREADS", 4)
# A worker silent this long is killed and replaced. The slowest legitimate requests (a
# 20 MiB manifest parsed before it is queued, a visa PDF) end in a few seconds; 60 s
# catches a stuck worker without cutting them. The proxy's read timeout must be longer.
timeout = env_int("MASAR_GUNICORN_TIMEOUT", 60)
# On SIGTERM (a deploy) or SIGHUP (a reload), a worker stops accepting and finishes what it
# is answering for up to this long. Keep it under the supervisor's kill delay (systemd
# TimeoutStopSec 90 s, Kubernetes terminationGracePeriodSeconds 30 s by default).
graceful_timeout = env_int("MASAR_GUNICORN_GRACEFUL_TIMEOUT", 25)
# Idle keep-alive connections from the proxy are kept longer than the proxy keeps them
# (nginx's upstream keepalive_timeout and most load balancers: 60 s), so the proxy is
# always the side that closes one: never gunicorn at the instant the proxy reuses it (502).
keepalive = env_int("MASAR_GUNICORN_KEEPALIVE", 75)
# Replace each worker after this many requests (with jitter, so not all at once): bounds
# slow memory growth (PDF rendering, caches) without a restart of the node.
max_requests = env_int("MASAR_GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# Masar writes its own access line (route pattern, status, duration, user and organization
# ids, request id): gunicorn's would repeat it with raw paths and query strings, which may
# carry a passport number a client typed.
accesslog = None
errorlog = "-"
# X-Forwarded-* are trusted only from the proxy (comma-separated addresses).
forwarded_allow_ips = env_str("MASAR_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Each worker imports the application itself, so a SIGHUP reload loads the new code.
preload_app = False
# The workers' heartbeat files in memory: a slow disk must not make healthy workers look dead.
if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn's documented setting
    worker_tmp_dir = "/dev/shm"  # noqa: S108


def on_starting(server: Any) -> None:
    """With several workers, /metrics adds up every worker's request metrics from
    PROMETHEUS_MULTIPROC_DIR, which must start empty."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
