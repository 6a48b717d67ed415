"""AB tests through the SDK: create (metric and preference), list with filters, get with report, cancel.

The API has no update or delete for AB campaigns; cancel is the only terminal action.
"""

from __future__ import annotations

import time

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


def test_a_cancelled_key_stays_taken_and_cannot_be_cancelled_again(sdk, arena, uniq) -> None:
    project, feedback_key, models = arena
    key = uniq("ab")
    sdk.ab_tests.create(ab_test_key=key, feedback_key=feedback_key, models=models, project=project)
    sdk.ab_tests.cancel(key)
    with pytest.raises(API_ERRORS):
        sdk.ab_tests.create(ab_test_key=key, feedback_key=feedback_key, models=models, project=project)
    with pytest.raises(API_ERRORS):
        sdk.ab_tests.cancel(key)


def test_project_ab_campaigns_needs_its_filter(sdk, project) -> None:
    """``Project.abCampaigns(filter: AbCampaignFilter!)`` has no default in the wheel's schema
    listing, so a document must pass ``filter: {}`` (the emulator refuses one that does not)."""
    query = "query Q($p: IdOrKey!) { project(idOrKey: $p) { abCampaigns { key } } }"
    with pytest.raises(API_ERRORS):
        response = sdk._gql_client.execute(query=query, operation_name="Q", variables={"p": project})
        sdk._gql_client.get_data(response)


def test_a_finished_auto_deploy_campaign_promotes_its_winner() -> None:
    """On the emulator's clock (``ab_test_duration``) a campaign ends DONE; with ``auto_deploy``
    its winner becomes the project's default model, as the SDK's ``create`` docstring says."""
    from adaptive_sdk import Adaptive

    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(ab_test_duration=0.3) as emulator:
        sdk = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
        try:
            sdk.projects.create(key="arena")
            sdk.feedback.register_key(project="arena", key="win", kind="bool")
            models = []
            for name in ("champ", "challenger"):
                key = sdk.models.add_external(
                    name=name, external_model_id="gpt-4o-mini", api_key="sk-test", provider="open_ai"
                ).key
                sdk.models.attach(model=key, project="arena", wait=True)
                models.append(key)
            sdk.models.update(model=models[0], is_default=True, project="arena")
            sdk.ab_tests.create(
                ab_test_key="ab", feedback_key="win", models=models, auto_deploy=True, project="arena"
            )
            time.sleep(0.4)
            detail = sdk.ab_tests.get("ab")
            assert detail is not None
            assert detail.status == AbcampaignStatus.DONE
            assert detail.end_date is not None
            described = sdk.projects.get("arena")
            assert described is not None
            default = [s.model.key for s in described.model_services if s.is_default]
            assert default == [models[1]]
            with pytest.raises(API_ERRORS):
                sdk.ab_tests.cancel("ab")  # finished: nothing left to cancel
        finally:
            sdk.close()
