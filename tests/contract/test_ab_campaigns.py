"""AB tests through the SDK: create (metric and preference), list with filters, get with report, cancel.

The API has no update or delete for AB campaigns; cancel is the only terminal action.
"""

from __future__ import annotations

import pytest
from adaptive_sdk.graphql_client import AbCampaignCreateData
from adaptive_sdk.graphql_client.enums import AbcampaignStatus, ScoreType

from .support import API_ERRORS

ACTIVE = {AbcampaignStatus.WARMUP, AbcampaignStatus.IN_PROGRESS}


@pytest.fixture
def arena(sdk, project, add_external_model, uniq) -> tuple[str, str, list[str]]:
    """A project with a feedback key and two attached models: (project, feedback_key, [model keys])."""
    feedback_key = uniq("win")
    sdk.feedback.register_key(project=project, key=feedback_key, kind="bool")
    models = [add_external_model("champ"), add_external_model("challenger")]
    for model in models:
        sdk.models.attach(model=model, project=project, wait=True)
    return project, feedback_key, models


def test_create_get_list_cancel(sdk, arena, uniq) -> None:
    project, feedback_key, models = arena
    key = uniq("ab")
    created = sdk.ab_tests.create(
        ab_test_key=key, feedback_key=feedback_key, models=models, traffic_split=0.25, project=project
    )
    assert isinstance(created, AbCampaignCreateData)
    assert created.key == key
    assert created.status in ACTIVE
    assert created.begin_date > 0

    detail = sdk.ab_tests.get(key)
    assert detail is not None
    assert (detail.id, detail.traffic_split, detail.score_type) == (created.id, 0.25, ScoreType.DIRECT)
    assert {m.key for m in detail.models} == set(models)
    assert detail.metric is not None
    assert detail.metric.key == feedback_key
    assert detail.project is not None
    assert detail.project.key == project
    assert detail.end_date is None
    assert detail.report is not None
    assert {v.variant.key for v in detail.report.variants} <= set(models)

    assert key in {c.key for c in sdk.ab_tests.list(project=project)}
    assert key in {c.key for c in sdk.ab_tests.list(active=True, project=project)}
    assert key not in {c.key for c in sdk.ab_tests.list(status="cancelled", project=project)}

    message = sdk.ab_tests.cancel(key)
    assert isinstance(message, str)
    cancelled = sdk.ab_tests.get(key)
    assert cancelled is not None
    assert cancelled.status == AbcampaignStatus.CANCELLED
    assert key in {c.key for c in sdk.ab_tests.list(status="cancelled", project=project)}
    assert key not in {c.key for c in sdk.ab_tests.list(active=True, project=project)}


def test_preference_campaign(sdk, arena, uniq) -> None:
    project, feedback_key, models = arena
    key = uniq("pref")
    sdk.ab_tests.create(
        ab_test_key=key, feedback_key=feedback_key, models=models, feedback_type="preference", project=project
    )
    detail = sdk.ab_tests.get(key)
    assert detail is not None
    assert (detail.score_type, detail.traffic_split) == (ScoreType.COMPARISON, 1.0)


def test_campaigns_are_listed_per_project(sdk, arena, uniq) -> None:
    project, feedback_key, models = arena
    other = uniq("proj2")
    sdk.projects.create(key=other)
    key = uniq("ab")
    sdk.ab_tests.create(ab_test_key=key, feedback_key=feedback_key, models=models, project=project)
    assert key not in {c.key for c in sdk.ab_tests.list(project=other)}


def test_get_of_a_missing_campaign_is_none(sdk, uniq) -> None:
    assert sdk.ab_tests.get(uniq("noab")) is None


def test_create_with_an_unknown_feedback_key_fails(sdk, arena, uniq) -> None:
    project, _, models = arena
    key = uniq("ab")
    with pytest.raises(API_ERRORS):
        sdk.ab_tests.create(ab_test_key=key, feedback_key=uniq("nometric"), models=models, project=project)
    assert sdk.ab_tests.get(key) is None
