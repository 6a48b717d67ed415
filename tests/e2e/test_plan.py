"""``adaptive-plan plan`` through the real CLI against a real emulator.

Exit codes of ``--detailed-exitcode``, the cost of reading live state (HTTP requests counted
on the emulator side, since the CLI makes its own client), and references to things that
exist neither in the manifests nor live.
"""

from __future__ import annotations

from typing import Any

from _e2e import Cli, mutations

TEAM = "teams:\n  - {key: 'exit-{{ vars.sfx }}', name: Exit codes}\n"


def test_detailed_exitcode_two_then_zero_then_one(cli: Cli, sdk: Any) -> None:
    cli.write(TEAM)
    changes = cli.plan("--detailed-exitcode")
    assert changes.exit_code == 2, changes
    assert f"+ team.exit-{cli.sfx}" in changes.stdout
    assert "Plan: 1 to create, 0 to update, 0 to delete." in changes.stdout
    assert mutations(changes) == [] and f"exit-{cli.sfx}" not in {t.key for t in sdk.teams.list()}
    # Without the flag, changes are still exit 0.
    assert cli.plan().exit_code == 0
    cli.apply_ok()
    clean = cli.plan("--detailed-exitcode")
    assert clean.exit_code == 0, clean
    assert "No changes. Live state matches the manifests." in clean.stdout
    # An invalid manifest: exit 1, the error names file and line, nothing half-printed on stdout.
    cli.write(TEAM + "projects:\n  - name: no key here\n")
    error = cli.plan("--detailed-exitcode")
    assert error.exit_code == 1, error
    assert error.stdout == "", error
    assert "Error:" in error.stderr and "manifest.yaml:" in error.stderr and "key" in error.stderr, error
    assert error.exception is None and "Traceback" not in error.output
    assert error.operations == []  # invalid input never reaches the API


def test_detailed_exitcode_one_when_the_api_refuses_the_key(cli: Cli) -> None:
    cli.write(TEAM)
    run = cli.run("plan", str(cli.dir), "--detailed-exitcode", "--url", cli.emu.url, "--api-key", "wrong-key")
    assert run.exit_code == 1, run
    assert run.stdout == "", run
    assert "Error:" in run.stderr and "Traceback" not in run.output, run
    assert "wrong-key" not in run.output, run  # the key is a secret too
    assert run.exception is None, run


def test_live_state_is_read_in_two_requests_for_many_projects(cli: Cli) -> None:
    projects = "".join(
        f"""
  - key: many-{i}-{{{{ vars.sfx }}}}
    metrics: [{{key: m, kind: bool}}]
    graders: [{{key: g, judge: {{model: qwen3-32b, criteria: Short.}}}}]
    recipes: [{{key: r, path: recipe.py}}]
    models: [{{model: llama-3.1-8b-instruct, default: true}}]
"""
        for i in range(30)
    )
    (cli.dir / "recipe.py").write_text("def main() -> None:\n    pass\n", encoding="utf-8")
    cli.write("projects:" + projects)
    cli.apply_ok("--parallelism", "16")
    run = cli.assert_no_changes()
    assert run.http_requests <= 2, (run.http_requests, run.operations)
    assert run.operations == ["LiveState", "LiveScoped"]
    # Changes present: still two reads, and no write.
    cli.write("projects:" + projects.replace("criteria: Short.", "criteria: Shorter."))
    changed = cli.plan("--detailed-exitcode")
    assert changed.exit_code == 2 and changed.stdout.count('~ judge.criteria: "Short." → "Shorter."') == 30
    assert changed.http_requests <= 2 and mutations(changed) == []


def test_unknown_reference_names_both_ends_and_sends_nothing(cli: Cli) -> None:
    cli.write(
        """
        teams: [{key: 'real-{{ vars.sfx }}'}]
        projects:
          - key: 'refs-{{ vars.sfx }}'
            team: 'ghost-{{ vars.sfx }}'
            models: [{model: llama-3.1-8b-instrct}]
            graders:
              - key: judge
                judge: {model: qwen3-32, criteria: Polite.}
        """
    )
    for run in (cli.plan("--detailed-exitcode"), cli.apply()):
        assert run.exit_code == 1, run
        assert mutations(run) == [], run.operations
        assert run.exception is None and "Traceback" not in run.output, run
        project = f"project.refs-{cli.sfx}"
        lines = run.stderr
        assert f"{project} references team.ghost-{cli.sfx} which is neither declared nor live" in lines, run
        assert (
            f"{project}/model.llama-3.1-8b-instrct references model.llama-3.1-8b-instrct "
            "which is neither declared nor live (did you mean model.llama-3.1-8b-instruct?)"
        ) in lines, run
        assert f"{project}/grader.judge references model.qwen3-32 " in lines, run
        assert "manifest.yaml:" in lines, run
    assert f"real-{cli.sfx}" not in run.stdout  # nothing was planned, let alone created
