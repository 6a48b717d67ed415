"""``adaptive-plan graph``: the manifest's dependency graph, offline, as Mermaid and DOT;
with ``--plan`` (against the real emulator) nodes are marked by the plan's action.

Edge direction (documented in ``render/graph.py`` and the README): ``A --> B`` means B
depends on A, so A is created first."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "examples" / "quickstart"
FULL = ROOT / "examples" / "full"
OFFLINE = {"ADAPTIVE_URL": None, "ADAPTIVE_API_KEY": None}

NODE = re.compile(r'^  (n\d+)\["(.*)"\]$')
EDGE = re.compile(r"^  (n\d+) --> (n\d+)$")
CLASS = re.compile(r"^  class (\S+) (\w+)$")
DOT_EDGE = re.compile(r'^  "(.*)" -> "(.*)";$')
DOT_NODE = re.compile(r'^  "([^"]*)" \[label=')


def parse_mermaid(text: str) -> tuple[dict[str, str], set[tuple[str, str]], dict[str, str]]:
    """(address -> label, edges as (address, address), address -> class) of a flowchart."""
    labels: dict[str, str] = {}
    for line in text.splitlines():
        if match := NODE.match(line):
            labels[match.group(1)] = match.group(2)
    address = {node: label.split(" ")[-1] for node, label in labels.items()}
    pairs = [match.groups() for match in map(EDGE.match, text.splitlines()) if match]
    edges = {(address[a], address[b]) for a, b in pairs}
    classes = {}
    for line in text.splitlines():
        if match := CLASS.match(line):
            classes.update((address[node], match.group(2)) for node in match.group(1).split(","))
    return {address[node]: label for node, label in labels.items()}, edges, classes


def graph(run, *args: str, **kwargs):
    result = run("graph", *args, **kwargs)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(("flowchart LR\n", "digraph adaptive_plan {\n")), result.stdout
    return result


def test_quickstart_mermaid_has_the_dependency_edges_offline(run) -> None:
    out = graph(run, str(QUICKSTART), env=OFFLINE).stdout
    labels, edges, classes = parse_mermaid(out)
    project = "project.support-bot"
    assert edges == {
        ("team.ml-platform", project),
        (project, f"{project}/grader.politeness"),
        (project, f"{project}/metric.resolved"),
        (project, f"{project}/model.llama-3.1-8b-instruct"),
        (project, f"{project}/recipe.sft-support"),
        ("model.llama-3.1-8b-instruct", f"{project}/model.llama-3.1-8b-instruct"),
        ("model.llama-3.3-70b-instruct", f"{project}/grader.politeness"),
    }
    # Base models are referenced, not declared: external, drawn dashed; nothing is marked.
    assert classes == {"model.llama-3.1-8b-instruct": "external", "model.llama-3.3-70b-instruct": "external"}
    assert all(label == address for address, label in labels.items())
    assert "classDef external" in out and "stroke-dasharray" in out


def test_dot_and_mermaid_draw_the_same_graph_of_the_full_example(run) -> None:
    mermaid = graph(run, str(FULL), env=OFFLINE).stdout
    dot = graph(run, str(FULL), "--format", "dot", env=OFFLINE).stdout
    labels, edges, _ = parse_mermaid(mermaid)
    dot_lines = dot.splitlines()
    dot_nodes = {m.group(1) for m in map(DOT_NODE.match, dot_lines) if m}
    dot_edges = {m.groups() for m in map(DOT_EDGE.match, dot_lines) if m}
    assert dot_nodes == set(labels) and dot_edges == edges
    assert dot.rstrip().endswith("}")
    assert ("team.ml-platform", "project.support-bot") in edges
    assert ("project.support-bot", "project.support-bot/share.support") in edges
    assert ("team.support", "project.support-bot/share.support") in edges
    assert ("role.reviewer", "project.support-bot/share.support") in edges


def test_graph_of_a_bad_manifest_exits_1_without_traceback(run, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("version: 1\nprojects:\n  - {key: p, team: [x]}\n", encoding="utf-8")
    result = run("graph", str(tmp_path), env=OFFLINE)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "bad.yaml:3" in result.output


def test_graph_plan_needs_a_connection(run) -> None:
    result = run("graph", str(QUICKSTART), "--plan", env=OFFLINE)
    assert result.exit_code == 1, result.output
    assert "--local" in result.stderr and "Traceback" not in result.output


@pytest.fixture
def quickstart(tmp_path: Path) -> Path:
    target = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, target)
    return target


def test_graph_plan_marks_each_node_by_its_action(run, sdk, quickstart: Path) -> None:
    first = parse_mermaid(graph(run, str(quickstart), "--plan", connect=True).stdout)
    declared = {a for a, kind in first[2].items() if kind != "external"}
    assert {first[2][a] for a in declared} == {"create"} and len(declared) == 6
    assert first[0]["project.support-bot"] == "+ project.support-bot"
    applied = run("apply", str(quickstart), "--auto-approve", "--no-color", connect=True)
    assert applied.exit_code == 0, applied.output

    manifest = quickstart / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").replace("higher_is_better", "lower_is_better")
    manifest.write_text(text.replace("    team: ml-platform\n", "    team: ml-platform\n    prune: true\n"))
    sdk.feedback.register_key(project="support-bot", key="by-hand", kind="bool")
    out = graph(run, str(quickstart), "--plan", connect=True).stdout
    labels, edges, classes = parse_mermaid(out)
    assert classes["project.support-bot/metric.resolved"] == "update"
    assert labels["project.support-bot/metric.resolved"] == "~ project.support-bot/metric.resolved"
    assert classes["project.support-bot/metric.by-hand"] == "delete"  # pruned: live only, added
    assert ("project.support-bot", "project.support-bot/metric.by-hand") in edges
    assert classes["project.support-bot/grader.politeness"] == "noop"
    assert "classDef update fill:#fff8c5" in out and "classDef delete" in out
    dot = graph(run, str(quickstart), "--plan", "--format", "dot", connect=True).stdout
    by_hand = '"project.support-bot/metric.by-hand"'
    assert f'{by_hand} [label="- project.support-bot/metric.by-hand", style=filled' in dot
