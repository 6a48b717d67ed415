"""The GraphQL documents of a live read, and splitting the scoped answers back per scope.

Request 1 (``query LiveState``) is every kind's ``live_query`` plus the reader's own fields
(aliased ``reader_*``: compute pools and permissions, facts no kind owns). A kind's
``live_scope`` names the kind whose request-1 objects give the scope's keys (``project``,
``team``; ``scope_keys``).

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
by the quoted key by text. A kind that names its ``scoped_type`` has its selection sent once
per document as ``fragment <kind>_<i> on <Type>``, each key's field only spreading it: the
documents are about ten times smaller, and a server (the pure-Python emulator above all)
parses and validates that much less; at 10,000 resources that is 0.7 s instead of 15 s of
the emulator's parse and validation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, Node, OperationDefinitionNode, parse, print_ast
from graphql.utilities import strip_ignored_characters

from adaptive_plan.kinds.base import Kind, LiveData

FIRST_OPERATION = "LiveState"
SCOPED_OPERATION = "LiveScoped"
READER_FIELDS = "reader_pools: computePools { id key } reader_permissions: permissions"

MAX_DOCUMENT_BYTES = 16_000
"""The largest ``LiveScoped`` query the reader sends, in bytes as a JSON string (the request
body is that plus ~60 bytes).

Measured at 10,000 resources (980 projects, 20 ms latency, emulator; best of 2 on a loaded
2-core machine): 4,000 / 8,000 / 16,000 / 32,000 / 64,000 / unbounded gave reads of 4.1 /
5.8 / 4.1 / 5.1 / 6.8 / 5.5 s (the 20 MB of answers the emulator builds dominate). 16 KB is
as fast as any, about 110 projects of the benchmark's estate per document (9 documents at
10,000 resources, all sent at once), and far below any server's query-size limit."""


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
    """Each scope's keys: the top-level request-1 objects of the kind a ``live_scope`` names
    (none when that kind is not read)."""
    data = LiveData(first=first)
    scopes = {kind.live_scope for kind in kinds if kind.live_scope}
    keys: dict[str, list[str]] = {}
    for kind in kinds:
        if kind.name in scopes:
            found = [r.address.key for r in kind.from_live(data) if r.address.parent is None]
            keys[kind.name] = list(dict.fromkeys(found))
    return keys


def scoped_documents(
    kinds: Sequence[Kind], keys: Mapping[str, Sequence[str]], max_bytes: int = MAX_DOCUMENT_BYTES
) -> list[ScopedDocument]:
    """The ``LiveScoped`` documents, each at most ``max_bytes`` as a JSON string (one field
    larger than that goes alone); none when no kind reads per scope or no scope has keys."""
    builder = _Builder(max_bytes)
    for kind in kinds:
        if not kind.live_scope or not kind.scoped_query.strip():
            continue
        templates = _templates(kind)
        for key in keys.get(kind.live_scope, ()):
            quoted = json.dumps(key)
            for template in templates:
                builder.add(ScopedField(kind.live_scope, key, template.name), template, quoted)
    return builder.finish()


class _Builder:
    """Fills documents field by field, starting a new one when the next field would not fit."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.documents: list[ScopedDocument] = []
        self._start()

    def _start(self) -> None:
        self.pieces: list[str] = []
        self.fields: list[ScopedField] = []
        self.fragments: dict[str, str] = {}
        self.size = _EMPTY_SIZE

    def add(self, field: ScopedField, template: _Template, quoted_key: str) -> None:
        piece = template.head.replace(_KEY, quoted_key) + template.body
        grown = _json_size(f"f{len(self.fields)}: {piece}\n")
        if template.fragment and template.fragment not in self.fragments:
            grown += _json_size(template.fragment + "\n")
        if self.fields and self.size + grown > self.max_bytes:
            self._flush()
            self.add(field, template, quoted_key)
            return
        if template.fragment:
            self.fragments[template.fragment] = template.fragment
        self.pieces.append(f"f{len(self.fields)}: {piece}")
        self.fields.append(field)
        self.size += grown

    def _flush(self) -> None:
        text = f"query {SCOPED_OPERATION} {{\n" + "\n".join(self.pieces) + "\n}"
        text += "".join("\n" + fragment for fragment in self.fragments)
        self.documents.append(ScopedDocument(text, tuple(self.fields)))
        self._start()

    def finish(self) -> list[ScopedDocument]:
        if self.fields:
            self._flush()
        return self.documents


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


def _json_size(text: str) -> int:
    """Bytes ``text`` takes inside the JSON request body (quotes and newlines escaped)."""
    return len(json.dumps(text)) - 2


_EMPTY_SIZE = len(json.dumps(f"query {SCOPED_OPERATION} {{\n\n}}"))
# The placeholder key of the printed templates: a control character never appears in a
# query, and graphql-core prints it as "\u0001", which is what json.dumps gives too.
_KEY_VALUE = "\x01"
_KEY = json.dumps(_KEY_VALUE)


@dataclass(frozen=True)
class _Template:
    """One scoped field, printed once: ``head`` (name and arguments, placeholder key) and
    ``body``, the selection set itself or, for a kind with a ``scoped_type``, the spread of
    ``fragment`` (the selection, once per document)."""

    name: str
    head: str
    body: str
    fragment: str = ""


def _templates(kind: Kind) -> list[_Template]:
    cached = _TEMPLATES.get(kind.name)
    if cached is None or cached[0] != (kind.scoped_query, kind.scoped_type):
        text = kind.scoped_query.replace("$KEY", _KEY)
        operation = parse("{ " + text + " }", no_location=True).definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        templates = []
        for index, node in enumerate(operation.selection_set.selections):
            if not isinstance(node, FieldNode):
                raise ValueError(f"{kind.name}: scoped_query must hold fields only")
            templates.append(_template(kind, index, node))
        cached = _TEMPLATES[kind.name] = ((kind.scoped_query, kind.scoped_type), templates)
    return cached[1]


def _template(kind: Kind, index: int, node: FieldNode) -> _Template:
    name = node.alias.value if node.alias else kind.name
    selection = node.selection_set
    node.alias, node.selection_set = None, None
    head = _compact(node)
    if selection is None:
        return _Template(name, head, "")
    if not kind.scoped_type:
        return _Template(name, head, _compact(selection))
    fragment_name = f"{kind.name}_{index}"
    fragment = f"fragment {fragment_name} on {kind.scoped_type} {_compact(selection)}"
    return _Template(name, head, f"{{...{fragment_name}}}", fragment)


def _compact(node: Node) -> str:
    return strip_ignored_characters(print_ast(node))


_TEMPLATES: dict[str, tuple[tuple[str, str], list[_Template]]] = {}
