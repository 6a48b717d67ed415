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

from adaptive_plan.emulator.app import App, Request, Stats, create_app
from adaptive_plan.emulator.faults import Faults
from adaptive_plan.emulator.resolvers.teams_roles_users import hash_key
from adaptive_plan.emulator.seed import ADMIN_EMAIL, seed_store
from adaptive_plan.emulator.store import Store


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        response = self.server.app.handle(Request(self.command, self.path, headers, body))
        if response is None:  # drop after commit: close without answering
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:  # never log (secrets)
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        super().__init__(address, _Handler)


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
) -> Emulator:
    """Start an emulator in a background thread and return it (call ``stop()`` when done)."""
    store, key = prepare_store(db_path, api_key)
    faults = faults or Faults()
    stats = Stats()
    server = _Server((host, port), create_app(store, faults, deploy_delay=deploy_delay, stats=stats))
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
) -> Iterator[Emulator]:
    """Run an emulator for the ``with`` block; yields the running ``Emulator``."""
    emulator = start_emulator(
        db_path=db_path, api_key=api_key, host=host, port=port, deploy_delay=deploy_delay, faults=faults
    )
    try:
        yield emulator
    finally:
        emulator.stop()
