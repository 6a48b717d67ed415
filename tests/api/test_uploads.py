"""Multipart uploads (GraphQL multipart request spec) against the real emulator."""

from __future__ import annotations

import pytest

from adaptive_plan.api import ServerError

from .documents import CREATE_PROJECT, CREATE_RECIPE, GET_RECIPE

RECIPE = b"from adaptive_harmony import recipe\n\n@recipe\ndef main(ctx):\n    return 42\n"


@pytest.fixture
def project(make_client, unique) -> str:
    key = unique("uploads")
    make_client().execute(CREATE_PROJECT, {"input": {"name": key, "key": key}})
    return key


def _variables(project: str, key: str) -> dict:
    input_ = {"name": key, "key": key, "description": None, "labels": None,
              "entrypoint": None, "configEntrypoint": None}
    return {"project": project, "input": input_, "file": None}


def test_recipe_upload_round_trips(fresh, make_client, project, unique) -> None:
    client = make_client()
    key = unique("recipe")
    data = client.execute(
        CREATE_RECIPE, _variables(project, key), idempotent=False,
        uploads={"file": ("my_recipe.py", RECIPE, "text/x-python")},
    )
    assert data["createCustomRecipe"]["key"] == key
    read = client.execute(GET_RECIPE, {"idOrKey": key, "project": project})["customRecipe"]
    assert read["content"].encode() == RECIPE
    assert client.request_count == 2


def test_upload_is_resent_on_5xx_when_idempotent(fresh, make_client, project, unique) -> None:
    client = make_client()
    key = unique("recipe")
    fresh.faults.fail_operation("CreateCustomRecipe", times=1, status=503)
    data = client.execute(
        CREATE_RECIPE, _variables(project, key), uploads={"file": ("r.py", RECIPE, "text/x-python")}
    )
    assert data["createCustomRecipe"]["key"] == key
    assert client.request_count == 2  # the multipart body was rebuilt and re-sent intact


def test_upload_failure_is_an_error(fresh, make_client, project, unique) -> None:
    client = make_client()
    fresh.faults.fail_operation("CreateCustomRecipe", times=9, status=500)
    with pytest.raises(ServerError):
        client.execute(
            CREATE_RECIPE, _variables(project, unique("recipe")),
            uploads={"file": ("r.py", RECIPE, "text/x-python")},
        )
