"""Adoption sweep for graders and metrics (feedback keys): whatever the official SDK can make,
``export`` turns into manifests whose first ``plan --detailed-exitcode`` exits 0, a second
export is byte-identical, and a change made with the SDK afterwards is exactly what the plan
shows.

Objects are made through ``adaptive-sdk``'s public methods (``graders.create.*`` sync and async,
``graders.lock``, ``feedback.register_key``). What those methods cannot send but the API
accepts (custom judge templates, a metric ``unit``, the other prebuilt criteria, ``updateGrader``,
``updateMetric``) goes through the SDK's own generated GraphQL client and query builder.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from _export_support import Cli, listed_secrets, tree
from adaptive_sdk import AsyncAdaptive
from adaptive_sdk.graphql_client import (
    CustomConfigInput,
    GraderConfigInput,
    GraderCreateInput,
    GraderTypeEnum,
    GraderUpdateInput,
    JudgeConfigInput,
    JudgeExampleInput,
    JudgeExampleInputTurnEntry,
    MetricCreate,
    PrebuiltConfigInput,
    PrebuiltCriteriaKey,
    RemoteConfigInput,
)
from adaptive_sdk.graphql_client.custom_fields import MetricFields
from adaptive_sdk.graphql_client.custom_mutations import Mutation
from adaptive_sdk.graphql_client.enums import MetricKind, MetricScoringType
from adaptive_sdk.graphql_client.input_types import MetricUpdate

P1, P2, P3, EDGE = "graders-one", "graders-two", "graders-three", "graders-edge"
UNICODE = "Évaluation — politesse ✓ 日本語"
CRITERIA = "The reply is polite.\nIt never says {{rude}} words, nor {% raw %} or {# comments #}.\n"
# Values YAML or Jinja could read back as something else: YAML 1.1 booleans/nulls/numbers,
# indicators, surrounding blanks and newlines, and line breaks other than \n (NEL, LS, PS).
ODD_TEXT = (
    "yes", "null", "1.0", "~", "- x", ": x", "#x", "@x", "'q'", '"dq"', "x: y", " lead", "trail ",
    "\nlead-nl", "tail-nl\n", "tab\tin", "nel\x85x", "ls\u2028x", "ps\u2029x", "bom\ufeffx",
    "bell\x07", "{}", "[]", "{", "}}", "%x", "*a", "&a", "!tag", "|", ">", "a\r\nb",
)


async def grade(sample):  # the SDK extracts this source and renames the function
    if "{{" in sample.completion:  # a template marker in code
        return 0.0

    return 1.0  # trailing comment


def _examples(count: int) -> list[dict[str, Any]]:
    """Examples with empty and multi-turn inputs, empty outputs, with and without reasoning."""
    turns = [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Hi ✓"}]
    return [
        {
            "input": turns[: 1 + index % 2] if index % 3 else [],
            "output": f"Reply {index}\nwith two lines" if index % 2 else "",
            "passes": index % 2 == 0,
            **({"reasoning": f"Because {index}"} if index % 4 == 1 else {}),
            **({"reasoning": ""} if index % 4 == 3 else {}),
        }
        for index in range(count)
    ]


def _update_metric(sdk: Any, project: str, metric: str, **values: Any) -> None:
    """``updateMetric`` through the SDK's query builder (no resource method sends it)."""
    field = Mutation.update_metric(project=project, metric=metric, input=MetricUpdate(**values))
    sdk._gql_client.mutation(field.fields(MetricFields.id), operation_name="UpdateMetric")


