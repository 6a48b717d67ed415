"""Exit codes as documented (README "Exit codes"): ``plan --detailed-exitcode`` is 0 with no
changes, 2 with changes, 1 on error, in every format and with ``-o``; without the flag a plan
with changes is 0; errors print one message on stderr, nothing on stdout, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FORMATS = ("text", "json", "markdown")
NO_CONNECTION = {"ADAPTIVE_URL": "", "ADAPTIVE_API_KEY": ""}


def manifest(directory: Path, sfx: str, name: str = "Codes") -> str:
    (directory / "m.yaml").write_text(
        f"version: 1\nteams: [{{key: ec-{sfx}, name: EC}}]\n"
        f"projects: [{{key: ec-{sfx}, name: {name}, team: ec-{sfx}}}]\n",
        encoding="utf-8",
    )
    return str(directory)


@pytest.mark.parametrize("fmt", FORMATS)
def test_detailed_exitcode_2_with_changes_0_without(run, tmp_path: Path, sfx: str, fmt: str) -> None:
    path = manifest(tmp_path, sfx)
    changes = run("plan", path, "--format", fmt, "--detailed-exitcode", connect=True)
    assert changes.exit_code == 2, changes.output
    assert f"ec-{sfx}" in changes.stdout
    plain = run("plan", path, "--format", fmt, connect=True)
    assert plain.exit_code == 0, plain.output
    assert run("apply", path, "--auto-approve", connect=True).exit_code == 0
    saved = str(tmp_path / "p.json")
    same = run("plan", path, "--format", fmt, "--detailed-exitcode", "-o", saved, connect=True)
    assert same.exit_code == 0, same.output
    if fmt == "json":
        assert json.loads(same.stdout)["has_changes"] is False
    manifest(tmp_path, sfx, name="Renamed")
    update = run("plan", path, "--format", fmt, "--detailed-exitcode", connect=True)
    assert update.exit_code == 2, update.output


@pytest.mark.parametrize(
    ("case", "args", "env", "message"),
    [
        ("invalid manifest", ["--url", "http://127.0.0.1:9", "--api-key", "k"], {}, "unknown field 'nmae'"),
        ("no instance", [], NO_CONNECTION, "--local"),
        ("bad key", ["--api-key", "wrong-key"], {}, "Error:"),
        ("unwritable plan file", ["-o", "/nonexistent-dir/plan.json"], {}, "cannot write the saved plan"),
    ],
)
def test_detailed_exitcode_is_1_on_error(
    run, emu, tmp_path: Path, sfx: str, case: str, args: list[str], env: dict[str, str], message: str
) -> None:
    path = manifest(tmp_path, sfx)
    if case == "invalid manifest":
        (tmp_path / "bad.yaml").write_text("version: 1\nteams: [{key: x, nmae: y}]\n", encoding="utf-8")
    if case in ("bad key", "unwritable plan file"):
        connection = ["--url", emu.url] if case == "bad key" else ["--url", emu.url, "--api-key", emu.api_key]
        args = [*connection, *args]
    for fmt in FORMATS:
        result = run("plan", path, "--format", fmt, "--detailed-exitcode", *args, env=env)
        assert result.exit_code == 1, (case, fmt, result.output)
        assert result.stdout == "", (case, fmt)
        assert message in result.stderr and "Traceback" not in result.stderr, (case, fmt, result.stderr)


def test_real_process_exit_codes(emu, tmp_path: Path, sfx: str) -> None:
    """Through a real process (what CI sees): 2 with changes, 1 for an unreachable server
    (after the client's retries; only here, as it takes a few seconds)."""
    path = manifest(tmp_path, sfx)
    env = {**os.environ, "ADAPTIVE_URL": emu.url, "ADAPTIVE_API_KEY": emu.api_key, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "adaptive_plan", "plan", path, "--detailed-exitcode", "--format", "json"]
    changed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert changed.returncode == 2, changed.stderr
    assert json.loads(changed.stdout)["has_changes"] is True
    env["ADAPTIVE_URL"] = "http://127.0.0.1:9"
    failed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.startswith("Error: ") and "Traceback" not in failed.stderr


def test_apply_exit_codes(run, tmp_path: Path, sfx: str) -> None:
    path = manifest(tmp_path, sfx)
    assert run("apply", path, connect=True).exit_code == 1  # no TTY, no --auto-approve
    assert run("apply", path, "--auto-approve", connect=True).exit_code == 0
    again = run("apply", path, "--auto-approve", connect=True)
    assert again.exit_code == 0 and "No changes." in again.stdout
