"""Remote envs through the SDK's generated client (0.14.2 has no ``resources`` class for them):
add, list, remove. The API has no update and no single get; a change is remove + add."""

from __future__ import annotations

import pytest
from adaptive_sdk.graphql_client import RemoteEnvCreate
from adaptive_sdk.graphql_client.enums import RemoteEnvStatus

from .support import API_ERRORS


def _listed(sdk) -> dict[str, object]:
    return {env.key: env for env in sdk._gql_client.list_remote_envs().remote_envs}


def test_add_list_remove(sdk, uniq) -> None:
    key = uniq("env")
    created = sdk._gql_client.add_remote_env(
        RemoteEnvCreate(url="https://reward.example/v1", key=key, name="Reward", description="scores")
    ).add_remote_env
    assert (created.key, created.name, created.url, created.description) == (
        key,
        "Reward",
        "https://reward.example/v1",
        "scores",
    )
    assert isinstance(created.status, RemoteEnvStatus)
    assert created.created_at > 0
    listed = _listed(sdk)[key]
    assert (listed.id, listed.url) == (created.id, created.url)

    message = sdk._gql_client.remove_remote_env(key).remove_remote_env
    assert isinstance(message, str)
    assert key not in _listed(sdk)


def test_name_and_description_are_filled_in_when_omitted(sdk, uniq) -> None:
    key = uniq("env")
    created = sdk._gql_client.add_remote_env(RemoteEnvCreate(url="http://grader.internal:8080", key=key))
    env = created.add_remote_env
    assert env.name  # server-populated (the real server probes the URL)
    assert env.description == ""
    sdk._gql_client.remove_remote_env(env.id)  # by id as well as by key
    assert key not in _listed(sdk)


def test_a_taken_key_and_a_bad_url_are_refused(sdk, uniq) -> None:
    key = uniq("env")
    sdk._gql_client.add_remote_env(RemoteEnvCreate(url="https://a.example", key=key))
    with pytest.raises(API_ERRORS):
        sdk._gql_client.add_remote_env(RemoteEnvCreate(url="https://b.example", key=key))
    assert _listed(sdk)[key].url == "https://a.example"
    with pytest.raises(API_ERRORS):
        sdk._gql_client.add_remote_env(RemoteEnvCreate(url="not a url", key=uniq("bad")))


def test_removing_a_missing_env_fails(sdk, uniq) -> None:
    with pytest.raises(API_ERRORS):
        sdk._gql_client.remove_remote_env(uniq("noenv"))