def _make_metrics(sdk: Any) -> None:
    register = sdk.feedback.register_key
    register(project=P1, key="thumbs", kind="bool")
    register(project=P1, key="latency", kind="scalar", scoring_type="lower_is_better",
             name="Latency (ms)", description="Time to first token")
    register(project=P1, key="empty-description", kind="scalar", description="")
    register(project=P1, key="same-name", kind="bool", name="same-name", scoring_type="higher_is_better")
    register(project=P1, key="unicode", kind="scalar", name=UNICODE, description="Multi\nline\n")
    register(project=P1, key="Mixed_Case.key", kind="bool", name="", description="{{ not a var }}")
    register(project=P1, key="mixed_case.key", kind="scalar")
    register(project=P1, key="renamed", kind="bool")
    _update_metric(sdk, P1, "renamed", name="Renamed ✓", description="Later",
                   scoringType=MetricScoringType.LOWER_IS_BETTER)
    register(project=P2, key="thumbs", kind="scalar", name="Thumbs in project two")
    sdk._gql_client.create_metric(P2, MetricCreate(
        name="Tokens", key="tokens", kind=MetricKind.SCALAR, scoringType=MetricScoringType.LOWER_IS_BETTER,
        unit="tok", description=None,
    ))
    sdk._gql_client.create_metric(P2, MetricCreate(name="Empty unit", key="empty-unit", kind=MetricKind.BOOL,
                                                   unit=""))


def _make_graders(sdk: Any, judge: str) -> None:
    create = sdk.graders.create
    create.binary_judge(key="plain-judge", criteria="Is it kind?", judge_model=judge, project=P1)
    create.binary_judge(key="rich-judge", name=UNICODE, criteria=CRITERIA, judge_model=judge,
                        examples=_examples(12), project=P1)
    create.binary_judge(key="catalogue-judge", criteria="x", judge_model="qwen3-8b", project=P1,
                        examples=[{"input": [{"role": "user", "content": 42}], "output": "ok", "passes": 1}])
    create.binary_judge(key="Upper_Judge", criteria="Upper", judge_model=judge, project=P1)
    create.prebuilt_judge(key="faithful", type="FAITHFULNESS", judge_model=judge, project=P1)
    create.prebuilt_judge(key="faithful-70b", type="FAITHFULNESS", judge_model="llama-3.3-70b-instruct",
                          name="Faithful (70B)", project=P1)
    create.external_endpoint(key="remote", url="https://grader.example/score?x=1&y={{z}}", project=P1)
    create.external_endpoint(key="remote-named", name="Remote named", url="http://10.0.0.1:8080", project=P1)
    create.custom(key="custom-plain", project=P1)
    create.custom(key="custom-empty", description="", project=P1)
    create.custom(key="custom-described", description="Scores from a labelling team", name="Custom",
                  project=P1)
    create.function(key="fn-callable", fn=grade, project=P1)
    create.function(key="fn-string", fn="import math\n\nasync def grade(sample):\n    return math.pi\n",
                    description="Always pi", name="Function ✓", project=P1)
    create.function(key="fn-crlf", fn="async def grade(sample):\r\n    return 1.0\r\n", description="",
                    project=P1)
    create.function(key="fn-ragged", fn="\n\n   \nasync def grade(s):\n\treturn 1   ", project=P1)
    create.custom(key="v1.dotted", project=P1)
    create.custom(key="locked-custom", project=P1)
    sdk.graders.lock(grader_key="locked-custom", locked=True, project=P1)
    create.custom(key="unlocked-again", project=P1)
    sdk.graders.lock(grader_key="unlocked-again", locked=True, project=P1)
    sdk.graders.lock(grader_key="unlocked-again", locked=False, project=P1)
    create.custom(key="metric-edited", project=P1)
    _update_metric(sdk, P1, "metric-edited", name="Edited ✓", description="By hand",
                   scoringType=MetricScoringType.LOWER_IS_BETTER)
    # the same grader keys in a second project, with other settings
    create.binary_judge(key="plain-judge", criteria="Another project", judge_model=judge, project=P2)
    create.function(key="fn-callable", fn=grade, project=P2, description="Second")


async def _async_judge(url: str, api_key: str, judge: str) -> None:
    """The async client's ``binary_judge`` makes a SCALAR metric (the sync one a BOOL)."""
    client = AsyncAdaptive(base_url=url, api_key=api_key)
    try:
        await client.graders.create.binary_judge(key="async-judge", criteria="Async", judge_model=judge,
                                                 project=P2)
    finally:
        await client.close()


