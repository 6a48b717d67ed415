"""Tool providers, a model service's name / tool providers / system prompt template, a project's
settings, metadata and widgets, and a model's published/stable flags, through the official SDK.

The SDK (0.14.2) has no public method for any of these, so they go through its own generated
client (``tests/sdk_hand.py``): the typed ``Mutation``/``Query`` builders of ``custom_mutations.py``
and ``custom_queries.py``, whose argument types are checked against the emulator's SDL below.
Every response is parsed by the SDK's builder selections, so a missing field fails here.
"""

from __future__ import annotations

import ast
import inspect
import re
from importlib import resources

import adaptive_sdk.graphql_client.custom_mutations as sdk_mutations
import adaptive_sdk.graphql_client.custom_queries as sdk_queries
import pytest
from adaptive_sdk.graphql_client import input_types
from adaptive_sdk.graphql_client.enums import MetricAggregation, UnitPosition
from graphql import GraphQLInputObjectType, build_schema

from adaptive_plan.emulator.seed import SYSTEM_PROMPT_TEMPLATES, seed_id
from tests import sdk_hand as hand

from .support import API_ERRORS

# The root fields these kinds use, with the argument types the SDK declares for them.
USED = {
    "mutation": (
        "createToolProvider", "updateToolProvider", "deleteToolProvider", "updateModelService",
        "updateProject", "updateModel", "updateModelComputeConfig",
    ),
    "query": ("toolProvider", "project", "models"),
}
INPUTS = (
    "CreateToolProviderInput", "UpdateToolProviderInput", "UpdateModelService", "ProjectUpdate",
    "ProjectSettingsInput", "ProjectMetadataInput", "EmojiInput", "WidgetInput", "UnitConfigInput",
    "UpdateModelInput", "ModelComputeConfigInput",
)
TEMPLATE_ID = seed_id("template", SYSTEM_PROMPT_TEMPLATES[0]["name"])


def _sdk_arguments(module: object) -> dict[str, dict[str, str]]:
    """Root field -> {argument: declared GraphQL type}, read from the SDK's codegen builders."""
    source = inspect.getsource(module)
    found = {}
    for function in ast.walk(ast.parse(source)):
        if isinstance(function, ast.FunctionDef):
            text = ast.get_source_segment(source, function) or ""
            name = re.search(r'field_name="(\w+)"', text)
            if name:
                found[name.group(1)] = dict(re.findall(r'"(\w+)": \{"type": "([^"]+)"', text))
    return found


@pytest.fixture(scope="module")
def sdl():
    text = resources.files("adaptive_plan.emulator").joinpath("schema.graphql").read_text(encoding="utf-8")
    return build_schema(text)


@pytest.mark.parametrize(("root", "name"), [(root, name) for root, names in USED.items() for name in names])
def test_root_field_arguments_match_the_sdk(sdl, root: str, name: str) -> None:
    declared = _sdk_arguments(sdk_mutations if root == "mutation" else sdk_queries)[name]
    field = (sdl.mutation_type if root == "mutation" else sdl.query_type).fields[name]
    assert {arg: str(value.type) for arg, value in field.args.items()} == declared


@pytest.mark.parametrize("name", INPUTS)
def test_input_fields_match_the_sdk(sdl, name: str) -> None:
    model = getattr(input_types, name)
    emulated = sdl.type_map[name]
    assert isinstance(emulated, GraphQLInputObjectType)
    sdk_fields = {info.alias or field for field, info in model.model_fields.items()}
    assert set(emulated.fields) == sdk_fields
    required = {info.alias or field for field, info in model.model_fields.items() if info.is_required()}
    assert {f for f, value in emulated.fields.items() if str(value.type).endswith("!")} == required


# ---------------------------------------------------------------------------- tool providers
def test_tool_provider_create_get_update_delete(sdk, project, uniq) -> None:
    key = uniq("tools")
    made = hand.create_tool_provider(sdk, project, key, "https://tools.example/mcp", name="Search tools")
    assert (made["key"], made["name"], made["uri"], made["protocol"]) == (
        key, "Search tools", "https://tools.example/mcp", "HTTP",
    )
    assert hand.tool_provider(sdk, project, key) == made
    assert hand.tool_provider(sdk, project, made["id"]) == made  # IdOrKey: the id works too
    assert [t["key"] for t in hand.tool_providers(sdk, project)] == [key]

    updated = hand.update_tool_provider(sdk, project, key, uri="https://tools.example/v2")
    # a null field means unchanged
    assert (updated["name"], updated["uri"]) == ("Search tools", "https://tools.example/v2")

    assert hand.delete_tool_provider(sdk, project, key) is True
    assert hand.tool_provider(sdk, project, key) is None
    assert hand.tool_providers(sdk, project) == []


def test_tool_provider_keys_are_per_project(sdk, project, uniq) -> None:
    other = uniq("other")
    sdk.projects.create(key=other)
    hand.create_tool_provider(sdk, project, "shared", "https://a.example")
    hand.create_tool_provider(sdk, other, "shared", "https://b.example")
    with pytest.raises(API_ERRORS, match="already exists"):
        hand.create_tool_provider(sdk, project, "shared", "https://c.example")
    assert hand.tool_provider(sdk, other, "shared")["uri"] == "https://b.example"


