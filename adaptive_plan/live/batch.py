"""The GraphQL documents of a live read, and splitting the scoped answers back per scope.

Request 1 (``query LiveState``) is every kind's ``live_query`` plus the reader's own fields
(aliased ``reader_*``: compute pools and permissions, facts no kind owns). The kinds that
``open`` a scope (``Kind.opens_scope``: projects open ``project``, teams ``team``) give its
keys from their request-1 objects (``scope_keys``).

Then every kind with a ``live_scope`` repeats its ``scoped_query`` once per key of that scope,
``$KEY`` replaced by the JSON-quoted key (a valid GraphQL string literal, so a key can never
break the syntax). Those fields are cut into ``query LiveScoped`` documents of at most
``MAX_DOCUMENT_BYTES`` each (``scoped_documents``), which the reader sends in parallel: the
read stays at two round-trip levels however many projects there are, and no single request
grows with the estate (a server with a query-size or complexity limit accepts each one).
Fields are aliased ``f<i>`` by position in their document, and each ``ScopedDocument``
records which (scope, key, name) every alias stands for, where ``name`` is the field's own
alias in ``scoped_query`` or, when it has none, the kind's name; ``split_scoped`` turns the
answers into ``per_scope[scope][key][name]``.

Each kind's scoped fields go through graphql-core's AST once (parsed, printed without alias
and without ignored characters, with a placeholder key); per key, the placeholder is replaced
by the quoted key by text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, parse, print_ast
from graphql.utilities import strip_ignored_characters

from adaptive_plan.kinds.base import Kind, LiveData

FIRST_OPERATION = "LiveState"
SCOPED_OPERATION = "LiveScoped"
READER_FIELDS = "reader_pools: computePools { id key } reader_permissions: permissions"

MAX_DOCUMENT_BYTES = 48_000
"""The largest ``LiveScoped`` request body (JSON-encoded query) the reader sends, in bytes.

Measured at 20 ms latency against the emulator (benchmarks/README.md, "Live read"): from
10,000 resources upwards, documents of 16-100 KB read equally fast, smaller ones pay more
round trips than the parallelism hides, and larger ones leave fewer documents to overlap.
48 KB is about 30 projects of the benchmark's estate per document."""


@dataclass(frozen=True)
class ScopedField:
    """What the alias ``f<i>`` of a scoped document stands for."""

    scope: str
    key: str
    name: str


@dataclass(frozen=True)
class ScopedDocument:
    """One ``query LiveScoped`` document; ``fields[i]`` is what its alias ``f<i>`` reads."""

    text: str
    fields: tuple[ScopedField, ...]


def first_document(kinds: Sequence[Kind]) -> str:
    """``query LiveState { ... }``: the reader's fields and every kind's ``live_query``."""
    parts = [READER_FIELDS, *(kind.live_query for kind in kinds if kind.live_query.strip())]
    text = f"query {FIRST_OPERATION} {{ " + "\n".join(parts) + " }"
    return print_ast(parse(text, no_location=True))


def scope_keys(kinds: Sequence[Kind], first: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each scope's keys: the top-level request-1 objects of the kinds that open it."""
    data = LiveData(first=first)
    keys: dict[str, list[str]] = {}
    for kind in kinds:
        if kind.opens_scope:
            found = keys.setdefault(kind.opens_scope, [])
            found += [r.address.key for r in kind.from_live(data) if r.address.parent is None]
    return {scope: list(dict.fromkeys(found)) for scope, found in keys.items()}


def scoped_documents(
    kinds: Sequence[Kind], keys: Mapping[str, Sequence[str]], max_bytes: int = MAX_DOCUMENT_BYTES
) -> list[ScopedDocument]:
    """The ``LiveScoped`` documents, each at most ``max_bytes`` as a JSON string (one field
    larger than that goes alone); none when no kind reads per scope or no scope has keys."""
    documents: list[ScopedDocument] = []
    pieces: list[str] = []
    fields: list[ScopedField] = []
    size = _EMPTY_SIZE
    for kind in kinds:
        if not kind.live_scope or not kind.scoped_query.strip():
            continue
        templates = _templates(kind)
        for key in keys.get(kind.live_scope, ()):
            quoted = json.dumps(key)
            for name, template in templates:
                piece = template.replace(_KEY, quoted)
                grown = len(json.dumps(piece)) + len(f"f{len(fields)}: ") + 2  # "\n" joins: 2 bytes in JSON
                if fields and size + grown > max_bytes:
                    documents.append(_document(pieces, fields))
                    pieces, fields, size = [], [], _EMPTY_SIZE
                    grown = len(json.dumps(piece)) + len("f0: ") + 2
                pieces.append(f"f{len(fields)}: {piece}")
                fields.append(ScopedField(kind.live_scope, key, name))
                size += grown
    if fields:
        documents.append(_document(pieces, fields))
    return documents


def split_scoped(
    documents: Sequence[ScopedDocument], answers: Sequence[Mapping[str, Any]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """The answers to ``documents`` (same order) as ``per_scope[scope][key][name]``."""
    per_scope: dict[str, dict[str, dict[str, Any]]] = {}
    for document, answer in zip(documents, answers, strict=True):
        for index, field in enumerate(document.fields):
            scope = per_scope.setdefault(field.scope, {})
            scope.setdefault(field.key, {})[field.name] = answer.get(f"f{index}")
    return per_scope


def _document(pieces: Sequence[str], fields: Sequence[ScopedField]) -> ScopedDocument:
    return ScopedDocument(f"query {SCOPED_OPERATION} {{\n" + "\n".join(pieces) + "\n}", tuple(fields))


_EMPTY_SIZE = len(json.dumps(f"query {SCOPED_OPERATION} {{\n\n}}"))
# The placeholder key of the printed templates: a control character never appears in a
# query, and graphql-core prints it as "\u0001", which is what json.dumps gives too.
_KEY_VALUE = "\x01"
_KEY = json.dumps(_KEY_VALUE)


def _templates(kind: Kind) -> list[tuple[str, str]]:
    """(name, field printed without its alias, with the placeholder key) per scoped field."""
    cached = _TEMPLATES.get(kind.name)
    if cached is None or cached[0] != kind.scoped_query:
        text = kind.scoped_query.replace("$KEY", _KEY)
        operation = parse("{ " + text + " }", no_location=True).definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        templates = []
        for node in operation.selection_set.selections:
            if not isinstance(node, FieldNode):
                raise ValueError(f"{kind.name}: scoped_query must hold fields only")
            name = node.alias.value if node.alias else kind.name
            node.alias = None
            templates.append((name, strip_ignored_characters(print_ast(node))))
        cached = _TEMPLATES[kind.name] = (kind.scoped_query, templates)
    return cached[1]


_TEMPLATES: dict[str, tuple[str, list[tuple[str, str]]]] = {}
