"""The live reader against the real emulator: two round-trip levels however large the state,
scoped results split back per project and team, archived projects, catalog, fingerprints,
and the one download per recipe uploaded without adaptive-plan's hash label."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.emulator.server import run_emulator
from adaptive_plan.kinds import KINDS
from adaptive_plan.kinds.integration import CREATE_INTEGRATION
from adaptive_plan.kinds.metric import CREATE_METRIC
from adaptive_plan.kinds.project import CREATE_PROJECT, UPDATE_PROJECT
from adaptive_plan.kinds.recipe import CREATE_RECIPE, HASH_LABEL, SERVER_HASH_LABEL, UPDATE_RECIPE
from adaptive_plan.kinds.share import SHARE_PROJECT
from adaptive_plan.kinds.team import CREATE_TEAM
from adaptive_plan.live.batch import FIRST_OPERATION, MAX_DOCUMENT_BYTES, SCOPED_OPERATION
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.model.address import Address
from adaptive_plan.model.recipe_content import digest

PROJECTS = 50
TEAMS = ("alpha", "beta", "gamma")
RECIPE = b"def main():\n    return 1\n"
RECIPE_HASH = digest([("train.py", RECIPE)])


def _upload_recipe(client: AdaptiveClient, project: str, key: str, labels: list[dict]) -> None:
    """Upload as adaptive-plan does: with the hash label, then the server's contentHash beside it."""
    created = client.execute(
        CREATE_RECIPE,
        {"project": project, "input": {"key": key, "name": key.title(), "labels": labels}, "file": None},
        uploads={"file": ("train.py", RECIPE, "text/x-python")},
    )
    if labels:
        server = {"key": SERVER_HASH_LABEL, "value": created["createCustomRecipe"]["contentHash"]}
        variables = {"project": project, "id": key, "input": {"labels": [*labels, server]}, "file": None}
        client.execute(UPDATE_RECIPE, variables)


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[object, AdaptiveClient]]:
    """50 projects, each with a share, a metric and a recipe; three teams with an integration each."""
    with run_emulator() as emu, AdaptiveClient(emu.url, emu.api_key) as client:
        for team in TEAMS:
            client.execute(CREATE_TEAM, {"input": {"key": team, "name": team.title()}})
            slack = {"slack": {"webhookUrl": f"https://hooks.example/{team}"}}
            client.execute(
                CREATE_INTEGRATION,
                {
                    "team": team,
                    "input": {"name": f"{team}-alerts", "provider": "slack", "config": {"connection": slack}},
                },
            )
        for index in range(PROJECTS):
            key = f"p{index:02d}"
            client.execute(CREATE_PROJECT, {"input": {"key": key, "name": key.upper()}})
            shares = [
                {"team": "default", "role": "admin", "isOwner": True},
                {"team": TEAMS[index % 3], "role": "editor", "isOwner": False},
            ]
            client.execute(SHARE_PROJECT, {"idOrKey": key, "input": {"shares": shares}})
            client.execute(
                CREATE_METRIC, {"project": key, "input": {"key": "csat", "name": "CSAT", "kind": "SCALAR"}}
            )
            _upload_recipe(client, key, "train", [{"key": HASH_LABEL, "value": RECIPE_HASH}])
        client.execute(UPDATE_PROJECT, {"idOrKey": "p49", "input": {"isArchived": True}})
        yield emu, client


def test_fifty_projects_with_children_are_read_in_one_request_then_bounded_documents(big) -> None:
    emu, client = big
    emu.stats.reset()
    before_client = client.request_count
    live = read_live_state(client, KINDS)
    scoped = emu.stats.sizes(SCOPED_OPERATION)
    assert emu.stats.operations[0] == FIRST_OPERATION
    assert emu.stats.operations.count(FIRST_OPERATION) == 1 and len(scoped) >= 1
    assert client.request_count - before_client == emu.stats.http_requests == 1 + len(scoped)
    assert all(body <= MAX_DOCUMENT_BYTES + 100 for body, _ in scoped)
    kinds = {}
    for resource in live.resources.values():
        kinds[resource.kind] = kinds.get(resource.kind, 0) + 1
    assert kinds["project"] == PROJECTS and kinds["share"] == PROJECTS
    assert kinds["metric"] == PROJECTS and kinds["recipe"] == PROJECTS
    assert kinds["integration"] == len(TEAMS)


