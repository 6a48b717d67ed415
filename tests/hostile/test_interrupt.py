"""Ctrl-C during apply: the report of a failed apply (done / in flight / not started), exit 130;
a second Ctrl-C exits at once.

The installed CLI runs in a subprocess against a real emulator whose deployments stay PENDING
for a minute, with ``--parallelism 1`` so the order is known: the team and project are done,
the deployment is in flight (waiting for ONLINE) when SIGINT arrives, the rest never starts.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def slow_emu() -> Iterator[object]:
    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(deploy_delay=60.0) as emulator:
        yield emulator


def _start_apply(tmp_path: Path, emu: Any, name: str) -> tuple[subprocess.Popen[str], list[str]]:
    tree = tmp_path / name
    shutil.copytree(EXAMPLES / "quickstart", tree)
    for manifest in tree.glob("*.yaml"):  # unique keys per test: the emulator is shared
        manifest.write_text(
            manifest.read_text().replace("ml-platform", f"ml-{name}").replace("support-bot", f"bot-{name}")
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADAPTIVE_")}
    command = [
        sys.executable, "-m", "adaptive_plan", "apply", str(tree), "--auto-approve", "--no-color",
        "--parallelism", "1", "--url", emu.url, "--api-key", emu.api_key,
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    deadline = time.monotonic() + 60
    assert process.stderr is not None
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen.append(line)
        if "/model.llama-3.1-8b-instruct: " in line and "started" in line and "deploy" in line:
            time.sleep(0.5)  # the deploy request is sent; now it polls for ONLINE
            return process, seen
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError("the deployment never started:\n" + "".join(seen))


def test_ctrl_c_reports_done_in_flight_and_not_started_and_exits_130(tmp_path: Path, slow_emu: Any) -> None:
    process, _ = _start_apply(tmp_path, slow_emu, "once")
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stdout + stderr
    assert time.monotonic() - interrupted < 10  # waits stop at once; nothing waits for ONLINE
    assert "Interrupted: starting nothing more" in stderr
    assert "Traceback" not in stdout + stderr and "Aborted!" not in stdout + stderr
    report = stdout[stdout.index("Apply interrupted:"):]
    assert report.startswith("Apply interrupted: 5 done, 0 failed, 1 in flight, 3 not started.\n"), report
    assert "Done:\n  ✓ team.ml-once: create\n  ✓ project.bot-once: create\n" in report
    deployment = "project.bot-once/model.llama-3.1-8b-instruct"
    assert (
        f"In flight (sent; the outcome was not seen):\n  … {deployment}: deploy: "
        "sent; interrupted while waiting for it to be ready\n"
    ) in report
    assert report[report.index("Not started:"):].splitlines()[1:4] == [
        f"  · {deployment}: update(is_default)",
        "  · project.bot-once/recipe.sft-support: create",
        "  · project.bot-once/recipe.sft-support: update(labels)",
    ]
    assert "Run plan to see where things stand" in report


def test_a_second_ctrl_c_exits_at_once(tmp_path: Path, slow_emu: Any) -> None:
    """While the first Ctrl-C lets a slow request in flight end, the second exits at once."""
    process, _ = _start_apply(tmp_path, slow_emu, "twice")
    slow_emu.faults.latency_ms = 8000  # every poll for ONLINE now takes 8 s to answer
    try:
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        time.sleep(0.5)
        again = time.monotonic()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
        took = time.monotonic() - again
    finally:
        slow_emu.faults.latency_ms = 0
    assert process.returncode == 130, stdout + stderr
    assert "Interrupted: starting nothing more" in stderr
    assert "Interrupted again: exiting now. Steps in flight may still complete; run plan." in stderr
    assert took < 4, took  # not the 8 s the request in flight takes
    assert "Traceback" not in stdout + stderr
