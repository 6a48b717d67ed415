"""Graders through the SDK: every graders.create.* method, list, get, lock, delete, test_external_endpoint."""

from __future__ import annotations

import pytest
from adaptive_sdk.graphql_client import GraderData
from adaptive_sdk.graphql_client import test_remote_env as remote_env  # by module: pytest collects Test*
from adaptive_sdk.graphql_client.enums import GraderTypeEnum, MetricKind, PrebuiltCriteriaKey

from .support import API_ERRORS

FUNCTION_SOURCE = """\
async def grade(thread) -> float:
    return 1.0 if thread else 0.0
"""


async def length_grader(thread) -> float:
    """A callable grader: the SDK extracts this source and renames the function to ``grade``."""
    return float(len(str(thread)) > 10)


@pytest.fixture
def judge(sdk, project, external_model) -> str:
    """An external model attached to the project, usable as a judge."""
    sdk.models.attach(model=external_model, project=project)
    return external_model


def _assert_persisted(sdk, project: str, created: GraderData) -> GraderData:
    assert created.key
    fetched = sdk.graders.get(grader_key=created.key, project=project)
    assert fetched is not None
    assert fetched.model_dump() == created.model_dump()
    assert created.key in {g.key for g in sdk.graders.list(project=project)}
    assert created.project.key == project
    return fetched


def test_binary_judge(sdk, project, judge, uniq) -> None:
    key = uniq("judge")
    examples = [
        {
            "input": [{"role": "user", "content": "Is the sky blue?"}],
            "output": "Yes.",
            "passes": True,
            "reasoning": "Correct and short",
        },
        {"input": [{"role": "user", "content": 42}], "output": "No idea", "passes": False},
    ]
    created = sdk.graders.create.binary_judge(
        key=key,
        criteria="Answer is correct",
        judge_model=judge,
        name="Correctness",
        examples=examples,
        project=project,
    )
    assert isinstance(created, GraderData)
    assert (created.key, created.name, created.grader_type) == (key, "Correctness", GraderTypeEnum.JUDGE)
    assert created.locked is False
    config = created.grader_config
    assert config.typename__ == "JudgeConfigOutput"
    assert config.judge_criteria == "Answer is correct"
    assert config.model.key == judge
    assert [(e.output, e.pass_, e.reasoning) for e in config.examples] == [
        ("Yes.", True, "Correct and short"),
        ("No idea", False, None),
    ]
    assert config.examples[1].input[0].content == "42"
    assert created.metric.name == key
    assert created.metric.kind == MetricKind.BOOL
    _assert_persisted(sdk, project, created)


def test_prebuilt_judge(sdk, project, judge, uniq) -> None:
    key = uniq("faith")
    created = sdk.graders.create.prebuilt_judge(
        key=key, type="FAITHFULNESS", judge_model=judge, project=project
    )
    assert (created.grader_type, created.name) == (GraderTypeEnum.PREBUILT, key)
    config = created.grader_config
    assert config.typename__ == "PrebuiltConfigOutput"
    assert config.prebuilt_criteria.key == PrebuiltCriteriaKey.FAITHFULNESS
    assert config.prebuilt_criteria.name
    assert config.model.key == judge
    assert created.metric.id  # the server creates a metric even though the SDK sends metric: null
    _assert_persisted(sdk, project, created)


def test_external_endpoint(sdk, project, uniq) -> None:
    key = uniq("remote")
    created = sdk.graders.create.external_endpoint(
        key=key, url="https://grader.example.com/score", project=project
    )
    assert created.grader_type == GraderTypeEnum.REMOTE
    config = created.grader_config
    assert config.typename__ == "RemoteConfigOutput"
    assert config.url == "https://grader.example.com/score"
    assert isinstance(config.version, str)
    assert isinstance(config.description, str)
    assert (created.metric.name, created.metric.kind) == (key, MetricKind.SCALAR)
    _assert_persisted(sdk, project, created)


