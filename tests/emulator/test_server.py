"""Health, the CLI subprocess, restart persistence and concurrent requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from adaptive_plan.emulator.server import run_emulator
from tests.emulator.conftest import HTTP, data

CREATE_PROJECT = "mutation($input: ProjectCreate!) { createProject(input: $input) { id key } }"


def test_health_needs_no_key(emulator) -> None:
    response = httpx.get(f"{emulator.url}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_answers_health_within_a_second_and_prints_the_key(tmp_path: Path) -> None:
    port = _free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from adaptive_plan.cli.main import main; main()",
            "emulator",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "e.db"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        up_after = None
        while up_after is None and time.monotonic() - started < 5.0:
            try:
                if HTTP.get(f"http://127.0.0.1:{port}/health", timeout=0.5).status_code == 200:
                    up_after = time.monotonic() - started
            except httpx.TransportError:
                time.sleep(0.01)
        assert up_after is not None and up_after < 1.0, f"/health answered after {up_after} s"
        lines = [process.stdout.readline() for _ in range(3)]
        key = next(line.split("=", 1)[1].strip() for line in lines if line.startswith("ADAPTIVE_API_KEY="))
        body = httpx.post(
            f"http://127.0.0.1:{port}/api/graphql",
            json={"query": "{ me { email } }"},
            headers={"Authorization": f"Bearer {key}"},
        ).json()
        assert body["data"]["me"]["email"] == "admin@adaptive.local"
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_state_survives_a_restart_with_the_same_db(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with run_emulator(db_path=db, api_key="k-1") as first:
        data(first, CREATE_PROJECT, {"input": {"name": "Kept", "key": "kept"}})
    with run_emulator(db_path=db, api_key="k-1") as second:
        keys = [p["key"] for p in data(second, "{ projects { key } }")["projects"]]
        teams = [t["key"] for t in data(second, "{ teams { key } }")["teams"]]
    assert keys == ["kept"]
    assert teams == ["default"]  # seeded once, not twice


def test_concurrent_creates_are_safe(emulator) -> None:
    def create(index: int) -> dict:
        return data(emulator, CREATE_PROJECT, {"input": {"name": f"P{index}", "key": f"p{index}"}})

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(40)))
    keys = {p["key"] for p in data(emulator, "{ projects { key } }")["projects"]}
    assert keys == {f"p{i}" for i in range(40)}
