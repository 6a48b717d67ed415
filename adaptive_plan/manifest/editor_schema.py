"""The editor-only parts of ``schemas/manifest.schema.json``, added and removed mechanically.

Editors (the YAML language server) validate the *source* of a manifest, before Jinja renders
it, and show ``description`` as plain text. So the shipped schema carries two additions:

- ``markdownDescription`` beside each ``description`` (the same text, which uses Markdown
  backticks), so hovers render code instead of showing literal backticks;
- every ``pattern`` that constrains a string also accepts a string holding a ``{{ ... }}``
  expression (``key: support-bot-{{ vars.env }}``), and every string ``enum`` becomes
  ``anyOf: [{enum}, {pattern: {{ ... }}}]`` (``provider: "{{ vars.provider }}"``).

``validate`` checks the *rendered* document, where a template left in a key would be a real
error, so ``for_validation`` removes exactly these additions again: what the validator sees is
the hand-written schema. ``for_editors(for_validation(s))`` is what ``scripts/update_schema.py``
writes; both functions are idempotent, and ``tests/manifest/test_editor_schema.py`` fails (with
the command to run) when the committed schema is not up to date.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TEMPLATE_PATTERN = r"\{\{.*\}\}"  # a string that contains a {{ ... }} expression
_OR_TEMPLATE = "|" + TEMPLATE_PATTERN
_TEMPLATE_BRANCH = {"pattern": TEMPLATE_PATTERN}

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains")

Rewrite = Callable[[dict[str, Any]], dict[str, Any]]


def for_editors(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the editor additions (idempotent)."""
    return _walk(for_validation(schema), _add)


def for_validation(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without the editor additions (idempotent; a hand-written schema is unchanged)."""
    return _walk(schema, _remove)


def _walk(node: Any, rewrite: Rewrite) -> Any:
    """Apply ``rewrite`` to every subschema, bottom-up, copying (the input is not changed)."""
    if not isinstance(node, dict):
        return node
    copied: dict[str, Any] = {}
    for word, value in node.items():
        if word in _SCHEMA_MAPS and isinstance(value, dict):
            copied[word] = {name: _walk(sub, rewrite) for name, sub in value.items()}
        elif word in _SCHEMA_LISTS and isinstance(value, list):
            copied[word] = [_walk(sub, rewrite) for sub in value]
        elif word in _SCHEMA_VALUES:
            copied[word] = _walk(value, rewrite)
        else:
            copied[word] = value
    return rewrite(copied)


def _add(node: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for word, value in node.items():
        if word == "pattern" and isinstance(value, str):
            result[word] = value + _OR_TEMPLATE
        elif word == "enum" and _is_string_enum(value) and "anyOf" not in node:
            result["anyOf"] = [{"enum": value}, dict(_TEMPLATE_BRANCH)]
        else:
            result[word] = value
        if word == "description" and isinstance(value, str):
            result["markdownDescription"] = value
    return result


def _remove(node: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for word, value in node.items():
        if word == "markdownDescription":
            continue
        if word == "pattern" and isinstance(value, str) and value.endswith(_OR_TEMPLATE):
            result[word] = value[: -len(_OR_TEMPLATE)]
        elif word == "anyOf" and _is_template_enum(value):
            result["enum"] = value[0]["enum"]
        else:
            result[word] = value
    return result


def _is_string_enum(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)


def _is_template_enum(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], dict)
        and set(value[0]) == {"enum"}
        and value[1] == _TEMPLATE_BRANCH
    )
