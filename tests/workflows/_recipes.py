"""Reading the GitHub Actions recipes in ``examples/ci/github-actions/`` and running one of
their ``run:`` steps the way GitHub does (``bash -e``, with GITHUB_OUTPUT and the step summary
as files), so tests can check what a step does and not only what it says."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "examples" / "ci" / "github-actions"
WORKFLOWS = sorted(RECIPES.glob("*.yml"))


def load_workflow(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), path
    if True in document:  # YAML 1.1 reads the key `on` as a boolean
        document["on"] = document.pop(True)
    return document


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in document["jobs"].values() for step in job["steps"]]


def step(workflow: str, name: str, job: str | None = None) -> dict[str, Any]:
    """The step called ``name`` (in ``job``, or the first job that has one)."""
    document = load_workflow(RECIPES / workflow)
    jobs = [document["jobs"][job]] if job else document["jobs"].values()
    return next(s for j in jobs for s in j["steps"] if s.get("name") == name)


def step_script(workflow: str, name: str, job: str | None = None) -> str:
    return str(step(workflow, name, job)["run"])


@dataclass
class StepRun:
    code: int
    outputs: dict[str, str]
    summary: str
    stdout: str
    stderr: str


def run_step(script: str, workdir: Path, env: Mapping[str, str] | None = None) -> StepRun:
    """Run ``script`` with bash in ``workdir``; ``env`` adds to a minimal environment."""
    outputs, summary = workdir / "github_output", workdir / "step_summary"
    outputs.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    base = {
        "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(workdir)), "NO_COLOR": "1",
        "MANIFESTS": "manifests/", "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "f" * 40,
    }
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=workdir, env={**base, **(env or {})},
        capture_output=True, text=True, timeout=300,
    )
    assert "Traceback" not in result.stderr, result.stderr
    lines = outputs.read_text(encoding="utf-8").splitlines()
    pairs = dict(line.split("=", 1) for line in lines if "=" in line)
    text = summary.read_text(encoding="utf-8")
    return StepRun(result.returncode, pairs, text, result.stdout, result.stderr)


def connection(emu: Any) -> dict[str, str]:
    """The step env GitHub fills from vars.ADAPTIVE_URL and secrets.ADAPTIVE_API_KEY."""
    return {"ADAPTIVE_URL": emu.url, "ADAPTIVE_API_KEY": emu.api_key}
