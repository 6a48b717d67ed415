"""Authentication: a wrong bearer key is HTTP 401, which the SDK raises as GraphQLClientHttpError."""

from __future__ import annotations

import pytest
from adaptive_sdk.graphql_client.exceptions import GraphQLClientHttpError


def test_bad_api_key_is_rejected_with_401(make_client) -> None:
    client = make_client(api_key="not-a-valid-key")
    with pytest.raises(GraphQLClientHttpError) as info:
        client.projects.list()
    assert info.value.status_code == 401


def test_bad_api_key_is_rejected_on_mutations_too(make_client, uniq) -> None:
    client = make_client(api_key="not-a-valid-key")
    with pytest.raises(GraphQLClientHttpError) as info:
        client.teams.create(key=uniq("team"))
    assert info.value.status_code == 401


def test_good_api_key_identifies_the_caller(sdk) -> None:
    me = sdk.users.me()
    assert me is not None
    assert me.email
    assert me.id
