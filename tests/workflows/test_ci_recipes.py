"""The GitHub Actions recipes in ``examples/ci/github-actions/``: each parses as a workflow,
every ``adaptive-plan ...`` command line in it (and in the README's workflow section) uses only
commands, flags and choices the real CLI has, and the shell steps that run adaptive-plan work:
they are executed with bash against the real emulator, with GitHub's output files faked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_words import check_invocation, command_lines, shell_lines
from tests.workflows._recipes import (
    RECIPES,
    ROOT,
    WORKFLOWS,
    connection,
    load_workflow,
    run_step,
    step_script,
    steps,
)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_each_workflow_parses_and_uses_only_real_commands_and_flags(path: Path) -> None:
    document = load_workflow(path)
    assert {"name", "on", "jobs", "permissions"} <= set(document), path
    invocations = []
    for step in steps(document):
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            invocations += command_lines(step["run"])
    assert invocations, f"{path.name} never runs adaptive-plan"
    for words in invocations:
        check_invocation(words)


def test_the_three_recipes_exist_with_their_triggers_and_commands() -> None:
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "drift.yml", "plan.yml"]
    plan, deploy, drift = (load_workflow(RECIPES / name) for name in ("plan.yml", "deploy.yml", "drift.yml"))
    assert "pull_request" in plan["on"] and deploy["on"]["push"]["branches"] == ["main"]
    assert drift["on"]["schedule"][0]["cron"]
    used = {
        name: [w for s in steps(doc) if "run" in s for w in command_lines(s["run"])]
        for name, doc in (("plan", plan), ("deploy", deploy), ("drift", drift))
    }
    plan_line = next(w for w in used["plan"] if w[0] == "plan")
    assert {"--format", "markdown", "-o", "--github"} <= set(plan_line)
    assert any(w[0] == "validate" for w in used["plan"])
    apply_line = next(w for w in used["deploy"] if w[0] == "apply")
    assert apply_line[:3] == ["apply", "plan.json", "--auto-approve"]
    assert any(w[:1] == ["drift"] and "markdown" in w for w in used["drift"])
    sticky = next(s for s in steps(plan) if s.get("uses", "").startswith("actions/github-script"))
    assert "updateComment" in sticky["with"]["script"] and "createComment" in sticky["with"]["script"]
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps(plan))


def test_the_checker_rejects_what_does_not_exist() -> None:
    for bad in ("adaptive-plan plan . --fromat json", "adaptive-plan drfit .",
                "adaptive-plan drift . --format yaml", "X=1 adaptive-plan apply --auto-approve=yes"):
        with pytest.raises(AssertionError):
            for words in command_lines(bad):
                check_invocation(words)
    assert command_lines('set +e; adaptive-plan plan "$M" -o p.json > plan.md && echo ok') == [
        ["plan", "$M", "-o", "p.json"]
    ]


def test_the_readme_workflow_section_uses_only_real_commands_and_flags() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- workflows:start -->")[1].split("<!-- workflows:end -->")[0]
    invocations = [words for line in shell_lines(section) for words in command_lines(line)]
    assert {words[0] for words in invocations} >= {"plan", "apply", "drift", "graph"}
    for words in invocations:
        check_invocation(words)


# --- the adaptive-plan steps, run with bash against the real emulator -------------------


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples" / "quickstart", tmp_path / "manifests")
    return tmp_path


@pytest.mark.skipif(shutil.which("adaptive-plan") is None or shutil.which("bash") is None,
                    reason="needs the installed adaptive-plan script and bash")
def test_the_plan_and_drift_steps_work_against_the_emulator(emu, run, workdir: Path, monkeypatch) -> None:
    env = {**connection(emu), "HEAD_SHA": "a" * 40}
    ran = run_step(step_script("plan.yml", "Plan"), workdir, env)
    assert (ran.code, ran.outputs) == (0, {"failed": "false", "changes": "true"})
    markdown = (workdir / "plan.md").read_text(encoding="utf-8")
    assert "project.support-bot" in markdown and ran.summary.strip() == markdown.strip()
    assert (workdir / "plan.json").is_file()

    ran = run_step(step_script("drift.yml", "Drift"), workdir, connection(emu))
    assert (ran.code, ran.outputs) == (0, {"drifted": "true"})
    assert ran.summary.startswith("### adaptive-plan drift: 6 drifted")

    monkeypatch.chdir(workdir)  # the saved plan names recipe files relative to where it was made
    applied = run("apply", "plan.json", "--auto-approve", connect=True)  # deploy.yml's apply step
    assert applied.exit_code == 0, applied.output
    ran = run_step(step_script("drift.yml", "Drift"), workdir, connection(emu))
    assert (ran.code, ran.outputs) == (0, {"drifted": "false"})

    (workdir / "manifests" / "manifest.yaml").write_text("version: 1\nteams: [{key: x, nmae: X}]\n")
    ran = run_step(step_script("drift.yml", "Drift"), workdir, connection(emu))
    assert (ran.code, ran.outputs) == (1, {})  # an error fails the job; no issue is touched
