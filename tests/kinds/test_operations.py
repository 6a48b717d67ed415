"""Every GraphQL operation a kind sends declares its name (``Operation``), and graphql-core's
parser agrees with the declaration; apply sends that name, so nothing splits documents."""

from __future__ import annotations

import importlib
import pkgutil
from importlib import resources

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate

import adaptive_plan.kinds
from adaptive_plan.kinds._shared import step
from adaptive_plan.kinds.base import Operation


def _declared() -> list[tuple[str, Operation]]:
    found: dict[int, tuple[str, Operation]] = {}
    for info in pkgutil.iter_modules(adaptive_plan.kinds.__path__):
        module = importlib.import_module(f"adaptive_plan.kinds.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, Operation):  # an import of another kind's operation counts once
                found.setdefault(id(value), (f"{info.name}.{name}", value))
    return list(found.values())


DECLARED = _declared()


def test_kinds_declare_their_operations() -> None:
    assert len(DECLARED) > 40  # every create/update/delete/probe document of the eleven kinds


@pytest.mark.parametrize(("where", "operation"), DECLARED, ids=[where for where, _ in DECLARED])
def test_the_declared_name_is_the_parsed_one(where: str, operation: Operation) -> None:
    definitions = [d for d in parse(operation).definitions if isinstance(d, OperationDefinitionNode)]
    assert len(definitions) == 1, where
    assert definitions[0].name is not None and definitions[0].name.value == operation.name, where


@pytest.mark.parametrize(
    "document",
    ["mutation { x }", "{ x }", "# CreateTeam\nmutation Other { x }", "mutation CreateTeams { x }"],
)
def test_a_document_that_does_not_open_with_its_name_is_refused(document: str) -> None:
    with pytest.raises(ValueError, match="CreateTeam"):
        Operation("CreateTeam", document)


def test_a_step_carries_the_declared_name() -> None:
    spec = step("create", Operation("CreateTeam", "mutation CreateTeam { createTeam { id } }"))
    assert (spec.operation, type(spec.document)) == ("CreateTeam", str)



@pytest.fixture(scope="module")
def emulator_schema() -> GraphQLSchema:
    sdl = resources.files("adaptive_plan.emulator").joinpath("schema.graphql").read_text(encoding="utf-8")
    return build_schema(sdl)


@pytest.mark.parametrize(("where", "operation"), DECLARED, ids=[where for where, _ in DECLARED])
def test_every_operation_validates_against_the_emulator_sdl(
    emulator_schema: GraphQLSchema, where: str, operation: Operation
) -> None:
    """Field, argument and input type names as the API has them (the SDL is written from the wheel)."""
    errors = validate(emulator_schema, parse(operation))
    assert not errors, (where, [error.message for error in errors])
