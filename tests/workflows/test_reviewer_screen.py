"""What a reviewer sees, through the real CLI against the real emulator: a one-character
change anywhere in a 5,000-character value is visible in every format (plan, drift and
``show``, as text, markdown and JSON); secrets not set where the plan ran are one line;
``show`` reads a saved plan with no credentials; ``graph`` stays inside Mermaid's limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adaptive_plan.render.graph import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT
from tests.workflows.test_graph import parse_mermaid

OFFLINE = {"ADAPTIVE_URL": None, "ADAPTIVE_API_KEY": None}
LENGTH = 5_000


def single_line_value() -> str:
    words = " ".join(f"w{index:04d}" for index in range(LENGTH // 6 + 1))
    return words[:LENGTH]


def multi_line_value() -> str:
    lines = [f"line {index:03d}: the reply must stay polite, short and on topic." for index in range(100)]
    return "\n".join(lines)[:LENGTH]


def changed_at(value: str, position: int) -> str:
    replacement = "#" if value[position] != "#" else "%"
    if value[position] == "\n":  # keep the line structure; change the character before it
        position -= 1
    return value[:position] + replacement + value[position + 1 :]


def write_project(directory: Path, sfx: str, description: str) -> str:
    document = {
        "version": 1,
        "teams": [{"key": f"rv-{sfx}", "name": "Review"}],
        "projects": [{"key": f"rv-{sfx}", "name": "Review", "team": f"rv-{sfx}", "description": description}],
    }
    (directory / "manifest.yaml").write_text(json.dumps(document), encoding="utf-8")  # JSON is YAML
    return str(directory)


def evidence(before: str, after: str) -> tuple[str, str]:
    """A piece of each side around the first difference, short enough that every renderer
    keeps it whole: the changed line for multi-line text, else 20 characters around it."""
    position = next(i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b)
    if "\n" in before:
        start = before.rfind("\n", 0, position) + 1
        end = before.find("\n", position)
        end = len(before) if end < 0 else end
        return before[start:end], after[start:end]
    start = max(0, position - 10)
    return before[start : position + 10], after[start : position + 10]


@pytest.mark.parametrize("shape", ["single-line", "multi-line"])
@pytest.mark.parametrize("position", [0, LENGTH // 2, LENGTH - 1])
def test_a_one_character_change_is_visible_in_every_format(
    run, tmp_path: Path, sfx: str, shape: str, position: int
) -> None:
    before = single_line_value() if shape == "single-line" else multi_line_value()
    after = changed_at(before, position)
    path = write_project(tmp_path, sfx, before)
    assert run("apply", path, "--auto-approve", connect=True).exit_code == 0
    write_project(tmp_path, sfx, after)
    old_piece, new_piece = evidence(before, after)
    assert old_piece != new_piece

    saved = tmp_path / "plan.json"
    outputs = {}
    for fmt in ("text", "markdown"):
        result = run("plan", path, "--format", fmt, "--no-color", "-o", str(saved), connect=True)
        assert result.exit_code == 0, result.output
        outputs[f"plan {fmt}"] = result.stdout
        drift = run("drift", path, "--format", fmt, connect=True)
        assert drift.exit_code == 2, drift.output
        outputs[f"drift {fmt}"] = drift.stdout
        shown = run("show", str(saved), "--format", fmt, "--no-color", env=OFFLINE)
        assert shown.exit_code == 0, shown.output
        outputs[f"show {fmt}"] = shown.stdout
    for name, text in outputs.items():
        assert old_piece in text and new_piece in text, f"{name} hides the change:\n{text[:3000]}"
        assert "\\n" not in text or shape == "single-line", f"{name} flattens lines into \\n escapes"

    plan_json = run("plan", path, "--format", "json", connect=True)
    drift_json = run("drift", path, "--format", "json", connect=True)
    show_json = run("show", str(saved), "--format", "json", env=OFFLINE)
    for document in (json.loads(plan_json.stdout), json.loads(show_json.stdout)):
        [change] = [change for change in document["changes"] if change["action"] == "update"]
        [attribute] = change["attributes"]
        assert (attribute["path"], attribute["before"], attribute["after"]) == ("description", before, after)
    drifted = json.loads(drift_json.stdout)["drifted"][0]["attributes"][0]
    assert (drifted["live"], drifted["declared"]) == (before, after)


def test_a_multi_line_change_is_a_unified_diff(run, tmp_path: Path, sfx: str) -> None:
    before = multi_line_value()
    after = before.replace("line 013: the reply", "line 013: every reply")
    path = write_project(tmp_path, sfx, before)
    assert run("apply", path, "--auto-approve", connect=True).exit_code == 0
    write_project(tmp_path, sfx, after)
    text = run("plan", path, "--no-color", connect=True).stdout
    assert "~ description:\n" in text
    assert "    @@ -11,7 +11,7 @@\n" in text
    assert "    -line 013: the reply must stay polite" in text
    assert "    +line 013: every reply must stay polite" in text
    assert "     line 010:" in text and "line 009" not in text  # three lines of context
    markdown = run("plan", path, "--format", "markdown", connect=True).stdout
    assert "```diff\n description:\n@@ -11,7 +11,7 @@\n line 010:" in markdown


def test_secrets_not_set_are_one_line_in_the_markdown_plan(run, tmp_path: Path, sfx: str) -> None:
    integrations = [
        {
            "team": f"sc-{sfx}",
            "name": f"hook-{index}",
            "provider": "slack",
            "connection": {"webhook_url": f"{{{{ secret('RV_UNSET_{index}_{sfx}') }}}}"},
        }
        for index in range(3)
    ]
    document = {"version": 1, "teams": [{"key": f"sc-{sfx}", "name": "S"}], "integrations": integrations}
    (tmp_path / "m.yaml").write_text(json.dumps(document), encoding="utf-8")
    result = run("plan", str(tmp_path), "--format", "markdown", connect=True)
    assert result.exit_code == 0, result.output
    names = ", ".join(f"`RV_UNSET_{index}_{sfx}`" for index in range(3))
    assert f"- 3 secrets are read only at apply and not set where this plan ran: {names}\n" in result.stdout
    assert "is not set in the environment" not in result.stdout
    assert result.stderr.count("is not set in the environment") == 3  # the terminal still lists each


def test_show_reads_a_saved_plan_without_credentials(run, tmp_path: Path, sfx: str) -> None:
    path = write_project(tmp_path, sfx, "short")
    saved = tmp_path / "plan.json"
    planned = run("plan", path, "--no-color", "-o", str(saved), connect=True)
    assert planned.exit_code == 0, planned.output
    shown = run("show", str(saved), "--no-color", env=OFFLINE)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("Saved plan for http://127.0.0.1:")
    assert shown.stdout.endswith(planned.stdout)
    markdown = run("plan", path, "--format", "markdown", connect=True).stdout
    assert run("show", str(saved), "--format", "markdown", env=OFFLINE).stdout == markdown
    not_a_plan = tmp_path / "manifest.yaml"
    refused = run("show", str(not_a_plan), env=OFFLINE)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "cannot read the saved plan" in refused.stderr or "not a saved plan" in refused.stderr


def graph_manifest(directory: Path, projects: int, metrics: int = 0, key_length: int = 8) -> str:
    lines = ["version: 1", "teams: [{key: gt, name: G}]", "projects:"]
    for index in range(projects):
        key = f"p{index:04d}".ljust(key_length, "x")
        entries = ", ".join(f"{{key: m{m}, kind: bool}}" for m in range(metrics))
        lines.append(f"  - {{key: {key}, team: gt, metrics: [{entries}]}}")
    (directory / "graph.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(directory)


def test_graph_at_the_edge_limit_is_drawn_in_full(run, tmp_path: Path) -> None:
    result = run("graph", graph_manifest(tmp_path, MERMAID_MAX_EDGES), env=OFFLINE)
    assert result.exit_code == 0, result.output
    labels, edges, _ = parse_mermaid(result.stdout)
    assert len(edges) == MERMAID_MAX_EDGES and len(labels) == MERMAID_MAX_EDGES + 1
    assert result.stderr == ""


def test_graph_past_the_edge_limit_is_grouped_by_project(run, tmp_path: Path) -> None:
    result = run("graph", graph_manifest(tmp_path, 200, metrics=2), env=OFFLINE)  # 600 edges
    assert result.exit_code == 0, result.output
    assert "exceed what GitHub's Mermaid renders" in result.stderr and "grouped by project" in result.stderr
    text = result.stdout
    assert len(text) <= MERMAID_MAX_TEXT and text.count(" --> ") <= MERMAID_MAX_EDGES
    assert '["project.p0000xxx · 3 resources"]' in text
    assert "metric" not in text.split("%%")[-1]  # metrics are inside their project's node
    dot = run("graph", str(tmp_path), "--format", "dot", env=OFFLINE)
    assert dot.stdout.count('" -> "') == 600 and dot.stderr == ""


def test_graph_past_the_text_limit_is_grouped(run, tmp_path: Path) -> None:
    # 400 edges, but 400 long addresses make more than 50,000 characters of diagram text
    result = run("graph", graph_manifest(tmp_path, 400, key_length=120), env=OFFLINE)
    assert result.exit_code == 0, result.output
    assert "grouped by kind" in result.stderr
    assert len(result.stdout) <= MERMAID_MAX_TEXT
    assert '["project · 400 resources"]' in result.stdout