def test_scoped_results_land_under_their_own_project_and_team(big) -> None:
    _, client = big
    live = read_live_state(client, KINDS)
    for index in (0, 17, 49):
        project = Address("project", f"p{index:02d}")
        assert live.get(project.child("recipe", "train")) is not None
        assert live.get(project.child("share", TEAMS[index % 3])).attrs == {"role": "editor"}
    for team in TEAMS:
        integration = live.get(Address("integration", f"{team}/{team}-alerts"))
        assert integration is not None and integration.identity["team"] == team


def test_documents_of_any_bound_read_the_same_state(big) -> None:
    emu, client = big
    whole = read_live_state(client, KINDS, max_document_bytes=10**9)
    emu.stats.reset()
    split = read_live_state(client, KINDS, max_document_bytes=800)
    scoped = emu.stats.sizes(SCOPED_OPERATION)
    assert len(scoped) > 10, "the grader fragment alone is most of 800 bytes: a few projects per document"
    assert max(body for body, _ in scoped) < 800 + 100
    assert split.fingerprints == whole.fingerprints
    assert split.resources == whole.resources


def test_archived_projects_are_read_and_catalogued(big) -> None:
    _, client = big
    live = read_live_state(client, KINDS)
    assert live.get(Address("project", "p49")).attrs["archived"] is True
    assert live.get(Address("project", "p49").child("recipe", "train")) is not None
    assert {"a100-pool", "h100-pool"} <= set(live.catalog["compute_pools"])
    assert "project:share" in live.catalog["permissions"]
    assert "llama-3.1-8b-instruct" in live.catalog["models"]
    assert set(TEAMS) | {"default"} <= set(live.catalog["teams"])


def test_fingerprints_are_stable_and_change_with_the_object(big) -> None:
    _, client = big
    first = read_live_state(client, KINDS).fingerprints
    assert first == read_live_state(client, KINDS).fingerprints
    assert len(first["project.p03"]) == 64
    client.execute(UPDATE_PROJECT, {"idOrKey": "p03", "input": {"description": "changed"}})
    second = read_live_state(client, KINDS).fingerprints
    assert second["project.p03"] != first["project.p03"]
    assert second["project.p04"] == first["project.p04"]


def test_an_empty_instance_needs_only_the_scoped_teams_request() -> None:
    with run_emulator() as emu, AdaptiveClient(emu.url, emu.api_key) as client:
        live = read_live_state(client, KINDS)
        assert client.request_count == 2  # the built-in team `default` is read per team
        assert live.of_kind("project") == []
        project_only = [kind for kind in KINDS if kind.live_scope != "team"]
        read_live_state(client, [kind for kind in project_only if kind.name in ("team", "project", "recipe")])
        assert client.request_count == 3  # no project: no request 2


def test_recipes_without_the_hash_label_are_downloaded_once_each_and_hashed() -> None:
    with run_emulator() as emu, AdaptiveClient(emu.url, emu.api_key) as client:
        client.execute(CREATE_PROJECT, {"input": {"key": "p", "name": "P"}})
        _upload_recipe(client, "p", "labelled", [{"key": HASH_LABEL, "value": RECIPE_HASH}])
        for key in ("by-sdk", "by-hand"):
            _upload_recipe(client, "p", key, [])
        before = emu.stats.http_requests
        live = read_live_state(client, KINDS)
        assert emu.stats.http_requests - before == 2 + 2, "two GraphQL requests, one download per unlabelled"
        hashes = {r.address.key: r.attrs["content_hash"] for r in live.of_kind("recipe")}
        assert hashes == {"labelled": RECIPE_HASH, "by-sdk": RECIPE_HASH, "by-hand": RECIPE_HASH}

        client.execute(
            UPDATE_RECIPE,
            {"project": "p", "id": "by-hand", "input": {}, "file": None},
            uploads={"file": ("train.py", b"def main():\n    return 2\n", "text/x-python")},
        )
        changed = read_live_state(client, KINDS).get(Address("project", "p").child("recipe", "by-hand"))
        assert changed is not None and changed.attrs["content_hash"] not in (None, RECIPE_HASH)
