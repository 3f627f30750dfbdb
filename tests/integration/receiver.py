"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request and answers
with the statuses it is told to, in order (then 200)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Receiver:
    host: str = "127.0.0.1"
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    # While set, each request waits until `release` is set (a slow endpoint).
    hold: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The n-th request (1-based) waits until `release` is set; 0: none does.
    hold_at: int = 0
    held: threading.Event = field(default_factory=threading.Event)
    delay: float = 0.0
    server: ThreadingHTTPServer | None = None

    def url(self, path: str = "/hook") -> str:
        assert self.server is not None
        return f"http://{self.host}:{self.server.server_address[1]}{path}"

    def answer(self, *statuses: int) -> None:
        with self.lock:
            self.statuses.extend(statuses)

    def _next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else 200

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append(
                        Received(
                            path=self.path,
                            headers={k.lower(): v for k, v in self.headers.items()},
                            body=body,
                        )
                    )
                    number = len(receiver.requests)
                receiver.arrived.set()
                if receiver.hold.is_set() or number == receiver.hold_at:
                    receiver.held.set()
                    receiver.release.wait(timeout=60)
                elif receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver._next_status()
                payload = b"ok" if status < 300 else b"not now"
                try:
                    self.send_response(status)
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the sender went away (a killed worker)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def ids(self) -> list[str]:
        with self.lock:
            return [r.webhook_id for r in self.requests]


def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()
