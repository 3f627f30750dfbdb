"""The rehearsal's clients (benchmarks/season_day.py): an HTTP client that records every
call's latency and retries what a real client retries, and the webhook receiver.

`Api.call` retries a connection error or a 5xx (the database restart) with the same body:
every write the rehearsal makes is idempotent on the server's side (crossings carry their
`client_event_id`; a bulk approval or decision of an application already moved is refused
for that application, not repeated). Each 5xx and connection error is kept with its time,
so the reconciliation can tell those inside the restart window from the others.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: Set when the rehearsal is stopped (a signal, a failed stage): every client's next call
#: raises, so its thread ends and the processes and the cluster can be removed.
STOP = threading.Event()


class Stopped(RuntimeError):
    pass


class Api:
    """One client's keep-alive connection to the web server, with its bearer token."""

    def __init__(self, port: int, token: str, stats: CallStats) -> None:
        self.port, self.token, self.stats = port, token, stats
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return self._conn

    def call(
        self,
        method: str,
        path: str,
        *,
        name: str,
        body: Any = None,
        files: tuple[str, bytes] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}
        payload: bytes | None = None
        if files is not None:
            boundary = uuid.uuid4().hex
            filename, content = files
            payload = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                ).encode()
                + content
                + f"\r\n--{boundary}--\r\n".encode()
            )
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(60):
            if STOP.is_set():
                raise Stopped("the rehearsal is stopping")
            started = time.monotonic()
            try:
                conn = self._connection()
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                self.stats.failure(name, f"connection: {type(exc).__name__}")
                if self._conn is not None:
                    self._conn.close()
                self._conn = None
                time.sleep(min(0.5 * (attempt + 1), 3))
                continue
            elapsed = time.monotonic() - started
            if status >= 500:
                self.stats.failure(name, f"HTTP {status}: {data[:200]!r}")
                time.sleep(min(0.5 * (attempt + 1), 3))
                continue
            self.stats.record(name, elapsed)
            if status not in expect:
                raise RuntimeError(f"{method} {path}: HTTP {status}: {data[:500]!r}")
            ctype = response.getheader("Content-Type") or ""
            return json.loads(data) if "json" in ctype else data
        raise RuntimeError(f"{method} {path}: no answer after 60 attempts")


class CallStats:
    """Latency of every successful call by name; every 5xx and connection error."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.failures: list[tuple[float, str, str]] = []

    def record(self, name: str, seconds: float) -> None:
        with self._lock:
            self.latencies[name].append(seconds)

    def failure(self, name: str, what: str) -> None:
        with self._lock:
            self.failures.append((time.monotonic(), name, what))

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, values in sorted(self.latencies.items()):
            values = sorted(values)

            def pct(p: float, values: list[float] = values) -> float:
                return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 1)

            out[name] = {"calls": len(values), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
                         "p99_ms": pct(0.99)}  # fmt: skip
        return out


class Receiver:
    """The webhook endpoint of every subscriber: logs each delivery's `webhook-id` (and the
    subscriber, from the query string) and answers 204, or 503 while `failing`."""

    def __init__(self) -> None:
        self.failing = False
        self.lock = threading.Lock()
        self.received: list[tuple[str, str]] = []
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("content-length") or 0))
                if receiver.failing:
                    with receiver.lock:
                        receiver.refused += 1
                    self.send_response(503)
                else:
                    with receiver.lock:
                        receiver.received.append(
                            (self.headers.get("webhook-id", ""), self.path.partition("?")[2])
                        )
                    self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


FLOOR_SENDER = r"""
import base64, hashlib, hmac, json, sys, time, uuid
import httpx
port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
key = b"k" * 32
body = json.dumps({"type": "application.issued", "data": {"pad": "x" * max(0, size - 60)}}).encode()
with httpx.Client(trust_env=False, limits=httpx.Limits(max_keepalive_connections=2)) as client:
    for _ in range(count):
        webhook_id, stamp = "msg_" + uuid.uuid4().hex, str(int(time.time()))
        digest = hmac.new(key, f"{webhook_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
        response = client.post(
            f"http://127.0.0.1:{port}/floor", content=body,
            headers={"content-type": "application/json", "webhook-id": webhook_id,
                     "webhook-timestamp": stamp,
                     "webhook-signature": "v1," + base64.b64encode(digest).decode()},
        )
        assert response.status_code == 204, response.status_code
"""


def webhook_floor(python: str, count: int, body_bytes: int) -> dict[str, float]:
    """The least work any sender must do per webhook delivery, timed on this machine: a
    signed POST of a body of the day's mean size over a kept-alive connection, with the
    same HTTP client as Masar, and nothing else (no queue, no database, no retry state).
    The sender is a process of its own so that its CPU is counted alone; the receiver is
    another instance of the day's, in this process."""
    import resource
    import subprocess

    receiver = Receiver()

    def send(n: int) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        subprocess.run([python, "-c", FLOOR_SENDER, str(receiver.port), str(n),
                        str(body_bytes)], check=True)  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return cpu, time.monotonic() - started

    try:
        # The sender's start (the interpreter, httpx's import) is timed apart and taken off.
        start_cpu, start_wall = send(0)
        cpu, wall = send(count)
        cpu, wall = max(0.0, cpu - start_cpu), max(0.0, wall - start_wall)
    finally:
        receiver.close()
    assert len(receiver.received) == count, (len(receiver.received), count)
    return {"deliveries": count, "body_bytes": body_bytes, "sender_cpu_s": round(cpu, 2),
            "wall_s": round(wall, 2), "sender_cpu_ms_per_delivery": round(cpu / count * 1000, 3)}  # fmt: skip
