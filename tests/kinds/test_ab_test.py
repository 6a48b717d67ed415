"""AB tests end to end through the CLI: immutable definitions (a plan-time error), keys global
and never freed, cancel under prune with its warning in every format, finished tests reported,
an auto_deploy winner explained in drift, SDK-made tests listed and exported."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from _cli import Cli, write
from adaptive_sdk import Adaptive
from adaptive_sdk.graphql_client.enums import AbcampaignStatus

from adaptive_plan.emulator.server import run_emulator

MODELS = ("llama-3.1-8b-instruct", "qwen3-8b")


def _project(key: str, tests: str, *, prune: bool = False, default: str = MODELS[0]) -> str:
    models = "".join(f"      - {{model: {m}{', default: true' if m == default else ''}}}\n" for m in MODELS)
    return (
        f"projects:\n  - key: {key}\n"
        + ("    prune: true\n" if prune else "")
        + f"    models:\n{models}    metrics:\n      - {{key: win, kind: bool}}\n"
        + tests
    )


def _test(key: str, split: float = 0.25, extra: str = "") -> str:
    return (
        f"    ab_tests:\n      - key: {key}\n        metric: win\n"
        f"        models: [{', '.join(MODELS)}]\n        traffic_split: {split}\n{extra}"
    )


@pytest.fixture(scope="module")
def cli(emu) -> Cli:
    return Cli(emu)


def test_create_then_plan_is_empty_and_the_definition_is_live(cli, sdk, uniq, tmp_path) -> None:
    project, key = uniq("arena"), uniq("ab")
    manifest = write(tmp_path, _project(project, _test(key, extra="        name: First try\n")))
    change = cli.changes(manifest)[f"project.{project}/ab_test.{key}"]
    assert [s["operation"] for s in change["steps"]] == ["CreateAbCampaign"]
    assert set(change["depends_on"]) >= {f"project.{project}/model.{m}" for m in MODELS}
    assert any("route 25%" in w for w in change["warnings"])
    cli.apply(manifest)
    live = sdk.ab_tests.get(key)
    assert (live.traffic_split, {m.key for m in live.models}, live.metric.key) == (0.25, set(MODELS), "win")
    cli.assert_no_changes(manifest)


def test_changing_a_running_test_is_an_error_naming_the_fields(cli, emu, uniq, tmp_path) -> None:
    project, key = uniq("arena"), uniq("ab")
    cli.apply(write(tmp_path / "a", _project(project, _test(key))))
    changed = write(tmp_path / "b", _project(project, _test(key, 0.5, "        auto_deploy: true\n")))
    before = len(emu.stats.operations)
    result = cli("plan", str(changed))
    assert result.exit_code == 1
    assert "manifest.yaml:10:9: " in result.output and f"project.{project}/ab_test.{key}" in result.output
    assert "auto_deploy (False -> True)" in result.output and "traffic_split (0.25 -> 0.5)" in result.output
    assert "new key" in result.output and "Traceback" not in result.output
    assert emu.stats.operations[before:] == ["LiveState", "LiveScoped"]  # nothing sent


def test_cancel_under_prune_warns_in_every_format(cli, sdk, uniq, tmp_path) -> None:
    project, key = uniq("arena"), uniq("ab")
    cli.apply(write(tmp_path / "a", _project(project, _test(key))))
    pruned = write(tmp_path / "b", _project(project, "    ab_tests: []\n", prune=True))
    warning = f"cancelling AB test {key} stops routing 25% of project {project}'s traffic"
    text = cli("plan", str(pruned))
    assert f"- project.{project}/ab_test.{key}" in text.output and warning in text.output
    assert "cancel" in text.output and "the key stays taken" in text.output
    assert warning in cli("plan", str(pruned), "--format", "markdown").output
    change = cli.changes(pruned)[f"project.{project}/ab_test.{key}"]
    assert change["action"] == "delete" and any(warning in w for w in change["warnings"])
    assert [s["operation"] for s in change["steps"]] == ["CancelABCampaign"]
    assert cli("apply", str(pruned), "--auto-approve").exit_code == 1  # a cancel is a deletion
    cli.apply(pruned, "--allow-delete")
    assert sdk.ab_tests.get(key).status == AbcampaignStatus.CANCELLED
    cli.assert_no_changes(pruned)  # cancelled and undeclared: history, not listed
    again = write(tmp_path / "c", _project(project, _test(key)))
    planned = cli("plan", str(again))  # re-declared: the cancelled key cannot run again (refused)
    assert planned.exit_code == 1 and "cannot be restarted" in planned.output


def test_a_key_held_by_another_project_is_an_error(cli, uniq, tmp_path) -> None:
    first, second, key = uniq("one"), uniq("two"), uniq("ab")
    cli.apply(write(tmp_path / "a", _project(first, _test(key))))
    manifest = write(tmp_path / "b", _project(second, _test(key)))
    result = cli("plan", str(manifest))
    assert result.exit_code == 1
    assert f"taken by project.{first}/ab_test.{key}" in result.output and "global" in result.output


def test_sdk_made_test_is_unmanaged_and_exports(cli, sdk, uniq, tmp_path) -> None:
    project, key = uniq("arena"), uniq("sdk")
    cli.apply(write(tmp_path / "a", _project(project, "")))
    sdk.ab_tests.create(
        ab_test_key=key,
        feedback_key="win",
        models=list(MODELS),
        traffic_split=0.3,
        feedback_type="preference",
        project=project,
    )
    assert f"project.{project}/ab_test.{key}" in cli.plan_json(tmp_path / "a")["unmanaged"]
    out = tmp_path / "out"
    result = cli(
        "export",
        "--project",
        project,
        "--kind",
        "ab_test",
        "--kind",
        "deployment",
        "--kind",
        "metric",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = (out / "manifest.yaml").read_text()
    assert f"key: {key}" in text and "feedback_type: preference" in text and "traffic_split: 0.3" in text
    cli.assert_no_changes(out)


def test_validate_rules(cli, tmp_path) -> None:
    body = _project("p1", _test("same", extra="        feedback_type: preference\n"))
    body += _project("p2", _test("same")).replace("projects:\n", "")
    body = body.replace(
        f"models: [{', '.join(MODELS)}]\n        traffic_split: 0.25\n        feedback_type",
        f"models: [{MODELS[0]}]\n        traffic_split: 0.25\n        feedback_type",
        1,
    )
    result = cli("validate", str(write(tmp_path, body)))
    assert result.exit_code == 1
    assert "a preference AB test compares pairs" in result.output
    assert "AB test keys are unique across projects; 'same' is also declared at" in result.output


@pytest.fixture(scope="module")
def timed() -> Iterator[tuple[Cli, Adaptive]]:
    """An emulator whose AB tests end by themselves 1 s after they start."""
    with run_emulator(ab_test_duration=1.0) as emulator:
        official = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
        yield Cli(emulator), official
        official.close()


def test_a_finished_test_is_reported_and_its_auto_deploy_winner_explained(timed, uniq, tmp_path) -> None:
    cli, sdk = timed
    project, key = uniq("arena"), uniq("ab")
    manifest = write(tmp_path, _project(project, _test(key, extra="        auto_deploy: true\n")))
    created = cli("plan", str(manifest))
    assert (
        "its winner becomes project" in created.output
        and "default: true on llama-3.1-8b-instruct" in created.output
    )
    cli.apply(manifest)
    time.sleep(1.2)
    assert sdk.ab_tests.get(key).status == AbcampaignStatus.DONE
    result = cli("drift", str(manifest), "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    drifted = {item["address"]: item for item in report["drifted"]}
    assert set(drifted) == {f"project.{project}/model.{MODELS[0]}"}  # declared default, no longer
    for item in drifted.values():
        assert f"because project.{project}/ab_test.{key} (auto_deploy) finished on" in item["reason"]
        assert "made qwen3-8b the default" in item["reason"]
    planned = cli("plan", str(manifest))
    assert f"AB test {key} finished on" in planned.output and "nothing will be sent" in planned.output
    assert f"+ project.{project}/ab_test.{key}" not in planned.output  # never re-created
    keep = write(
        tmp_path / "kept",
        _project(project, _test(key, extra="        auto_deploy: true\n"), default=MODELS[1]),
    )
    kept = cli("plan", str(keep), "--detailed-exitcode")
    assert kept.exit_code == 0, kept.output  # declaring the winner as default: in sync, test reported
    assert f"AB test {key} finished on" in kept.output


def test_detaching_or_turning_off_a_model_a_running_test_uses_is_warned(cli, uniq, tmp_path) -> None:
    project, key = uniq("arena"), uniq("ab")
    cli.apply(write(tmp_path / "a", _project(project, _test(key))))
    off = _project(project, _test(key)).replace("{model: qwen3-8b}", "{model: qwen3-8b, online: false}")
    warning = (
        f"model qwen3-8b of project {project} leaves running AB tests without it: {key} (25% of traffic)"
    )
    change = cli.changes(write(tmp_path / "b", off))[f"project.{project}/model.qwen3-8b"]
    assert any(w.startswith("turning off " + warning) for w in change["warnings"]), change["warnings"]
    gone = _project(project, "", prune=True).replace("      - {model: qwen3-8b}\n", "")
    change = cli.changes(write(tmp_path / "c", gone))[f"project.{project}/model.qwen3-8b"]
    assert change["action"] == "delete"
    assert any(w.startswith("detaching " + warning) for w in change["warnings"]), change["warnings"]
    assert "detaching " + warning in cli("plan", str(tmp_path / "c"), "--format", "markdown").output


def test_graph_edges(cli, uniq, tmp_path) -> None:
    project, key = uniq("arena"), uniq("ab")
    result = cli("graph", str(write(tmp_path, _project(project, _test(key)))), "--format", "dot")
    assert result.exit_code == 0, result.output
    test = f'"project.{project}/ab_test.{key}"'
    for source in (
        f"project.{project}",
        f"project.{project}/metric.win",
        *(f"project.{project}/model.{m}" for m in MODELS),
    ):
        assert f'"{source}" -> {test}' in result.output, source
