"""On a terminal, apply's live progress is coloured, unless NO_COLOR or --no-color says not to."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart"
ANSI_COLOUR = re.compile(rb"\x1b\[[0-9;]*m")


def _apply_on_a_terminal(workdir: Path, env: dict[str, str], *flags: str) -> bytes:
    """Run apply with stdout and stderr on a pseudo-terminal; return everything it wrote."""
    shutil.copytree(EXAMPLE, workdir / "q")
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "adaptive_plan", "apply", "q", "--local", "--auto-approve", *flags]
    process = subprocess.Popen(command, cwd=workdir, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=60) == 0, b"".join(chunks).decode(errors="replace")
    os.close(leader)
    return b"".join(chunks)


@pytest.mark.parametrize(("extra_env", "flags"), [({"NO_COLOR": "1"}, ()), ({}, ("--no-color",))])
def test_no_colour_anywhere_when_asked(
    tmp_path: Path, extra_env: dict[str, str], flags: tuple[str, ...]
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | extra_env
    output = _apply_on_a_terminal(tmp_path, env, *flags)
    assert b"Apply complete" in output
    assert not ANSI_COLOUR.search(output)


def test_colour_on_a_terminal_by_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    output = _apply_on_a_terminal(tmp_path, env)
    assert b"Apply complete" in output and ANSI_COLOUR.search(output)
