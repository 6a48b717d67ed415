"""Auth: 401 JSON for a missing or unknown key; a GraphQL error naming a missing permission."""

from __future__ import annotations

import httpx

from tests.emulator.conftest import data, error


def test_missing_and_unknown_keys_get_401_json(emulator) -> None:
    body = {"query": "{ projects { key } }"}
    for headers in ({}, {"Authorization": "Bearer not-a-key"}, {"Authorization": "Basic abc"}):
        response = httpx.post(f"{emulator.url}/api/graphql", json=body, headers=headers)
        assert response.status_code == 401
        assert "Unauthorized" in response.json()["error"]


def test_read_only_service_account_is_refused_writes_naming_the_permission(emulator) -> None:
    created = data(
        emulator,
        """mutation($input: UserCreate!) { createUser(input: $input) { user { email } generatedApiKey } }""",
        {
            "input": {
                "name": "ci-bot",
                "teams": [{"team": "default", "role": "read-only"}],
                "userType": "SYSTEM",
                "generateApiKey": True,
            }
        },
    )["createUser"]
    assert created["user"]["email"] == "ci-bot@system.adaptive.local"
    key = created["generatedApiKey"]
    assert data(emulator, "{ projects { key } }", key=key) == {"projects": []}
    message = error(emulator, 'mutation { createProject(input: {name: "x"}) { key } }', key=key)
    assert "project:create" in message
    assert data(emulator, "{ projects { key } }") == {"projects": []}  # nothing was written


def test_deleted_user_key_stops_working(emulator) -> None:
    key = data(
        emulator,
        "mutation($input: UserCreate!) { createUser(input: $input) { generatedApiKey } }",
        {"input": {"name": "temp", "teams": [], "userType": "SYSTEM", "generateApiKey": True}},
    )["createUser"]["generatedApiKey"]
    data(emulator, 'mutation { deleteUser(user: "temp@system.adaptive.local") { deleted } }')
    response = httpx.post(
        f"{emulator.url}/api/graphql",
        json={"query": "{ me { email } }"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 401