def test_tool_provider_of_a_missing_project_or_key_is_an_error(sdk, project, uniq) -> None:
    with pytest.raises(API_ERRORS, match="does not exist"):  # the SDK rewrites EntityNotFound
        hand.create_tool_provider(sdk, uniq("nope"), "t", "https://a.example")
    with pytest.raises(API_ERRORS, match="not found"):
        hand.update_tool_provider(sdk, project, uniq("nope"), name="x")
    with pytest.raises(API_ERRORS, match="not found"):
        hand.delete_tool_provider(sdk, project, uniq("nope"))


# ---------------------------------------------------------------------------- model services
def test_service_name_tool_providers_and_template(sdk, project, external_model, uniq) -> None:
    sdk.models.attach(model=external_model, project=project, wait=True)
    first, second = uniq("t1"), uniq("t2")
    for key in (first, second):
        hand.create_tool_provider(sdk, project, key, f"https://{key}.example")
    updated = hand.update_service(
        sdk, project, external_model,
        name="Support model", tool_providers=[first, second], system_prompt_template=TEMPLATE_ID,
    )
    assert updated["name"] == "Support model"
    assert sorted(t["key"] for t in updated["toolProviders"]) == sorted([first, second])
    assert updated["systemPromptTemplate"] == {"id": TEMPLATE_ID, "name": "support-agent"}

    kept = hand.update_service(sdk, project, external_model, is_default=True)  # nulls leave the rest
    assert kept["name"] == "Support model" and len(kept["toolProviders"]) == 2
    read = hand.service(sdk, project, external_model)
    assert read["systemPromptTemplate"]["arguments"] == ["company"]

    cleared = hand.update_service(sdk, project, external_model, tool_providers=[])
    assert cleared["toolProviders"] == []


def test_service_rejects_unknown_tool_providers_and_templates(sdk, project, external_model, uniq) -> None:
    sdk.models.attach(model=external_model, project=project, wait=True)
    with pytest.raises(API_ERRORS, match="tool provider"):
        hand.update_service(sdk, project, external_model, tool_providers=[uniq("nope")])
    with pytest.raises(API_ERRORS, match="system prompt template"):
        hand.update_service(sdk, project, external_model, system_prompt_template=seed_id("template", "nope"))


def test_deleting_a_bound_tool_provider_unbinds_it(sdk, project, external_model, uniq) -> None:
    sdk.models.attach(model=external_model, project=project, wait=True)
    key = uniq("tools")
    hand.create_tool_provider(sdk, project, key, "https://a.example")
    hand.update_service(sdk, project, external_model, tool_providers=[key])
    hand.delete_tool_provider(sdk, project, key)
    assert hand.service(sdk, project, external_model)["toolProviders"] == []


# ---------------------------------------------------------------------------- project settings
def test_project_settings_metadata_and_widgets(sdk, project, uniq) -> None:
    metric = uniq("csat")
    sdk.feedback.register_key(project=project, key=metric, kind="scalar")
    assert hand.project_settings(sdk, project) == {
        "settings": {"defaultMetric": None}, "metadata": {"emoji": None, "imageKey": None}, "widgets": [],
    }
    widget = input_types.WidgetInput(
        title="CSAT", metric=metric, aggregation=MetricAggregation.AVERAGE,
        unit=input_types.UnitConfigInput(symbol="%", position=UnitPosition.RIGHT),
    )
    hand.update_project(
        sdk, project,
        settings=input_types.ProjectSettingsInput(defaultMetric=metric),
        metadata=input_types.ProjectMetadataInput(
            emoji=input_types.EmojiInput(native="🤖"), imageKey="bots/1"
        ),
        widgets=[widget],
    )
    assert hand.project_settings(sdk, project) == {
        "settings": {"defaultMetric": {"key": metric}},
        "metadata": {"emoji": {"native": "🤖"}, "imageKey": "bots/1"},
        "widgets": [{"title": "CSAT", "metric": metric, "aggregation": "AVERAGE",
                     "unit": {"symbol": "%", "position": "RIGHT"}}],
    }
    hand.update_project(sdk, project, name="Renamed")  # nulls leave settings alone
    assert hand.project_settings(sdk, project)["settings"] == {"defaultMetric": {"key": metric}}


def test_default_metric_must_be_a_metric_of_the_project(sdk, project, uniq) -> None:
    missing = input_types.ProjectSettingsInput(defaultMetric=uniq("nope"))
    with pytest.raises(API_ERRORS, match=r"[Ff]eedback key|metric"):  # the SDK rewrites EntityNotFound
        hand.update_project(sdk, project, settings=missing)


# ---------------------------------------------------------------------------- model flags
def test_published_and_stable_flags(sdk, external_model) -> None:
    flagged = hand.set_model_flags(sdk, external_model, published=True)
    assert (flagged["isPublished"], flagged["isStable"]) == (True, False)
    flagged = hand.set_model_flags(sdk, external_model, stable=True)
    assert (flagged["isPublished"], flagged["isStable"]) == (True, True)
    listed = {m.key: m for m in sdk.models.list()}
    assert external_model in listed
