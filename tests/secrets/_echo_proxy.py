"""A forwarding proxy to the emulator that plays a careless server: a request whose body holds
one of its ``canaries`` is answered with a GraphQL error (HTTP 200) or an HTTP 400 text body
quoting the canary in every spelling servers use: raw UTF-8, JSON with ``\\/`` escapes, ASCII
JSON (``\\u00fc``), HTML-safe JSON (``\\u003c``), JSON inside JSON, URL-encoded (``%2F``, ``+``),
URL-encoded twice, and Python ``repr``. Everything else is forwarded unchanged. A request
with ``Authorization: Basic`` (from a ``user:password@`` URL) is forwarded with the
emulator's bearer key, as a reverse proxy that checks basic auth would.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def spellings(value: str) -> dict[str, str]:
    """Each way the proxy echoes ``value``, by name."""
    ascii_json = json.dumps(value)[1:-1]
    return {
        "raw": value,
        "json-slash": json.dumps(value, ensure_ascii=False).replace("/", "\\/")[1:-1],
        "json-ascii": ascii_json,
        "json-html": ascii_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
        "json-upper-hex": ascii_json.replace("\\u00fc", "\\u00FC"),
        "json-in-json": json.dumps(json.dumps(value))[1:-1],
        "url": urllib.parse.quote(value, safe=""),
        "url-plus": urllib.parse.quote_plus(value),
        "url-twice": urllib.parse.quote(urllib.parse.quote(value, safe=""), safe=""),
        "repr": repr(value)[1:-1],
    }


class EchoProxy:
    def __init__(self, upstream: str, api_key: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.api_key = api_key
        self.canaries: list[str] = []
        self.status = 200  # 200: a GraphQL error; 400: a plain-text body
        self.echoed = 0
        self.basic_auth_seen = 0
        self.echo_auth = False  # answer a basic-auth request with an error quoting its header
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._forward(None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._forward(self.rfile.read(length))

            def _forward(self, body: bytes | None) -> None:
                text = (body or b"").decode("utf-8", "replace")
                hit = next((c for c in proxy.canaries if _carries(text, c)), None)
                if hit is not None:
                    proxy.echoed += 1
                    self._echo(hit)
                    return
                skip = ("host", "content-length")
                headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                if headers.get("Authorization", "").startswith("Basic "):
                    proxy.basic_auth_seen += 1
                    if proxy.echo_auth:
                        proxy.echoed += 1
                        self._reply(401, f"rejected {headers['Authorization']}".encode(), "text/plain")
                        return
                    headers["Authorization"] = f"Bearer {proxy.api_key}"
                request = urllib.request.Request(
                    proxy.upstream + self.path, data=body, headers=headers, method=self.command
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, payload = response.status, response.read()
                        kind = response.headers.get("Content-Type")
                except urllib.error.HTTPError as error:
                    status, payload, kind = error.code, error.read(), error.headers.get("Content-Type")
                self._reply(status, payload, kind or "application/json")

            def _echo(self, canary: str) -> None:
                words = "; ".join(f"{name}={form}" for name, form in spellings(canary).items())
                message = f"invalid connection config: {words}"
                if proxy.status == 200:
                    payload = json.dumps({"errors": [{"message": message, "path": ["x"]}], "data": None})
                    self._reply(200, payload.encode("utf-8"), "application/json")
                else:
                    self._reply(proxy.status, message.encode("utf-8"), "text/plain; charset=utf-8")

            def _reply(self, status: int, payload: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> EchoProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _carries(body: str, canary: str) -> bool:
    """Whether a request body (JSON or multipart) holds ``canary`` in any JSON spelling."""
    forms = (canary, json.dumps(canary)[1:-1], json.dumps(canary, ensure_ascii=False)[1:-1])
    return any(form in body for form in forms)