def _make_low_level_graders(sdk: Any, judge: str) -> None:
    """Through the SDK's generated client: what the public creators cannot send."""
    gql = sdk._gql_client
    judge_config = JudgeConfigInput(
        model=judge, criteria="Custom templates", systemTemplate="System {{criteria}}\n",
        userTemplate="User {{{completion}}}",
        examples=[JudgeExampleInput(input=[JudgeExampleInputTurnEntry(role="user", content="q")],
                                    output="a", reasoning=None, **{"pass": False})],
    )
    gql.create_grader(P3, GraderCreateInput(
        name="Templated", key="templated", graderType=GraderTypeEnum.JUDGE,
        graderConfig=GraderConfigInput(judge=judge_config),
        metric=MetricCreate(name="Templated score", key="templated-score", kind=MetricKind.SCALAR,
                            scoringType=MetricScoringType.LOWER_IS_BETTER, description="D", unit="pts"),
    ))
    gql.create_grader(P3, GraderCreateInput(
        name="relevancy", key="relevancy", graderType=GraderTypeEnum.PREBUILT,
        graderConfig=GraderConfigInput(
            prebuilt=PrebuiltConfigInput(key=PrebuiltCriteriaKey.CONTEXT_RELEVANCY, model=judge)
        ),
        metric=None,
    ))
    gql.create_grader(P3, GraderCreateInput(
        name="", key="nameless", graderType=GraderTypeEnum.CUSTOM,
        graderConfig=GraderConfigInput(custom=CustomConfigInput(description=None)),
        metric=MetricCreate(name="", key="nameless-metric", kind=MetricKind.BOOL),
    ))
    gql.create_metric(P3, MetricCreate(name="", key="nameless", kind=MetricKind.SCALAR))
    sdk.graders.create.custom(key="became-remote", project=P3)
    gql.update_grader(P3, "became-remote", GraderUpdateInput(
        name="Became remote", graderType=GraderTypeEnum.REMOTE,
        graderConfig=GraderConfigInput(remote=RemoteConfigInput(url="https://became.example")),
    ))
    sdk.graders.create.binary_judge(key="emptied-templates", criteria="c", judge_model=judge, project=P3)
    gql.update_grader(P3, "emptied-templates", GraderUpdateInput(graderConfig=GraderConfigInput(judge=(
        JudgeConfigInput(model="qwen3-8b", criteria="c2", examples=[], systemTemplate="", userTemplate="")
    ))))


def _make_edge_cases(sdk: Any, judge: str) -> None:
    """Values at the edge of what the API accepts: empty required strings, odd text, long lists."""
    create = sdk.graders.create
    create.binary_judge(key="empty-criteria", criteria="", judge_model=judge, project=EDGE)
    create.binary_judge(key="blank-criteria", criteria=" leading\ttab  \n  ", judge_model=judge, project=EDGE)
    create.external_endpoint(key="empty-url", url="", project=EDGE)
    odd_example = [
        {"input": [{"role": "", "content": "a\x85b\u2028"}, {"role": "tool", "content": ""}],
         "output": "  lead", "passes": False, "reasoning": "  "},
        {"input": [{"role": "user", "content": {"k": [1, 2]}}], "output": "x\n\n\n", "passes": True},
        {"input": [{"role": "user", "content": None}], "output": "y", "passes": 0},
    ]
    create.binary_judge(key="odd-examples", criteria="c", judge_model=judge, examples=odd_example,
                        project=EDGE)
    many = [{"input": [{"role": "user", "content": f"q{i}"}], "output": f"a{i}", "passes": bool(i % 2)}
            for i in range(150)]
    create.binary_judge(key="long", criteria="c" * 50_000, judge_model=judge, examples=many, project=EDGE)
    create.custom(key="blank-name", name="   ", project=EDGE)
    for index, text in enumerate(ODD_TEXT):
        sdk.feedback.register_key(project=EDGE, key=f"odd-{index}", kind="scalar", name=text,
                                  description=text)
        create.custom(key=f"odd-{index}-grader", name=text, description=text, project=EDGE)


