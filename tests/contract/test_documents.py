"""Every GraphQL document the SDK can send (``graphql_client/client.py``) validates against the
emulator's SDL, so no SDK operation can fail on an unknown field, argument or type.

Interactions (``completions``, ``completionsGrouped``, ``completion``) are outside the API surface
the tool manages, so the emulator does not serve them; they are listed here explicitly.
"""

from __future__ import annotations

import ast
import inspect
from importlib import resources

import adaptive_sdk.graphql_client.client as sdk_client
import pytest
from graphql import build_schema, parse, validate

OUT_OF_SCOPE = {"describe_interaction", "list_interactions", "list_grouped_interactions"}


def _literal(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal(value) for value in node.values)
    return ""


def _sdk_documents() -> dict[str, str]:
    """Method name -> the document it sends, read from the sync client's ``gql("...")`` calls."""
    tree = ast.parse(inspect.getsource(sdk_client))
    documents: dict[str, str] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for call in ast.walk(function):
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "gql":
                documents[function.name] = "".join(_literal(arg) for arg in call.args)
    return documents


DOCUMENTS = _sdk_documents()


@pytest.fixture(scope="module")
def emulator_schema():
    sdl = resources.files("adaptive_plan.emulator").joinpath("schema.graphql").read_text(encoding="utf-8")
    return build_schema(sdl)


def test_the_sdk_documents_were_found() -> None:
    assert len(DOCUMENTS) >= 70
    assert {"create_project", "create_grader", "load_dataset", "update_model"} <= set(DOCUMENTS)


@pytest.mark.parametrize("method", sorted(set(DOCUMENTS) - OUT_OF_SCOPE))
def test_sdk_document_validates_against_the_emulator_sdl(emulator_schema, method: str) -> None:
    errors = validate(emulator_schema, parse(DOCUMENTS[method]))
    assert not errors, [error.message for error in errors]
