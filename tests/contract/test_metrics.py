"""Feedback keys (metrics) through the SDK: register_key, get_key, list_keys, and the project view."""

from __future__ import annotations

import pytest
from adaptive_sdk.graphql_client import MetricData
from adaptive_sdk.graphql_client.enums import MetricKind, MetricScoringType

from .support import API_ERRORS


def test_register_key_with_every_field(sdk, project, uniq) -> None:
    key = uniq("latency")
    created = sdk.feedback.register_key(
        project=project,
        key=key,
        kind="scalar",
        scoring_type="lower_is_better",
        name="Latency",
        description="Seconds to first token",
    )
    assert isinstance(created, MetricData)
    assert (created.key, created.name, created.description) == (key, "Latency", "Seconds to first token")
    assert (created.kind, created.scoring_type) == (MetricKind.SCALAR, MetricScoringType.LOWER_IS_BETTER)
    assert (created.has_direct_scores, created.has_comparison_scores) == (False, False)
    assert created.created_at > 0

    fetched = sdk.feedback.get_key(project=project, feedback_key=key)
    assert fetched is not None
    assert fetched.model_dump() == created.model_dump()


def test_register_key_defaults(sdk, project, uniq) -> None:
    key = uniq("thumbs")
    created = sdk.feedback.register_key(project=project, key=key, kind="bool")
    assert (created.name, created.description) == (key, "")
    assert (created.kind, created.scoring_type) == (MetricKind.BOOL, MetricScoringType.HIGHER_IS_BETTER)


def test_list_keys_shows_the_owning_project(sdk, project, uniq) -> None:
    key = uniq("csat")
    created = sdk.feedback.register_key(project=project, key=key, kind="scalar")
    listed = {m.key: m for m in sdk.feedback.list_keys()}
    assert listed[key].id == created.id
    assert project in {p.key for p in listed[key].projects}


def test_project_view_includes_the_metric(sdk, project, uniq) -> None:
    key = uniq("accuracy")
    sdk.feedback.register_key(project=project, key=key, kind="bool", description="Exact match")
    fetched = sdk.projects.get(project)
    assert fetched is not None
    metrics = {m.key: m for m in fetched.metrics}
    assert metrics[key].kind == MetricKind.BOOL
    assert metrics[key].description == "Exact match"


def test_get_key_accepts_the_id(sdk, project, uniq) -> None:
    created = sdk.feedback.register_key(project=project, key=uniq("byid"), kind="scalar")
    fetched = sdk.feedback.get_key(project=project, feedback_key=str(created.id))
    assert fetched is not None
    assert fetched.key == created.key


def test_get_key_of_a_missing_metric_is_none(sdk, project, uniq) -> None:
    assert sdk.feedback.get_key(project=project, feedback_key=uniq("nometric")) is None


def test_duplicate_key_in_a_project_is_rejected(sdk, project, uniq) -> None:
    key = uniq("dup")
    sdk.feedback.register_key(project=project, key=key, kind="scalar")
    with pytest.raises(API_ERRORS):
        sdk.feedback.register_key(project=project, key=key, kind="scalar")
    assert [m.key for m in sdk.feedback.list_keys()].count(key) == 1