@pytest.fixture(scope="module")
def made_by_sdk(sdk, emu) -> str:
    """Three ordinary projects and one of edge cases, all made with the SDK; returns the judge key."""
    sdk.teams.create(key="graders-team", name="Graders team")
    judge = sdk.models.add_external(
        name="sweep-judge", external_model_id="gpt-4o", api_key="sk-sdk-only", provider="open_ai"
    ).key
    sdk.projects.create(key=P1, name="Graders one")
    sdk.projects.create(key=P2, name="Graders two", team="graders-team")
    sdk.projects.create(key=P3, name="Graders three")
    sdk.projects.create(key=EDGE, name="Graders edge cases")
    _make_metrics(sdk)
    _make_graders(sdk, judge)
    asyncio.run(_async_judge(emu.url, emu.api_key, judge))
    _make_low_level_graders(sdk, judge)
    _make_edge_cases(sdk, judge)
    return judge


def _declared(path: Path, project: str, section: str) -> list[dict[str, Any]]:
    """The entries of one project's section in an exported single manifest (read unrendered)."""
    document = yaml.safe_load((path / "manifest.yaml").read_text())
    (entry,) = [p for p in document["projects"] if p["key"] == project]
    return entry.get(section, [])


def _live_keys(sdk: Any, project: str) -> tuple[set[str], set[str]]:
    graders = {g.key for g in sdk.graders.list(project=project)}
    metrics = {m.key for m in sdk.feedback.list_keys() for p in m.projects if p.key == project}
    grader_metrics = {g.metric.key for g in sdk.graders.list(project=project)}
    return graders, metrics - grader_metrics


@pytest.mark.parametrize("layout", ["single", "per-project"])
def test_sdk_graders_and_metrics_adopt_with_an_empty_plan(cli, made_by_sdk, tmp_path, layout) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    cli.export(first, "--layout", layout)
    cli.assert_no_changes(first)
    cli.export(second, "--layout", layout)
    assert tree(first) == tree(second)


def test_every_sdk_grader_and_metric_is_declared(cli, sdk, made_by_sdk, tmp_path) -> None:
    cli.export(tmp_path)
    for project in (P1, P2, P3, EDGE):
        graders, metrics = _live_keys(sdk, project)
        assert {g["key"] for g in _declared(tmp_path, project, "graders")} == graders
        assert {m["key"] for m in _declared(tmp_path, project, "metrics")} == metrics
    by_key = {g["key"]: g for g in _declared(tmp_path, P1, "graders")}
    assert by_key["metric-edited"]["metric"] == {
        "name": "Edited ✓", "scoring": "lower_is_better", "description": "By hand"
    }
    assert by_key["locked-custom"]["locked"] is True and "locked" not in by_key["unlocked-again"]
    assert by_key["Upper_Judge"]["metric"] == {"key": "upper-judge", "name": "Upper_Judge"}
    assert len(by_key["rich-judge"]["judge"]["examples"]) == 12
    edge = {g["key"]: g for g in _declared(tmp_path, EDGE, "graders")}
    assert edge["empty-criteria"]["judge"]["criteria"] == "" and edge["empty-url"]["remote"]["url"] == ""


@pytest.mark.parametrize("selection", [("--project", P2), ("--kind", "grader"), ("--kind", "metric")])
def test_a_partial_export_adopts_with_an_empty_plan(cli, made_by_sdk, tmp_path, selection) -> None:
    cli.export(tmp_path, *selection, "--layout", "per-project")
    cli.assert_no_changes(tmp_path)


