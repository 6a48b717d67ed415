"""Model services through the SDK: attach, add_to_project, deploy, update, detach, terminate.

A model service is a registry model bound to and deployed in a project. Each test uses fresh
external models, because detaching may delete an unbound model from the registry.
"""

from __future__ import annotations

import pytest
from adaptive_sdk.graphql_client import ModelServiceData
from adaptive_sdk.graphql_client.enums import ModelOnline


def _services(sdk, project: str) -> dict[str, ModelServiceData]:
    fetched = sdk.projects.get(project)
    assert fetched is not None
    return {service.model.key: service for service in fetched.model_services}


def test_attach_binds_and_deploys(sdk, project, external_model) -> None:
    service = sdk.models.attach(model=external_model, project=project, wait=True)
    assert isinstance(service, ModelServiceData)
    assert service.model.key == external_model
    assert service.key == external_model
    assert service.desired_online is True
    services = _services(sdk, project)
    assert services[external_model].id == service.id
    assert services[external_model].model.online == ModelOnline.ONLINE
    model = sdk.models.get(external_model)
    assert model is not None
    assert model.online == ModelOnline.ONLINE


def test_attach_make_default_uses_the_client_default_project(make_client, project, external_model) -> None:
    client = make_client(default_project=project)
    service = client.models.attach(model=external_model, make_default=True)
    assert service.is_default is True
    assert _services(client, project)[external_model].is_default is True


def test_add_to_project_then_deploy(sdk, project, external_model) -> None:
    assert sdk.models.add_to_project(model=external_model, project=project) is True
    deployed = sdk.models.deploy(model=external_model, project=project, wait=True, num_draft_steps=3)
    assert deployed.model.key == external_model
    assert deployed.desired_online is True
    assert external_model in _services(sdk, project)


def test_add_to_project_of_a_missing_model_fails(sdk, project, uniq) -> None:
    # The SDK raises a plain Exception when success is false, or a GraphQL error type; either is a refusal.
    with pytest.raises(Exception):  # noqa: B017
        sdk.models.add_to_project(model=uniq("nomodel"), project=project)
    assert not any(key.startswith("nomodel") for key in _services(sdk, project))


def test_deploy_with_placement(sdk, project, external_model) -> None:
    pool = sdk.compute_pools.list()[0].key
    sdk.models.add_to_project(model=external_model, project=project)
    deployed = sdk.models.deploy(
        model=external_model, project=project, placement={"compute_pools": [pool], "max_ttft_ms": 500}
    )
    assert deployed.model.key == external_model
    updated = sdk.models.update(model=external_model, project=project, placement={"compute_pools": [pool]})
    assert updated.model.key == external_model


def test_update_default_and_desired_online(sdk, project, add_external_model) -> None:
    first, second = add_external_model("first"), add_external_model("second")
    sdk.models.attach(model=first, project=project)
    sdk.models.attach(model=second, project=project)

    promoted = sdk.models.update(model=first, project=project, is_default=True)
    assert promoted.is_default is True
    assert _services(sdk, project)[first].is_default is True

    switched = sdk.models.update(model=second, project=project, is_default=True)
    assert switched.is_default is True
    services = _services(sdk, project)
    assert (services[first].is_default, services[second].is_default) == (False, True)

    offline = sdk.models.update(model=second, project=project, desired_online=False)
    assert offline.desired_online is False
    assert offline.is_default is True  # explicit null for is_default means "unchanged"
    assert _services(sdk, project)[second].desired_online is False

    demoted = sdk.models.update(model=second, project=project, is_default=False)
    assert demoted.is_default is False
    assert demoted.desired_online is False


def test_detach_removes_the_binding(sdk, project, external_model) -> None:
    sdk.models.attach(model=external_model, project=project)
    assert external_model in _services(sdk, project)
    assert sdk.models.detach(model=external_model, project=project) is True
    assert external_model not in _services(sdk, project)


def test_detach_keeps_a_model_bound_elsewhere(sdk, project, external_model, uniq) -> None:
    other = uniq("proj2")
    sdk.projects.create(key=other)
    sdk.models.attach(model=external_model, project=project)
    sdk.models.attach(model=external_model, project=other)
    assert sdk.models.detach(model=external_model, project=project) is True
    assert sdk.models.get(external_model) is not None
    assert external_model in _services(sdk, other)


def test_attach_internal_model_comes_online(sdk, project, internal_model) -> None:
    service = sdk.models.attach(model=internal_model, project=project, wait=True)
    assert service.model.key == internal_model
    assert service.model.is_external is False
    assert service.model.online == ModelOnline.ONLINE
    model = sdk.models.get(internal_model)
    assert model is not None
    assert model.online == ModelOnline.ONLINE


def test_terminate_takes_the_model_offline(sdk, project, internal_model, uniq) -> None:
    other = uniq("proj2")
    sdk.projects.create(key=other)
    sdk.models.attach(model=internal_model, project=project, wait=True)
    sdk.models.attach(model=internal_model, project=other, wait=True)
    message = sdk.models.terminate(model=internal_model, force=True)
    assert isinstance(message, str)
    model = sdk.models.get(internal_model)
    assert model is not None
    assert model.online == ModelOnline.OFFLINE
    assert _services(sdk, project)[internal_model].desired_online is False
    assert _services(sdk, other)[internal_model].desired_online is False
