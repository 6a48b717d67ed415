"""Model services: PENDING -> ONLINE after the deploy delay, ``wait: true`` blocks, placement,
terminate refusing several projects without force, detach deleting an unpublished model."""

from __future__ import annotations

import time

import pytest

from adaptive_plan.emulator.server import run_emulator
from tests.emulator.conftest import data, error

DEPLOY = """mutation($input: DeployModelInput!) {
  deployModel(input: $input) {
    modelService { key status isDefault placement { computePools maxTtftMs } }
    warnings
  }
}"""
STATUS = '{ project(idOrKey: "p") { modelServices { key status } } }'


def _project(emulator, key: str = "p") -> None:
    data(
        emulator,
        "mutation($i: ProjectCreate!) { createProject(input: $i) { key } }",
        {"i": {"name": key, "key": key}},
    )


@pytest.fixture
def slow_emulator():
    with run_emulator(deploy_delay=0.3) as emulator:
        _project(emulator)
        yield emulator


def test_deployment_is_pending_then_online(slow_emulator) -> None:
    deployed = data(slow_emulator, DEPLOY, {"input": {"project": "p", "model": "qwen3-8b"}})["deployModel"]
    assert deployed["modelService"]["status"] == "PENDING"
    assert deployed["modelService"]["isDefault"] is True  # first service of the project
    time.sleep(0.35)
    assert data(slow_emulator, STATUS)["project"]["modelServices"] == [
        {"key": "qwen3-8b", "status": "ONLINE"}
    ]


def test_wait_true_blocks_until_online(slow_emulator) -> None:
    started = time.perf_counter()
    variables = {
        "input": {
            "project": "p",
            "model": "qwen3-8b",
            "wait": True,
            "placement": {"computePools": ["h100-pool"], "maxTtftMs": 500},
            "speculativeDecoding": {"numDraftSteps": 3},
        }
    }
    service = data(slow_emulator, DEPLOY, variables)["deployModel"]["modelService"]
    assert time.perf_counter() - started >= 0.28
    assert service["status"] == "ONLINE"
    assert service["placement"] == {"computePools": ["h100-pool"], "maxTtftMs": 500}


def test_unknown_compute_pool_is_entity_not_found(emulator) -> None:
    _project(emulator)
    variables = {"input": {"project": "p", "model": "qwen3-8b", "placement": {"computePools": ["nope"]}}}
    assert error(emulator, DEPLOY, variables).startswith("EntityNotFound: compute pool 'nope'")


def test_terminate_refuses_several_projects_unless_forced(emulator) -> None:
    for key in ("a", "b"):
        _project(emulator, key)
        data(emulator, DEPLOY, {"input": {"project": key, "model": "qwen3-8b"}})
    terminate = 'mutation($f: Boolean!) { terminateModel(idOrKey: "qwen3-8b", force: $f) }'
    assert "force" in error(emulator, terminate, {"f": False})
    assert data(emulator, terminate, {"f": True})["terminateModel"]
    services = data(emulator, '{ project(idOrKey: "a") { modelServices { desiredOnline status } } }')
    assert services["project"]["modelServices"] == [{"desiredOnline": False, "status": "TURNED_OFF"}]


def test_detach_deletes_an_unpublished_model_bound_nowhere_else(emulator) -> None:
    _project(emulator)
    data(emulator, 'mutation { addModel(input: {path: "s3://m", name: "Mine", key: "mine"}) { key } }')
    data(emulator, DEPLOY, {"input": {"project": "p", "model": "mine"}})
    data(emulator, DEPLOY, {"input": {"project": "p", "model": "qwen3-8b"}})
    detach = 'mutation($m: IdOrKey!) { removeModelFromProject(input: {project: "p", model: $m}) }'
    assert data(emulator, detach, {"m": "mine"})["removeModelFromProject"] is True
    assert data(emulator, '{ model(idOrKey: "mine") { key } }')["model"] is None
    data(emulator, detach, {"m": "qwen3-8b"})  # published base model survives
    assert data(emulator, '{ model(idOrKey: "qwen3-8b") { key } }')["model"] == {"key": "qwen3-8b"}
    inactive = data(
        emulator, '{ project(idOrKey: "p") { modelServices(filter: {activeOnly: false}) { key } } }'
    )
    assert [s["key"] for s in inactive["project"]["modelServices"]] == ["qwen3-8b"]
    assert data(emulator, STATUS)["project"]["modelServices"] == []


def test_default_is_unique_per_project(emulator) -> None:
    _project(emulator)
    for model in ("qwen3-8b", "llama-3.1-8b-instruct"):
        data(emulator, DEPLOY, {"input": {"project": "p", "model": model}})
    update = """mutation { updateModelService(input: {project: "p",
      modelService: "llama-3.1-8b-instruct", isDefault: true, desiredOnline: null, placement: null,
      speculativeDecoding: null}) { key isDefault } }"""
    assert data(emulator, update)["updateModelService"] == {"key": "llama-3.1-8b-instruct", "isDefault": True}
    services = data(emulator, '{ project(idOrKey: "p") { modelServices { key isDefault } } }')
    assert {s["key"]: s["isDefault"] for s in services["project"]["modelServices"]} == {
        "qwen3-8b": False,
        "llama-3.1-8b-instruct": True,
    }
