"""API semantics from ADAPTIVE_API.md section 8 and appendix A, checked over HTTP."""

from __future__ import annotations

import json
import re
from pathlib import Path

import adaptive_sdk
from adaptive_sdk import Adaptive
from graphql import parse, validate

from adaptive_plan.emulator.resolvers import build_schema
from tests.emulator.conftest import data, error

PROJECT = "mutation($i: ProjectCreate!) { createProject(input: $i) { id key description } }"


def _sdk_documents() -> list[str]:
    source = Path(adaptive_sdk.__file__).parent / "graphql_client" / "client.py"
    return re.findall(r'gql\(\s*"""(.*?)"""', source.read_text(), re.S)


def test_every_management_document_of_the_sdk_validates_against_the_sdl() -> None:
    schema = build_schema()
    documents = [d for d in _sdk_documents() if "Interaction" not in d.split("(")[0]]
    assert len(documents) > 60
    failures = {d.split("(")[0].strip(): [e.message for e in validate(schema, parse(d))] for d in documents}
    assert {name: errors for name, errors in failures.items() if errors} == {}


def test_projects_hide_archived_by_default_and_null_means_unchanged(emulator) -> None:
    created = data(emulator, PROJECT, {"i": {"name": "P", "key": "p", "team": None, "description": None}})
    assert created["createProject"]["description"] == ""
    update = 'mutation($i: ProjectUpdate!) { updateProject(idOrKey: "p", input: $i) { name isArchived } }'
    data(emulator, update, {"i": {"name": "Renamed", "description": None}})
    archived = data(emulator, update, {"i": {"name": None, "isArchived": True}})["updateProject"]
    assert archived == {"name": "Renamed", "isArchived": True}
    assert data(emulator, "{ projects { key } }")["projects"] == []
    assert data(emulator, "{ projects(filter: {isArchived: true}) { key } }")["projects"] == [{"key": "p"}]
    by_id = data(
        emulator,
        "query($id: IdOrKey!) { project(idOrKey: $id) { key } }",
        {"id": created["createProject"]["id"]},
    )
    assert by_id == {"project": {"key": "p"}}


def test_duplicate_keys_and_missing_references_use_the_real_error_shapes(emulator) -> None:
    data(emulator, PROJECT, {"i": {"name": "P", "key": "p"}})
    message = error(emulator, PROJECT, {"i": {"name": "P", "key": "p"}})
    assert "'p'" in message and "already exists" in message
    missing = error(emulator, PROJECT, {"i": {"name": "Q", "key": "q", "team": "ghost"}})
    assert missing == "EntityNotFound: team 'ghost' not found"
    assert data(emulator, '{ project(idOrKey: "nope") { key } }') == {"project": None}


def test_share_project_replaces_the_whole_list(emulator) -> None:
    data(emulator, PROJECT, {"i": {"name": "P", "key": "p"}})
    data(emulator, 'mutation { createTeam(input: {key: "support", name: "Support"}) { key } }')
    share = """mutation($s: [ProjectShareInput!]!) { shareProject(idOrKey: "p", input: {shares: $s}) {
      shares { team { key } role { key } isOwner } } }"""
    two = [
        {"team": "default", "role": "admin", "isOwner": True},
        {"team": "support", "role": "read-only", "isOwner": False},
    ]
    assert len(data(emulator, share, {"s": two})["shareProject"]["shares"]) == 2
    one = data(emulator, share, {"s": two[1:]})["shareProject"]["shares"]
    assert one == [{"team": {"key": "support"}, "role": {"key": "read-only"}, "isOwner": False}]


def test_every_grader_owns_a_metric_and_unions_carry_typename(emulator) -> None:
    data(emulator, PROJECT, {"i": {"name": "P", "key": "p"}})
    client = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
    client.graders.create.prebuilt_judge(
        key="faithful", type="FAITHFULNESS", judge_model="llama-3.3-70b-instruct", project="p"
    )
    client.graders.create.external_endpoint(key="remote", url="https://grader.example/api", project="p")
    client.graders.create.custom(key="custom", description="by hand", project="p")
    graders = data(
        emulator, """{ graders(project: "p") { key metric { key } graderConfig { __typename } } }"""
    )
    assert {g["key"]: (g["metric"]["key"], g["graderConfig"]["__typename"]) for g in graders["graders"]} == {
        "faithful": ("faithful", "PrebuiltConfigOutput"),
        "remote": ("remote", "RemoteConfigOutput"),
        "custom": ("custom", "CustomConfigOutput"),
    }
    categories = data(emulator, "{ metrics(filter: {categories: [GRADER]}) { key category grader { key } } }")
    assert len(categories["metrics"]) == 3
    not_a_judge = error(
        emulator,
        """mutation { createGrader(project: "p", input: {name: "x", graderType: PREBUILT,
        graderConfig: {prebuilt: {key: FAITHFULNESS, model: "bge-m3"}}}) { key } }""",
    )
    assert "bge-m3" in not_a_judge
    client.graders.lock(grader_key="custom", locked=True, project="p")
    assert "locked" in error(emulator, 'mutation { deleteGrader(project: "p", id: "custom") { success } }')


def test_integration_secrets_are_stored_but_masked(emulator) -> None:
    secret = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"
    created = data(
        emulator,
        """mutation($c: ConnectionConfigInput!) { createIntegration(team: "default",
      input: {name: "alerts", provider: "slack", config: {connection: $c}}) {
      id config { deliveryPolicy connection { __typename ... on SlackConfig { webhookUrl botToken } } }
    } }""",
        {"c": {"slack": {"webhookUrl": secret, "botToken": "xoxb-1234567890-abcdef"}}},
    )
    config = created["createIntegration"]["config"]
    assert secret not in json.dumps(created) and "xoxb-1234567890" not in json.dumps(created)
    assert config["connection"]["webhookUrl"].startswith("****")
    assert config["deliveryPolicy"] == "singleshot"
    renamed = data(
        emulator,
        """mutation($id: UUID!) { updateIntegration(id: $id,
      input: {name: "renamed", config: null, enabled: null}) { name enabled } }""",
        {"id": created["createIntegration"]["id"]},
    )
    assert renamed["updateIntegration"] == {"name": "renamed", "enabled": True}


def test_external_models_derive_their_key_and_hide_the_api_key(emulator) -> None:
    client = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
    model = client.models.add_external(
        name="GPT 4o Judge", external_model_id="gpt-4o", api_key="sk-secret-123", provider="open_ai"
    )
    assert model.key == "gpt-4o-judge"
    read = data(
        emulator, '{ model(idOrKey: "gpt-4o-judge") { harmonyUrl externalProviderData { provider } } }'
    )
    assert "sk-secret-123" not in json.dumps(read)
    again = error(
        emulator,
        """mutation { addExternalModel(input: {name: "gpt 4o judge", provider: OPEN_AI,
      providerData: {openAI: {apiKey: "k", externalModelId: "gpt-4o"}}}) { key } }""",
    )
    assert "already exists" in again
