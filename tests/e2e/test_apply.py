"""``adaptive-plan apply`` through the real CLI against a real emulator.

Ordering from empty, partial failure (the report, skipped dependants, convergence),
ambiguous failure (connection dropped after commit: no duplicate, no permanent failure),
approval and deletion guards, secrets that are missing or must never be printed, and the
full example.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _e2e import Cli, mutations

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OPENAI = {"E2E_OPENAI_KEY": "sk-canary-openai-5d21"}


def test_ordering_from_empty_in_one_run(cli: Cli, sdk: Any) -> None:
    cli.env = OPENAI
    cli.scenario("012-ordering", "initial")
    run = cli.apply_ok()
    assert "Plan: 8 to create, 0 to update, 0 to delete." in run.stdout
    ops = mutations(run)
    first = {name: ops.index(name) for name in reversed(ops)}
    last = {name: i for i, name in enumerate(ops)}
    # the project needs its owning team only (the guest team is the share's): the owner's create
    # is done before the project's starts, which the progress lines show in order
    progress = run.stderr.splitlines()
    done = f"team.owner-{cli.sfx}: create done"
    owner_done = next(index for index, line in enumerate(progress) if line.startswith(done))
    assert owner_done < progress.index(f"project.app-{cli.sfx}: create started"), run
    assert first["CreateTeam"] < first["CreateProject"]
    assert last["CreateRole"] < first["ShareProject"] and first["CreateProject"] < first["ShareProject"]
    assert last["AddExternalModel"] < first["CreateGrader"] and first["CreateProject"] < first["CreateGrader"]
    assert first["CreateProject"] < first["AddModelsToProject"] < first["DeployModel"] < first["UpdateModel"]
    project = sdk.projects.get(f"app-{cli.sfx}")
    assert {(s.team.key, s.role.key) for s in project.shares} == {
        (f"owner-{cli.sfx}", "admin"),
        (f"guest-{cli.sfx}", f"rev-{cli.sfx}"),
    }
    assert [s.model.key for s in project.model_services] == ["llama-3.1-8b-instruct"]
    assert [g.key for g in sdk.graders.list(project=f"app-{cli.sfx}")] == ["judge"]
    cli.assert_no_changes()


def test_partial_failure_reports_skips_and_converges(cli: Cli, emu: Any, sdk: Any) -> None:
    cli.scenario("013-partial", "initial")
    role, share = f"role.viewer-{cli.sfx}", f"project.left-{cli.sfx}/share.default"
    emu.faults.fail_operation("CreateRole", status=200, message="Injected failure: role quota exceeded")
    run = cli.apply()
    assert run.exit_code == 1, run
    assert run.exception is None, run
    report = run.stdout.split("Apply failed:", 1)[1]
    assert report.startswith(" 5 done, 1 failed, 1 skipped."), run
    failed = report.split("Failed:", 1)[1].split("Skipped", 1)[0]
    assert f"✗ {role}: create" in failed and "role quota exceeded" in failed, run
    assert f"↷ {share}: share (blocked by {role}" in report, run
    for done in (f"team.crew-{cli.sfx}", f"project.left-{cli.sfx}", f"project.right-{cli.sfx}/metric.ok"):
        assert f"✓ {done}: create" in report.split("Failed:")[0], run
    assert "run apply again" in run.stderr, run
    assert sorted(mutations(run)) == sorted(
        ["CreateTeam", "CreateRole"] + ["CreateProject", "CreateMetric"] * 2
    )
    assert f"viewer-{cli.sfx}" not in {r.key for r in sdk.roles.list()}
    # The second apply does only what is left, and converges.
    again = cli.apply_ok()
    assert "Plan: 2 to create, 0 to update, 0 to delete." in again.stdout, again
    assert sorted(mutations(again)) == ["CreateRole", "ShareProject"]
    cli.assert_no_changes()


@pytest.mark.parametrize("operation", ["CreateIntegration", "CreateGrader", "CreateProject", "CreateMetric"])
def test_ambiguous_failure_neither_fails_nor_duplicates(cli: Cli, emu: Any, sdk: Any, operation: str) -> None:
    cli.env = {"E2E_PAGER_TOKEN": "canary-pager-token-31b"}
    cli.scenario("014-ambiguous", "initial")
    emu.faults.drop_after_commit(operation)
    run = cli.apply()
    if run.exit_code != 0:  # allowed to stop, but never for good: the next apply converges
        assert "run apply again" in run.stderr, run
        run = cli.apply_ok()
    assert "Apply complete" in run.stdout, run
    assert mutations(run).count(operation) == 1, run.operations  # the lost answer is probed, not re-sent
    probes = [name for name in run.operations if name not in mutations(run) and not name.startswith("Live")]
    assert probes, run.operations  # the fault did fire: the executor had to look
    cli.assert_no_changes()
    project = f"amb-{cli.sfx}"
    assert [i.name for i in sdk.integrations.list(f"ops-{cli.sfx}")] == ["pager"]
    assert [g.key for g in sdk.graders.list(project=project)] == ["judge"]
    assert [p.key for p in sdk.projects.list()].count(project) == 1
    assert [m.key for m in sdk.projects.get(project).metrics if m.key == "csat"] == ["csat"]


@pytest.mark.parametrize(("operation", "status"), [("CreateIntegration", 503), ("CreateGrader", 429)])
def test_transient_errors_are_retried_without_duplicates(
    cli: Cli, emu: Any, sdk: Any, operation: str, status: int
) -> None:
    cli.env = {"E2E_PAGER_TOKEN": "canary-pager-token-77c"}
    cli.scenario("014-ambiguous", "initial")
    emu.faults.retry_after_s, saved = 0.05, emu.faults.retry_after_s
    try:
        emu.faults.fail_operation(operation, status=status, times=2)
        run = cli.apply_ok()
    finally:
        emu.faults.retry_after_s = saved
    assert mutations(run).count(operation) == 3, run.operations  # two refused, one done
    cli.assert_no_changes()
    assert [i.name for i in sdk.integrations.list(f"ops-{cli.sfx}")] == ["pager"]
    assert [g.key for g in sdk.graders.list(project=f"amb-{cli.sfx}")] == ["judge"]


def test_apply_without_approval_and_no_tty_refuses(cli: Cli, sdk: Any) -> None:
    cli.write("teams:\n  - {key: 'quiet-{{ vars.sfx }}'}\n")
    run = cli.apply(approve=False)
    assert run.exit_code == 1, run
    assert "+ team.quiet-" in run.stdout  # the plan is shown
    assert "refusing to apply without approval" in run.stderr and "--auto-approve" in run.stderr, run
    assert mutations(run) == []
    assert f"quiet-{cli.sfx}" not in {t.key for t in sdk.teams.list()}


def test_deletions_refused_without_allow_delete(cli: Cli, sdk: Any) -> None:
    key = f"keep-{cli.sfx}"
    cli.write(f"projects:\n  - key: {key}\n    metrics: [{{key: a, kind: bool}}, {{key: b, kind: bool}}]\n")
    cli.apply_ok()
    cli.write(f"projects:\n  - key: {key}\n    prune: true\n    metrics: [{{key: a, kind: bool}}]\n")
    run = cli.apply()
    assert run.exit_code == 1, run
    assert f"- project.{key}/metric.b" in run.stdout, run
    assert f"deletes project.{key}/metric.b" in run.stderr and "--allow-delete" in run.stderr, run
    assert mutations(run) == []
    assert {m.key for m in sdk.projects.get(key).metrics} >= {"a", "b"}
    allowed = cli.apply_ok("--allow-delete")
    assert mutations(allowed) == ["DeleteMetric"]
    assert "b" not in {m.key for m in sdk.projects.get(key).metrics}


def test_missing_secret_at_apply_stops_before_any_mutation(cli: Cli, sdk: Any) -> None:
    cli.write(
        """
        teams: [{key: 'sec-{{ vars.sfx }}'}]
        integrations:
          - team: 'sec-{{ vars.sfx }}'
            name: alerts
            provider: slack
            connection: {webhook_url: "{{ secret('E2E_UNSET_WEBHOOK') }}"}
        """
    )
    run = cli.apply()
    assert run.exit_code == 1, run
    assert "E2E_UNSET_WEBHOOK" in run.stderr and run.exception is None, run
    assert mutations(run) == []
    assert f"sec-{cli.sfx}" not in {t.key for t in sdk.teams.list()}


CANARIES = {
    "E2E_CANARY_OPENAI": "sk-canary-3e9f1c7a",
    "E2E_CANARY_HOOK": "https://hooks.example/T000/canary-b84d2e",
    "E2E_CANARY_SMTP": "canary-smtp-pw-61aa",
}


def _no_canary(run: Any) -> None:
    for value in CANARIES.values():
        for part in (value, value[-8:]):
            assert part not in run.stdout and part not in run.stderr, (part, run)
    assert run.exception is None, run


def test_secret_values_never_printed(cli: Cli, emu: Any) -> None:
    cli.env = CANARIES
    cli.write(
        """
        teams: [{key: 'vault-{{ vars.sfx }}'}]
        models:
          - key: 'canary-{{ vars.sfx }}'
            external:
              provider: open_ai
              external_model_id: gpt-4o
              api_key: "{{ secret('E2E_CANARY_OPENAI') }}"
        integrations:
          - team: 'vault-{{ vars.sfx }}'
            name: slack
            provider: slack
            connection: {webhook_url: "{{ secret('E2E_CANARY_HOOK') }}"}
          - team: 'vault-{{ vars.sfx }}'
            name: mail
            provider: smtp
            connection:
              host: smtp.example
              port: 587
              username: bot
              password: "{{ secret('E2E_CANARY_SMTP') }}"
              from_email: bot@example.com
              to_emails: [ops@example.com]
        """
    )
    model, slack = f"model.canary-{cli.sfx}", f"integration.vault-{cli.sfx}/slack"
    runs = [cli.plan(), cli.apply_ok(), cli.plan("--replace", model, "--replace", slack)]
    assert "(sensitive)" in runs[0].stdout and "(sensitive)" in runs[2].stdout
    # A server that echoes the secret back in its error message (GraphQL error, then HTTP 400).
    hook = CANARIES["E2E_CANARY_HOOK"]
    emu.faults.fail_operation("UpdateIntegration", status=200, message=f"Invalid input: bad webhook {hook}")
    failed = cli.apply("--replace", slack)
    assert failed.exit_code == 1 and "bad webhook" in failed.stdout, failed
    emu.faults.fail_operation("UpdateIntegration", status=400, message=f"Bad request: webhookUrl={hook}")
    rejected = cli.apply("--replace", slack)
    assert rejected.exit_code == 1 and "webhookUrl=" in rejected.stdout, rejected
    runs += [
        failed,
        rejected,
        cli.apply_ok("--replace", model, "--replace", slack),
        cli.plan("--detailed-exitcode"),
    ]
    assert runs[-1].exit_code == 0, runs[-1]
    for run in runs:
        _no_canary(run)


def test_full_example_applies_then_plans_clean(own: tuple[Cli, Any]) -> None:
    cli, _ = own
    names = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_TOKEN", "SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN"]
    names += ["SMTP_PASSWORD", "CRM_TOKEN", "GITHUB_TOKEN"]
    env = {name: f"canary-{name.lower()}-e2e" for name in names}
    run = cli.run("apply", str(EXAMPLES / "full"), "--auto-approve", "--no-color", env=env)
    assert run.exit_code == 0, run
    # the updates: compute_pool.a100-pool, whose seeded partition (4) grows to the declared 6, and
    # the settings of the catalogue model llama-3.1-8b-instruct
    assert "Plan: 30 to create, 2 to update, 0 to delete." in run.stdout, run
    assert "Apply complete" in run.stdout, run
    again = cli.run("plan", str(EXAMPLES / "full"), "--detailed-exitcode", "--no-color", env=env)
    assert again.exit_code == 0, again
    assert "No changes." in again.stdout, again
    for value in env.values():
        assert value not in run.output and value not in again.output


def test_quickstart_with_local_emulator_in_a_subprocess(tmp_path: Path) -> None:
    """The installed console script, ``--local`` (state in ./.adaptive-plan), as DESIGN section 7 shows."""
    shutil.copytree(EXAMPLES / "quickstart", tmp_path / "q")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ADAPTIVE_")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "adaptive_plan", *args, "q", "--local", "--no-color"]
        return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

    applied = run("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr
    assert "+ project.support-bot" in applied.stdout and "Apply complete" in applied.stdout, applied.stdout
    assert (tmp_path / ".adaptive-plan" / "local.db").is_file()
    again = run("plan", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes." in again.stdout


def test_target_applies_only_the_target_and_what_it_depends_on(cli: Cli, sdk: Any) -> None:
    s = cli.sfx
    cli.write(
        f"teams: [{{key: ta-{s}}}, {{key: tb-{s}}}]\n"
        f"projects:\n  - {{key: a-{s}, team: ta-{s}, metrics: [{{key: m, kind: bool}}]}}\n"
        f"  - {{key: b-{s}, team: tb-{s}}}\n"
    )
    run = cli.apply_ok("--target", f"project.a-{s}/metric.m")
    assert f"Targeting only: project.a-{s}/metric.m" in run.stdout, run
    assert "Plan: 3 to create, 0 to update, 0 to delete." in run.stdout, run
    assert sorted(mutations(run)) == ["CreateMetric", "CreateProject", "CreateTeam"]
    assert f"b-{s}" not in {p.key for p in sdk.projects.list()}
    rest = cli.plan("--detailed-exitcode")
    assert rest.exit_code == 2 and "Plan: 2 to create, 0 to update, 0 to delete." in rest.stdout, rest
    unknown = cli.plan("--target", f"project.zz-{s}")
    assert unknown.exit_code == 1 and f"--target project.zz-{s} matches nothing" in unknown.stderr, unknown
