"""A keep-alive connection that outlives ``stop()`` gets a 503 and is closed: it never reaches
the closed store (which printed a sqlite traceback into whatever test held stderr then)."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from adaptive_plan.emulator.server import run_emulator


def test_a_request_on_a_kept_alive_connection_after_stop_is_refused(capfd) -> None:
    with run_emulator(deploy_delay=0.0) as emulator:
        parts = urlsplit(emulator.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        headers = {"Authorization": f"Bearer {emulator.api_key}", "Content-Type": "application/json"}
        connection.request("POST", "/api/graphql", body=b'{"query": "{ me { email } }"}', headers=headers)
        first = connection.getresponse()
        first.read()
        assert first.status == 200
    connection.request("POST", "/api/graphql", body=b'{"query": "{ me { email } }"}', headers=headers)
    late = connection.getresponse()
    assert late.status == 503 and b"emulator stopped" in late.read()
    connection.close()
    assert "Traceback" not in capfd.readouterr().err
