"""The emulator's HTTP server (stdlib ``ThreadingHTTPServer``) and its Python API.

    with run_emulator(deploy_delay=0.5) as emulator:
        headers = {"Authorization": f"Bearer {emulator.api_key}"}
        httpx.post(f"{emulator.url}/api/graphql", headers=headers, json={...})
        emulator.faults.fail_operation("CreateProject", status=503)

``start_emulator(...)`` is the non-context form (call ``stop()``); ``serve_forever`` is the CLI's.
Nothing is logged: request lines could carry secrets.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from adaptive_plan.emulator.faults import Faults
from adaptive_plan.emulator.seed import ADMIN_EMAIL, seed_store
from adaptive_plan.emulator.stats import Stats
from adaptive_plan.emulator.store import Store, hash_key

__all__ = ["Emulator", "Faults", "Stats", "run_emulator", "start_emulator"]

if TYPE_CHECKING:
    from adaptive_plan.emulator.app import App


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.stats.connected()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/health" and self.command == "GET" and not self.server.ready.is_set():
            self.server.stats.record()  # answered before the GraphQL app has loaded
            self._send(200, b'{"status": "ok"}', {"Content-Type": "application/json"})
            return
        if self.server.stopped.is_set():  # a kept-alive connection outliving stop(): refuse, close
            self.close_connection = True
            self._send(503, b'{"error": "emulator stopped"}', {"Content-Type": "application/json"})
            return
        from adaptive_plan.emulator.app import Request

        headers = {name.lower(): value for name, value in self.headers.items()}
        response = self.server.app.handle(Request(self.command, self.path, headers, body))
        if response is None:  # drop after commit: close without answering
            self.close_connection = True
            return
        self._send(response.status, response.body, response.headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:  # never log (secrets)
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Never print a handler's traceback: it lands in whatever stderr a test or CLI holds
        (and could quote a request body). The client sees its connection close."""
        return

    def __init__(
        self,
        address: tuple[str, int],
        store: Store,
        faults: Faults,
        stats: Stats,
        delay: float,
        ab_test_duration: float | None = None,
    ):
        self.stats, self.ready, self._app = stats, threading.Event(), None
        self.stopped = threading.Event()
        super().__init__(address, _Handler)
        # The GraphQL app (graphql-core import, SDL parse) loads in the background: /health is instant.
        loader = threading.Thread(
            target=self._load, args=(store, faults, delay, ab_test_duration), daemon=True
        )
        loader.start()

    def _load(self, store: Store, faults: Faults, delay: float, ab_test_duration: float | None) -> None:
        try:
            from adaptive_plan.emulator.app import create_app

            self._app = create_app(
                store, faults, deploy_delay=delay, stats=self.stats, ab_test_duration=ab_test_duration
            )
        finally:
            self.ready.set()

    @property
    def app(self) -> App:
        self.ready.wait()
        if self._app is None:
            raise RuntimeError("the emulator app failed to load")
        return self._app


@dataclass
class Emulator:
    """A running emulator: ``url`` (no trailing slash), ``api_key``, live ``faults`` and ``stats``."""

    url: str
    api_key: str
    faults: Faults
    stats: Stats
    store: Store
    _server: _Server
    _thread: threading.Thread

    def stop(self) -> None:
        # Handler threads are daemons and keep-alive connections outlive shutdown(): flag them
        # first, so a late request gets a 503 instead of reaching the closed store.
        self._server.stopped.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.store.close()


def prepare_store(db_path: str | None, api_key: str | None) -> tuple[Store, str]:
    """Open and seed the store, and register ``api_key`` (or a new one) for the admin user."""
    store = Store(db_path)
    seed_store(store)
    key = api_key or "ak_" + secrets.token_urlsafe(24)
    with store.transaction():
        if store.by_key("api_key", hash_key(key)) is None:
            admin = store.by_key("user", ADMIN_EMAIL)
            record = {"id": secrets.token_hex(16), "userId": admin["id"], "createdAt": 0}
            store.insert("api_key", record, key=hash_key(key))
    return store, key


def start_emulator(
    *,
    db_path: str | None = None,
    api_key: str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    deploy_delay: float = 0.0,
    faults: Faults | None = None,
    ab_test_duration: float | None = None,
) -> Emulator:
    """Start an emulator in a background thread and return it (call ``stop()`` when done).

    ``ab_test_duration``: seconds after which an AB campaign ends by itself (None: never)."""
    store, key = prepare_store(db_path, api_key)
    faults = faults or Faults()
    stats = Stats()
    server = _Server((host, port), store, faults, stats, deploy_delay, ab_test_duration)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="adaptive-emulator", daemon=True
    )
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    url = f"http://{bound_host}:{bound_port}"
    return Emulator(url, key, faults, stats, store, server, thread)


@contextmanager
def run_emulator(
    *,
    db_path: str | None = None,
    api_key: str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    deploy_delay: float = 0.0,
    faults: Faults | None = None,
    ab_test_duration: float | None = None,
) -> Iterator[Emulator]:
    """Run an emulator for the ``with`` block; yields the running ``Emulator``."""
    emulator = start_emulator(
        db_path=db_path,
        api_key=api_key,
        host=host,
        port=port,
        deploy_delay=deploy_delay,
        faults=faults,
        ab_test_duration=ab_test_duration,
    )
    try:
        yield emulator
    finally:
        emulator.stop()
