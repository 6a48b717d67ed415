"""Error mapping against the real emulator, and the rule that no error text leaks a secret."""

from __future__ import annotations

import pytest

from adaptive_plan.api import (
    ApiConfigError,
    ApiError,
    AuthError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationError,
)

from .documents import CREATE_PROJECT, CREATE_TEAM, CREATE_USER, LIST_TEAMS


def _assert_safe(error: ApiError, *secrets: str) -> None:
    text = " ".join([str(error), repr(error), error.message, *map(str, error.args)])
    for secret in secrets:
        assert secret not in text
    assert "\n" not in str(error)


def test_bad_key_is_an_auth_error(fresh, make_client) -> None:
    bad_key = "ak_wrong_but_secret_value"
    client = make_client(api_key=bad_key)
    with pytest.raises(AuthError) as caught:
        client.execute(LIST_TEAMS)
    assert caught.value.status == 401
    assert str(caught.value).startswith("ListTeams: HTTP 401: Unauthorized")
    assert client.request_count == 1  # never retried
    _assert_safe(caught.value, bad_key)


def test_duplicate_key_is_a_conflict(fresh, make_client, unique) -> None:
    client = make_client()
    key = unique("twice")
    client.execute(CREATE_TEAM, {"input": {"key": key, "name": key}})
    with pytest.raises(ConflictError) as caught:
        client.execute(CREATE_TEAM, {"input": {"key": key, "name": key}})
    assert caught.value.operation == "CreateTeam" and caught.value.status == 200
    assert "already exists" in caught.value.message
    assert client.request_count == 2  # GraphQL errors are not retried
    _assert_safe(caught.value, fresh.api_key)


def test_missing_reference_is_not_found(fresh, make_client, unique) -> None:
    client = make_client()
    variables = {"input": {"name": "P", "key": unique("proj"), "team": "no-such-team-anywhere"}}
    with pytest.raises(NotFoundError) as caught:
        client.execute(CREATE_PROJECT, variables)
    assert str(caught.value).startswith("CreateProject: EntityNotFound: team")
    _assert_safe(caught.value, fresh.api_key, "no-such-team-anywhere")  # variable values are scrubbed


def test_missing_permission_is_forbidden_and_named(fresh, make_client, unique) -> None:
    admin = make_client()
    email = unique("reader") + "@example.com"
    created = admin.execute(
        CREATE_USER,
        {"input": {"email": email, "name": "Reader", "generateApiKey": True,
                   "teams": [{"team": "default", "role": "read-only"}]}},
    )
    reader_key = created["createUser"]["generatedApiKey"]
    reader = make_client(api_key=reader_key)
    assert reader.execute(LIST_TEAMS)["teams"]
    with pytest.raises(ForbiddenError) as caught:
        reader.execute(CREATE_TEAM, {"input": {"key": unique("nope"), "name": "Nope"}})
    assert caught.value.permission == "team:create"
    _assert_safe(caught.value, reader_key, fresh.api_key)


def test_graphql_validation_errors(fresh, make_client) -> None:
    client = make_client()
    with pytest.raises(ValidationError, match="Cannot query field"):
        client.execute("query Bad { teams { id doesNotExist } }")
    assert client.request_count == 1


def test_bad_variable_value_does_not_echo_it(fresh, make_client) -> None:
    client = make_client()
    secret_value = {"looks": "like-a-secret-token-123"}
    with pytest.raises(ValidationError) as caught:
        client.execute(CREATE_TEAM, {"input": {"key": "k", "name": secret_value}})
    assert "got invalid value" in caught.value.message  # graphql-core would print the value...
    _assert_safe(caught.value, "like-a-secret-token-123", fresh.api_key)  # ...but it is scrubbed


def test_document_errors_are_caught_before_sending(fresh, make_client) -> None:
    client = make_client()
    with pytest.raises(ValidationError, match="invalid GraphQL document"):
        client.execute("query Broken { teams { id ")
    assert client.request_count == 0


def test_wrong_base_url_is_a_config_error(fresh, make_client) -> None:
    client = make_client()
    wrong = type(client)(fresh.url + "/not-here", fresh.api_key)
    try:
        with pytest.raises(ApiConfigError, match="no GraphQL endpoint"):
            wrong.execute(LIST_TEAMS)
    finally:
        wrong.close()


def test_rest_not_found_and_success(fresh, make_client) -> None:
    client = make_client()
    with pytest.raises(NotFoundError) as caught:
        client.rest("GET", "/datasets/missing-dataset/download")
    assert caught.value.status == 404
    assert str(caught.value).startswith("GET /api/v1/datasets/missing-dataset/download: HTTP 404")
    response = client.rest("POST", "upload/init", json={"content_type": "application/jsonl",
                                                         "metadata": None, "total_parts_count": 1})
    assert response.json()["session_id"]


CREATE_ROLE = """
mutation CreateRole($input: RoleCreate!) { createRole(input: $input) { id key permissions } }
"""


def test_invalid_input_naming_a_permission_is_validation(fresh, make_client, unique) -> None:
    client = make_client()
    variables = {"input": {"key": unique("role"), "name": "R", "permissions": ["nosuch:thing"]}}
    with pytest.raises(ValidationError) as caught:
        client.execute(CREATE_ROLE, variables)
    assert caught.value.message.startswith("Invalid input: unknown permission")
