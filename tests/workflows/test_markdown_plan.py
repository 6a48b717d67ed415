"""``plan --format markdown`` and ``--github`` through the real CLI against the real emulator.

A 400-project plan stays under GitHub's 65,536-character limit with its summary intact and a
note of how many resources were left out; deletions are called out above the details; the
step summary gets the same markdown; secrets show as ``(sensitive)``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from adaptive_plan.model.plan import Plan
from adaptive_plan.render.markdown import GITHUB_LIMIT, STEP_SUMMARY_LIMIT, render_plan_markdown

ENV = {"WF_MD_TOKEN": "canary-md-31f4a0"}
DETAILS = re.compile(r"^<details><summary><code>(\S+) (\S+)</code>", re.MULTILINE)
ONE_LINE = re.compile(r"^- `(\S+) (\S+)` · ", re.MULTILINE)
LEFT_OUT = re.compile(r"… and (\d+) more resources not shown")


def big_manifest(directory: Path, sfx: str, projects: int) -> str:
    lines = ["version: 1", f"teams: [{{key: big-{sfx}, name: Big}}]", "projects:"]
    for index in range(projects):
        lines += [
            f"  - key: big-{sfx}-{index:03d}",
            f"    name: Project {index} of the estate with a reasonably long display name",
            f"    description: Generated project number {index}, to make a plan too large for one comment.",
            f"    team: big-{sfx}",
            "    metrics: [{key: resolved, kind: bool, scoring: higher_is_better}]",
        ]
    (directory / "big.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(directory)


def small_manifest(directory: Path, sfx: str, metrics: tuple[str, ...] = ("a", "b")) -> str:
    entries = ", ".join(f"{{key: {key}, kind: bool}}" for key in metrics)
    (directory / "m.yaml").write_text(
        "version: 1\n"
        f"teams: [{{key: md-{sfx}, name: MD}}]\n"
        "integrations:\n"
        f"  - {{team: md-{sfx}, name: alerts, provider: slack,\n"
        "     connection: {webhook_url: \"https://hooks.example/{{ secret('WF_MD_TOKEN') }}\"}}\n"
        f"projects:\n  - {{key: md-{sfx}, name: MD, team: md-{sfx}, prune: true, metrics: [{entries}]}}\n",
        encoding="utf-8",
    )
    return str(directory)


def test_400_projects_stay_under_the_limit_with_the_summary_intact(run, tmp_path: Path, sfx: str) -> None:
    path = big_manifest(tmp_path, sfx, 400)
    summary_file = tmp_path / "step-summary.md"
    result = run(
        "plan", path, "--format", "markdown", "--github", "--detailed-exitcode",
        connect=True, env={"GITHUB_STEP_SUMMARY": str(summary_file)},
    )
    assert result.exit_code == 2, result.output
    markdown = result.stdout
    assert len(markdown) < GITHUB_LIMIT and len(markdown.encode("utf-8")) < GITHUB_LIMIT
    assert markdown.startswith("## adaptive-plan for `")
    assert "**Plan: 801 to create, 0 to update, 0 to replace, 0 to delete.**" in markdown
    assert "| + create | 801 |" in markdown
    assert "| kind | create |" in markdown
    assert "| metric | 400 |\n| project | 400 |" in markdown
    shown, listed = DETAILS.findall(markdown), ONE_LINE.findall(markdown)
    left_out = LEFT_OUT.search(markdown)
    assert shown and listed and left_out, markdown[-500:]
    assert len(shown) + len(listed) + int(left_out.group(1)) == 801
    assert f"**{len(listed) + int(left_out.group(1))} more change(s)**, without details" in markdown
    assert markdown.index("**Plan:") < markdown.index("<details>")
    # The step summary may hold 1 MiB (the comment only 64 KiB): every change in full there.
    summary = summary_file.read_text(encoding="utf-8")
    assert summary.startswith(markdown[: markdown.index("### Changes")])
    assert len(summary.encode("utf-8")) < STEP_SUMMARY_LIMIT
    assert len(DETAILS.findall(summary)) == 801 and LEFT_OUT.search(summary) is None


def test_small_plan_shows_every_resource_and_hides_secrets(run, tmp_path: Path, sfx: str) -> None:
    result = run("plan", small_manifest(tmp_path, sfx), "--format", "markdown", connect=True, env=ENV)
    assert result.exit_code == 0, result.output
    markdown = result.stdout
    shown = dict((address, sign) for sign, address in DETAILS.findall(markdown))
    assert shown == {
        f"team.md-{sfx}": "+",
        f"project.md-{sfx}": "+",
        f"project.md-{sfx}/metric.a": "+",
        f"project.md-{sfx}/metric.b": "+",
        f"integration.md-{sfx}/alerts": "+",
    }
    assert LEFT_OUT.search(markdown) is None
    assert "+ secrets: (sensitive)" in markdown
    assert "canary-md" not in markdown and "@@adaptive-secret" not in markdown
    assert markdown.count("<details>") == markdown.count("</details>") == 5


def test_deletions_are_called_out_before_the_details(run, tmp_path: Path, sfx: str) -> None:
    path = small_manifest(tmp_path, sfx)
    assert run("apply", path, "--auto-approve", connect=True, env=ENV).exit_code == 0
    small_manifest(tmp_path, sfx, metrics=("a",))
    result = run("plan", path, "--format", "markdown", "--detailed-exitcode", connect=True, env=ENV)
    assert result.exit_code == 2, result.output
    markdown = result.stdout
    callout = markdown.index("**This plan deletes or replaces 1 object(s).**")
    assert markdown.index("**Plan: 0 to create, 0 to update, 0 to replace, 1 to delete.") < callout
    assert callout < markdown.index(f"- `project.md-{sfx}/metric.b`") < markdown.index("### Changes")
    assert "Apply refuses it unless the plan is made with `--allow-delete`." in markdown
    assert DETAILS.findall(markdown) == [("-", f"project.md-{sfx}/metric.b")]
    allowed = run("plan", path, "--format", "markdown", "--allow-delete", connect=True, env=ENV)
    assert "The plan was made with `--allow-delete`." in allowed.stdout


def test_github_flag_appends_and_says_when_the_variable_is_missing(run, tmp_path: Path, sfx: str) -> None:
    path = small_manifest(tmp_path, sfx)
    summary_file = tmp_path / "summary.md"
    summary_file.write_text("# earlier step\n", encoding="utf-8")
    env = {**ENV, "GITHUB_STEP_SUMMARY": str(summary_file)}
    result = run("plan", path, "--github", "--no-color", connect=True, env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("adaptive-plan will perform")  # stdout keeps its own format
    written = summary_file.read_text(encoding="utf-8")
    assert written.startswith("# earlier step\n## adaptive-plan for `")
    assert f"<code>+ project.md-{sfx}</code>" in written
    missing = run("plan", path, "--github", connect=True, env={**ENV, "GITHUB_STEP_SUMMARY": ""})
    assert missing.exit_code == 0, missing.output
    assert "GITHUB_STEP_SUMMARY is not set" in missing.stderr


def test_a_tight_limit_cuts_details_never_the_summary(run, tmp_path: Path, sfx: str) -> None:
    out = tmp_path / "plan.json"
    result = run("plan", big_manifest(tmp_path, sfx, 30), "-o", str(out), connect=True)
    assert result.exit_code == 0, result.output
    plan = Plan.from_dict(json.loads(out.read_text(encoding="utf-8"))["plan"])
    assert LEFT_OUT.search(render_plan_markdown(plan, limit=1_500)) is not None
    for limit in (1_500, 4_000, 12_000):
        markdown = render_plan_markdown(plan, limit=limit)
        assert len(markdown.encode("utf-8")) <= limit
        assert "**Plan: 61 to create, 0 to update, 0 to replace, 0 to delete.**" in markdown
        assert "| project | 30 |" in markdown
        shown = len(DETAILS.findall(markdown)) + len(ONE_LINE.findall(markdown))
        left_out = LEFT_OUT.search(markdown)
        assert shown + (int(left_out.group(1)) if left_out else 0) == 61
