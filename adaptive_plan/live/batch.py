"""The two GraphQL documents of a live read, and splitting request 2's answer back per scope.

Request 1 (``query LiveState``) is every kind's ``live_query`` plus the reader's own fields
(aliased ``reader_*``): project keys (active and archived), team keys, compute pools,
permissions. Request 2 (``query LiveScoped``) repeats each scoped kind's ``scoped_query``
once per project or team key, with ``$KEY`` replaced by the JSON-quoted key and every
top-level field aliased ``p<i>__<name>`` (projects) or ``t<i>__<name>`` (teams), where
``<name>`` is the field's own alias or, when it has none, the kind's name. The answer is
split back into ``per_scope[scope][key][name]``.

Each kind's scoped fields go through graphql-core's AST once (parsed, aliased, printed with
placeholders); per key, the placeholders are replaced by the prefix and the JSON-quoted key,
which is a valid GraphQL string literal, so a key can never break the syntax.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from graphql import FieldNode, NameNode, OperationDefinitionNode, parse, print_ast

from adaptive_plan.kinds.base import Kind

PREFIX = {"project": "p", "team": "t"}
READER_FIELDS = (
    "reader_active: projects(filter: {isArchived: false}) { key } "
    "reader_archived: projects(filter: {isArchived: true}) { key } "
    "reader_teams: teams { key } "
    "reader_pools: computePools { id key } "
    "reader_permissions: permissions"
)


def first_document(kinds: Sequence[Kind]) -> str:
    """``query LiveState { ... }``: the reader's fields and every kind's ``live_query``."""
    parts = [READER_FIELDS, *(kind.live_query for kind in kinds if kind.live_query.strip())]
    return print_ast(parse("query LiveState { " + "\n".join(parts) + " }", no_location=True))


def scope_keys(first: Mapping[str, Any]) -> dict[str, list[str]]:
    """Project keys (active, then archived) and team keys learned from request 1."""
    projects = [p["key"] for alias in ("reader_active", "reader_archived") for p in first.get(alias) or []]
    teams = [t["key"] for t in first.get("reader_teams") or []]
    return {"project": list(dict.fromkeys(projects)), "team": list(dict.fromkeys(teams))}


def second_document(kinds: Sequence[Kind], keys: Mapping[str, Sequence[str]]) -> str | None:
    """``query LiveScoped { ... }`` or None when no kind has anything to read per scope."""
    fields: list[str] = []
    for kind in kinds:
        if not kind.live_scope or not kind.scoped_query.strip():
            continue
        template = _scoped_template(kind)
        for index, key in enumerate(keys.get(kind.live_scope, ())):
            prefix = PREFIX[kind.live_scope] + str(index)
            fields.append(template.replace(_ALIAS + "__", prefix + "__").replace(_KEY, json.dumps(key)))
    if not fields:
        return None
    return "query LiveScoped {\n" + "\n".join(fields) + "\n}"


# Placeholders of the printed templates (see the module docstring); both are short, so
# print_ast lays the fields out as it would with real keys.
_ALIAS = "Q0"
_KEY_VALUE = "\x01"  # printed as "\u0001"; a control character never appears in a query
_KEY = json.dumps(_KEY_VALUE)


def _scoped_template(kind: Kind) -> str:
    cached = _TEMPLATES.get(kind.name)
    if cached is None or cached[0] != kind.scoped_query:
        document = parse("{ __typename }", no_location=True)
        operation = document.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        operation.selection_set.selections = tuple(_scoped_fields(kind, _ALIAS, _KEY_VALUE))
        body = print_ast(document)  # "{\n  field...\n}": keep the indented middle
        cached = _TEMPLATES[kind.name] = (kind.scoped_query, body[2:-2])
    return cached[1]


_TEMPLATES: dict[str, tuple[str, str]] = {}


def _scoped_fields(kind: Kind, prefix: str, key: str) -> list[FieldNode]:
    text = kind.scoped_query.replace("$KEY", json.dumps(key))
    operation = parse("{ " + text + " }", no_location=True).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    fields = []
    for node in operation.selection_set.selections:
        if not isinstance(node, FieldNode):
            raise ValueError(f"{kind.name}: scoped_query must hold fields only")
        name = node.alias.value if node.alias else kind.name
        node.alias = NameNode(value=f"{prefix}__{name}")
        fields.append(node)
    return fields


def split_scoped(
    data: Mapping[str, Any], keys: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Request 2's answer as ``per_scope[scope][key][name]``."""
    by_prefix = {letter: scope for scope, letter in PREFIX.items()}
    per_scope: dict[str, dict[str, dict[str, Any]]] = {scope: {} for scope in PREFIX}
    for alias, value in data.items():
        head, _, name = alias.partition("__")
        scope = by_prefix.get(head[:1])
        if scope is None or not name or not head[1:].isdigit():
            continue
        scope_key = keys[scope][int(head[1:])]
        per_scope[scope].setdefault(scope_key, {})[name] = value
    return per_scope