# --- a change made with the SDK after the export is exactly what the plan shows ---------------
def _changes(cli: Any, path: Path) -> dict[str, tuple[str, dict[str, tuple[Any, Any]]]]:
    """address -> (action, {attribute: (before, after)}) for every change that is not a no-op."""
    result = cli("plan", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    return {
        change["address"]: (
            change["action"], {a["path"]: (a["before"], a["after"]) for a in change["attributes"]}
        )
        for change in plan["changes"]
        if change["action"] != "no-op"
    }


@pytest.fixture
def adopted(cli, sdk, made_by_sdk, sfx, tmp_path) -> tuple[str, Path]:
    """A fresh project with a judge, a locked custom grader whose metric was edited and a metric,
    exported and adopted. Only declared attributes are managed, and an export leaves out the
    server's defaults, so the changes below are made to values that differ from them."""
    project = f"change-{sfx}"
    sdk.projects.create(key=project, name="Change")
    sdk.graders.create.binary_judge(key="judge", criteria="Kind?", judge_model=made_by_sdk, project=project)
    sdk.graders.create.custom(key="custom", project=project)
    _update_metric(sdk, project, "custom", description="Described")
    sdk.graders.lock(grader_key="custom", locked=True, project=project)
    sdk.feedback.register_key(project=project, key="thumbs", kind="bool", scoring_type="lower_is_better")
    cli.export(tmp_path, "--project", project)
    cli.assert_no_changes(tmp_path)
    return project, tmp_path


def test_an_unlock_made_with_the_sdk_is_the_only_change(cli, sdk, adopted) -> None:
    project, path = adopted
    sdk.graders.lock(grader_key="custom", locked=False, project=project)
    assert _changes(cli, path) == {
        f"project.{project}/grader.custom": ("update", {"locked": (False, True)})
    }


def test_a_criteria_edit_is_the_only_change(cli, sdk, adopted) -> None:
    project, path = adopted
    config = sdk.graders.get(grader_key="judge", project=project).grader_config
    sdk._gql_client.update_grader(project, "judge", GraderUpdateInput(graderConfig=GraderConfigInput(
        judge=JudgeConfigInput(model=config.model.key, criteria="Kinder?", examples=[],
                               systemTemplate="s", userTemplate="u")
    )))
    # the templates are not declared (the SDK's were exported as defaults), so they stay unmanaged
    assert _changes(cli, path) == {
        f"project.{project}/grader.judge": ("update", {"judge.criteria": ("Kinder?", "Kind?")})
    }


def test_metric_edits_are_the_only_changes(cli, sdk, adopted) -> None:
    project, path = adopted
    _update_metric(sdk, project, "thumbs", scoringType=MetricScoringType.HIGHER_IS_BETTER)
    sdk.graders.lock(grader_key="custom", locked=False, project=project)
    _update_metric(sdk, project, "custom", description="Edited")
    sdk.graders.lock(grader_key="custom", locked=True, project=project)
    assert _changes(cli, path) == {
        f"project.{project}/metric.thumbs": ("update", {"scoring": ("higher_is_better", "lower_is_better")}),
        f"project.{project}/grader.custom": ("update", {"metric.description": ("Edited", "Described")}),
    }


def test_a_grader_deleted_with_the_sdk_is_created_again(cli, sdk, adopted) -> None:
    project, path = adopted
    sdk.graders.delete(grader_key="judge", project=project)
    assert {address: action for address, (action, _) in _changes(cli, path).items()} == {
        f"project.{project}/grader.judge": "create"
    }


def test_a_new_sdk_metric_is_unmanaged_not_a_change(cli, sdk, adopted) -> None:
    project, path = adopted
    sdk.feedback.register_key(project=project, key="new-key", kind="scalar")
    result = cli("plan", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert not plan["has_changes"] and f"project.{project}/metric.new-key" in plan["unmanaged"]


@pytest.mark.xfail(strict=True, reason=(
    "The manifest key pattern is ^[A-Za-z0-9][A-Za-z0-9._-]*$; the API reference does not say which "
    "keys the server accepts, and the emulator stores any key the SDK sends, so a metric or grader "
    "keyed 'my key', '_private' or 'évaluation' exports to a manifest that does not validate"
))
def test_keys_outside_the_manifest_key_pattern_adopt(tmp_path) -> None:
    from adaptive_sdk import Adaptive

    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(deploy_delay=0.0) as emulator:  # its own instance: full exports stay valid
        sdk = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
        sdk.projects.create(key="odd-keys", name="Odd keys")
        sdk.feedback.register_key(project="odd-keys", key="my key", kind="bool")
        sdk.feedback.register_key(project="odd-keys", key="_private", kind="bool")
        sdk.graders.create.custom(key="évaluation", project="odd-keys")
        cli = Cli(emulator)
        cli.export(tmp_path)
        cli.assert_no_changes(tmp_path)


def _body(files: dict[str, bytes]) -> dict[str, list[bytes]]:
    """Files without their comment lines (the header names the instance's URL)."""
    return {path: [ln for ln in data.splitlines() if not ln.startswith(b"#")] for path, data in files.items()}


def test_the_export_rebuilds_a_fresh_instance_that_exports_the_same(cli, made_by_sdk, tmp_path) -> None:
    """apply creates every grader and metric from the exported form alone: the new instance plans
    empty against the same files and exports them again."""
    from adaptive_plan.emulator.server import run_emulator

    exported, again = tmp_path / "exported", tmp_path / "again"
    secrets = listed_secrets(cli.export(exported, "--layout", "per-project").stdout)
    with run_emulator(deploy_delay=0.0) as emulator:
        fresh = Cli(emulator)
        fresh.env.update({name: "from-the-environment" for name in secrets})
        result = fresh("apply", str(exported), "--auto-approve", "--no-color")
        assert result.exit_code == 0, result.output
        fresh.assert_no_changes(exported)
        fresh.export(again, "--layout", "per-project")
    assert _body(tree(again)) == _body(tree(exported))


# --- hand-written manifests with the same odd values: apply, then plan is empty ---------------
EMPTY_NAMES = """
version: 1
projects:
  - key: {project}
    metrics:
      - {{key: nameless, name: "", kind: scalar}}
    graders:
      - key: nameless-grader
        name: ""
        metric: {{name: ""}}
        custom: {{}}
      - key: empty-criteria
        judge: {{model: qwen3-8b, criteria: ""}}
        metric: {{key: other-metric, name: ""}}
"""


def test_empty_names_and_criteria_apply_then_plan_is_empty(cli, made_by_sdk, sfx, tmp_path) -> None:
    """A declared ``name: ""`` is sent as is; sending the key instead left a diff after every apply."""
    (tmp_path / "manifest.yaml").write_text(EMPTY_NAMES.format(project=f"empty-{sfx}"))
    result = cli("apply", str(tmp_path), "--auto-approve", "--no-color")
    assert result.exit_code == 0, result.output
    cli.assert_no_changes(tmp_path)


SHARED_METRIC = """
version: 1
projects:
  - key: shared-metric
    metrics:
      - {key: shared, kind: bool}
      - {key: score, kind: scalar}
    graders:
      - {key: first, metric: shared, custom: {}}
      - {key: second, metric: shared, custom: {}}
      - {key: score, custom: {}}
      - {key: third, custom: {}}
      - {key: fourth, metric: {key: third}, custom: {}}
"""


def test_graders_that_would_create_the_same_metric_are_refused_before_apply(cli, tmp_path) -> None:
    """``createGrader`` always creates the grader's own metric, so two graders cannot share one,
    and a grader's default metric key (its own key) cannot be a declared metric: without this
    check the second create failed half-way through apply with a key conflict."""
    (tmp_path / "manifest.yaml").write_text(SHARED_METRIC)
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    errors = sorted(line.split("/manifest.yaml:", 1)[1] for line in lines if ": project." in line)
    assert errors == [
        "10:31: project.shared-metric/grader.second: metric 'shared' is already the metric of another grader "
        f"(at {tmp_path}/manifest.yaml:9:30); each grader creates a metric of its own",
        "11:15: project.shared-metric/grader.score: metric 'score' is also declared in this project's "
        f"metrics at {tmp_path}/manifest.yaml:7:15; write `metric: score` to score into it",
        "13:37: project.shared-metric/grader.fourth: metric 'third' is already the metric of another grader "
        f"(at {tmp_path}/manifest.yaml:12:15); each grader creates a metric of its own",
    ]