def test_custom(sdk, project, uniq) -> None:
    key = uniq("custom")
    created = sdk.graders.create.custom(
        key=key, description="Scored by a recipe", name="Custom", project=project
    )
    assert (created.grader_type, created.name) == (GraderTypeEnum.CUSTOM, "Custom")
    assert created.grader_config.typename__ == "CustomConfigOutput"
    assert created.grader_config.grader_description == "Scored by a recipe"
    assert created.metric.kind == MetricKind.SCALAR
    _assert_persisted(sdk, project, created)


def test_function_from_source(sdk, project, uniq) -> None:
    key = uniq("fn")
    created = sdk.graders.create.function(
        key=key, fn=FUNCTION_SOURCE, description="Non-empty", project=project
    )
    assert created.grader_type == GraderTypeEnum.FUNCTION
    config = created.grader_config
    assert config.typename__ == "FunctionConfigOutput"
    assert config.source_code == FUNCTION_SOURCE
    assert config.function_description == "Non-empty"
    _assert_persisted(sdk, project, created)


def test_function_from_callable(sdk, project, uniq) -> None:
    created = sdk.graders.create.function(key=uniq("fn"), fn=length_grader, project=project)
    source = created.grader_config.source_code
    assert source is not None
    assert source.startswith("async def grade(thread)")
    assert created.grader_config.function_description is None
    _assert_persisted(sdk, project, created)


def test_function_with_invalid_code_is_refused_before_creation(sdk, project, uniq) -> None:
    key = uniq("badfn")
    with pytest.raises(ValueError, match="validation failed"):
        sdk.graders.create.function(key=key, fn="async def grade(:\n    pass\n", project=project)
    assert key not in {g.key for g in sdk.graders.list(project=project)}


def test_lock_and_unlock(sdk, project, uniq) -> None:
    key = uniq("lock")
    sdk.graders.create.custom(key=key, project=project)
    locked = sdk.graders.lock(grader_key=key, locked=True, project=project)
    assert locked.locked is True
    fetched = sdk.graders.get(grader_key=key, project=project)
    assert fetched is not None
    assert fetched.locked is True
    unlocked = sdk.graders.lock(grader_key=key, locked=False, project=project)
    assert unlocked.locked is False
    assert {g.key: g.locked for g in sdk.graders.list(project=project)}[key] is False


def test_delete(sdk, project, uniq) -> None:
    key = uniq("gone")
    created = sdk.graders.create.custom(key=key, project=project)
    assert sdk.graders.delete(grader_key=key, project=project) is True
    assert key not in {g.key for g in sdk.graders.list(project=project)}
    with pytest.raises(API_ERRORS):
        sdk.graders.get(grader_key=str(created.id), project=project)


def test_graders_are_scoped_to_their_project(sdk, project, uniq) -> None:
    other = uniq("proj2")
    sdk.projects.create(key=other)
    key = uniq("scoped")
    sdk.graders.create.custom(key=key, project=project)
    assert key not in {g.key for g in sdk.graders.list(project=other)}
    sdk.graders.create.custom(key=key, project=other)  # same key, other project: allowed
    assert key in {g.key for g in sdk.graders.list(project=other)}


def test_duplicate_grader_key_is_rejected(sdk, project, uniq) -> None:
    key = uniq("dup")
    sdk.graders.create.custom(key=key, project=project)
    with pytest.raises(API_ERRORS):
        sdk.graders.create.custom(key=key, project=project)


def test_test_external_endpoint_reports_online_or_offline(sdk) -> None:
    result = sdk.graders.test_external_endpoint("http://127.0.0.1:9/unreachable")
    online = remote_env.TestRemoteEnvTestRemoteEnvRemoteEnvTestOnline
    offline = remote_env.TestRemoteEnvTestRemoteEnvRemoteEnvTestOffline
    assert isinstance(result, (online, offline))
    if isinstance(result, offline):
        assert result.error
