"""Several calls of one mutation sent as one GraphQL document, and its answer split per call.

Apply sends many independent calls of the same operation at once (every project's
``createMetric``, ``createGrader``, ...). GraphQL lets one document hold many root fields,
executed one after another by the server, so ``merge`` turns n calls of one operation into

    mutation CreateMetric($b0_project: IdOrKey!, $b0_input: MetricCreate!, $b1_project: ...) {
      b0_createMetric: createMetric(project: $b0_project, input: $b0_input) { id key }
      b1_createMetric: createMetric(project: $b1_project, input: $b1_input) { id key }
    }

with the same operation name, field names, argument names and input types as each call
alone: only aliases and variable names are added. ``split`` reads the answer back per call.

What a batch's answer can say about each call (``Outcome``):
- its aliased field has data: done, with that data as the call's own response;
- an error's ``path`` starts at its alias: it failed, with the server's message;
- neither (a request-level error, or ``data: null`` because another call's non-null field
  failed, which stops the server's serial execution): unknown. The caller runs those calls
  again alone, probing first when a re-send could duplicate.

``template`` parses each distinct document once (cached) and refuses documents a batch cannot
hold safely: not a single named mutation, fragment spreads, or a ``$`` inside a string literal
(variables are renamed by text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor

_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Template:
    """One mutation, ready to be repeated under a prefix: its variable definitions and root
    fields as text (``$name`` references renamed by ``render``)."""

    name: str
    variables: tuple[str, ...]  # "$input: MetricCreate!" ...
    fields: tuple[tuple[str, str], ...]  # (response key, printed field without alias)

    def render(self, prefix: str) -> tuple[str, str]:
        """(variable definitions, root fields) with every ``$x`` renamed ``$<prefix>x`` and each
        root field aliased ``<prefix><response key>``."""
        rename = rf"${prefix}\1"
        definitions = ", ".join(_VARIABLE.sub(rename, text) for text in self.variables)
        fields = " ".join(f"{prefix}{key}: {_VARIABLE.sub(rename, text)}" for key, text in self.fields)
        return definitions, fields


class _Unsafe(Visitor):
    """Finds what text renaming cannot handle: fragment spreads and ``$`` inside strings."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.found = True

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.found = self.found or "$" in node.value


@lru_cache(maxsize=256)
def template(document: str) -> Template | None:
    """The batch template of ``document``, or None when it cannot be batched."""
    try:
        tree = parse(document, no_location=True)
    except GraphQLSyntaxError:
        return None
    if len(tree.definitions) != 1 or not isinstance(tree.definitions[0], OperationDefinitionNode):
        return None
    operation = tree.definitions[0]
    if operation.operation is not OperationType.MUTATION or operation.name is None:
        return None
    unsafe = _Unsafe()
    visit(operation, unsafe)
    roots = operation.selection_set.selections
    if unsafe.found or not roots or not all(isinstance(node, FieldNode) for node in roots):
        return None
    fields = []
    for node in roots:
        assert isinstance(node, FieldNode)
        key = node.alias.value if node.alias else node.name.value
        fields.append((key, print_ast(FieldNode(
            name=node.name, arguments=node.arguments, directives=node.directives,
            selection_set=node.selection_set,
        ))))
    definitions = tuple(print_ast(definition) for definition in operation.variable_definitions or ())
    return Template(operation.name.value, definitions, tuple(fields))


def prefix_of(index: int) -> str:
    return f"b{index}_"


def merge(document: str, calls: Sequence[Mapping[str, Any]]) -> tuple[str, str, dict[str, Any]]:
    """The operation name, one document and its variables for ``calls`` (each call's
    variables) of ``document``."""
    shape = template(document)
    if shape is None:
        raise ValueError("this document cannot be batched")
    definitions, fields, variables = [], [], {}
    for index, call in enumerate(calls):
        prefix = prefix_of(index)
        defined, selected = shape.render(prefix)
        if defined:
            definitions.append(defined)
        fields.append(selected)
        variables.update({prefix + name: value for name, value in call.items()})
    arguments = f"({', '.join(definitions)})" if definitions else ""
    return shape.name, f"mutation {shape.name}{arguments} {{ {' '.join(fields)} }}", variables


@dataclass(frozen=True)
class Outcome:
    """What the batch's answer says of one call: ``data`` (done), ``errors`` (failed), or
    neither (unknown: run it again alone)."""

    data: dict[str, Any] | None = None
    errors: tuple[dict[str, Any], ...] = ()

    @property
    def known(self) -> bool:
        return self.data is not None or bool(self.errors)


def split(document: str, count: int, body: Mapping[str, Any]) -> list[Outcome]:
    """Each call's outcome from the batch's GraphQL answer ``body`` (``data``/``errors``)."""
    shape = template(document)
    assert shape is not None
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    errors = [error for error in body.get("errors") or () if isinstance(error, dict)]
    outcomes = []
    for index in range(count):
        prefix = prefix_of(index)
        aliases = {prefix + key: key for key, _ in shape.fields}
        mine = tuple(error for error in errors if _first_path(error) in aliases)
        if mine:
            outcomes.append(Outcome(errors=mine))
        elif all(data.get(alias) is not None for alias in aliases):
            outcomes.append(Outcome(data={key: data[alias] for alias, key in aliases.items()}))
        else:
            outcomes.append(Outcome())
    return outcomes


def any_call_named(body: Mapping[str, Any]) -> bool:
    """Whether the answer says anything of a call: some data, or an error with a path."""
    errors = [error for error in body.get("errors") or () if isinstance(error, dict)]
    return isinstance(body.get("data"), dict) or any(_first_path(error) is not None for error in errors)


def _first_path(error: Mapping[str, Any]) -> Any:
    path = error.get("path")
    return path[0] if isinstance(path, list) and path else None
