"""Checking documents against ``schemas/manifest.schema.json`` and explaining failures.

A compiled yes/no check (``fastcheck``) runs on everything; ``jsonschema`` runs only
on the top level and on the section items the fast check rejects, so a large valid
manifest costs milliseconds while every message still comes from ``jsonschema``.
Messages are rewritten for people: unknown fields get a did-you-mean, "exactly one
of" rules say which fields clash, and each points at the offending node.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from adaptive_plan.kinds import TOP_SECTIONS, section_kinds
from adaptive_plan.manifest.editor_schema import for_validation
from adaptive_plan.manifest.fastcheck import Check, compile_schema
from adaptive_plan.manifest.patterns import validator_class
from adaptive_plan.manifest.yaml_loader import Path

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_KEY_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$"
_PATTERN_HINTS = {
    _KEY_PATTERN: "is not a valid key: use letters, digits, '.', '_' and '-', starting with a letter/digit",
    "^\\w[\\w.-]*(/\\w[\\w.-]*)*$": "is not a valid recipe or model key: use letters, digits, '.', '_' "
    "and '-', in segments separated by '/', each starting with a letter/digit",
    "^[a-z0-9_-]+$": "is not a valid service-account name: use only a-z, 0-9, '_' and '-'",
    "^[^@\\s]+@[^@\\s]+$": "is not an email address",
    "^[^/]+$": "must not contain '/'",
    "^[A-Za-z_][A-Za-z0-9_]*$": "is not a valid variable name: use letters, digits and '_'",
    "^https?://[^\\s/]+\\S*$": "is not an http(s) URL",
}

# (path, mark-of-key?, message) for each problem found
Problem = tuple[Path, bool, str]


@cache
def manifest_schema() -> dict[str, Any]:
    """The manifest JSON Schema as shipped in the package, without its editor-only additions
    (a rendered manifest holds no templates: see ``editor_schema``)."""
    text = resources.files("adaptive_plan").joinpath("schemas/manifest.schema.json").read_text("utf-8")
    return for_validation(dict(json.loads(text)))


def _kind_schema(kind: str) -> dict[str, Any]:
    root = manifest_schema()
    return {"$schema": root["$schema"], "$defs": root["$defs"], "$ref": f"#/$defs/{kind}"}


@cache
def _fast_checks() -> tuple[Check, dict[str, Check]]:
    """The compiled yes/no checks: the whole document, and one item of each section's kind."""
    per_kind = {kind.name: compile_schema(_kind_schema(kind.name)) for kind in section_kinds(None).values()}
    return compile_schema(manifest_schema()), per_kind


@cache
def _explaining_validators() -> tuple[Any, dict[str, Any]]:
    """``jsonschema`` validators, built only for a document the fast check rejected: the top
    level (section items left out) and one item of each section's kind."""
    validator = validator_class()
    shallow = copy.deepcopy(manifest_schema())
    for section in TOP_SECTIONS:
        shallow["properties"][section].pop("items", None)
    per_kind = {kind.name: validator(_kind_schema(kind.name)) for kind in section_kinds(None).values()}
    return validator(shallow), per_kind


def check_document(data: Any, base: dict[str, int]) -> list[Problem]:
    """Problems in one file's document; section items are numbered from ``base`` (merged index)."""
    whole, fast_per_kind = _fast_checks()
    if whole(data):
        return []
    top, slow_per_kind = _explaining_validators()
    problems = [p for error in top.iter_errors(data) for p in _explain(error, ())]
    if not isinstance(data, dict):
        return problems
    for section, kind in section_kinds(None).items():
        items = data.get(section)
        if not isinstance(items, list):
            continue
        fast, slow = fast_per_kind[kind.name], slow_per_kind[kind.name]
        for index, item in enumerate(items):
            if not fast(item):
                prefix: Path = (section, base.get(section, 0) + index)
                problems.extend(p for error in slow.iter_errors(item) for p in _explain(error, prefix))
    return problems


def _explain(error: ValidationError, prefix: Path) -> Iterator[Problem]:
    path: Path = (*prefix, *error.absolute_path)
    explain = _EXPLAINERS.get(str(error.validator), _generic)
    yield from explain(error, path)


def _additional(error: ValidationError, path: Path) -> Iterator[Problem]:
    known = list(error.schema.get("properties", {}))
    for name in error.instance:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; allowed: {', '.join(known)}"
            yield (*path, name), True, f"unknown field {name!r}{hint}"


def _required(error: ValidationError, path: Path) -> Iterator[Problem]:
    missing = [name for name in error.validator_value if name not in error.instance]
    for name in missing:
        yield path, False, f"missing required field {name!r}"


def _type(error: ValidationError, path: Path) -> Iterator[Problem]:
    expected = error.validator_value
    expected = " or ".join(expected) if isinstance(expected, list) else expected
    yield path, False, f"expected {_article(expected)}, got {_describe(error.instance)}"


def _enum(error: ValidationError, path: Path) -> Iterator[Problem]:
    options = [str(option) for option in error.validator_value]
    if len(options) == 1:
        yield path, False, f"must be {options[0]}, got {_describe(error.instance)}"
        return
    close = difflib.get_close_matches(str(error.instance), options, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    yield path, False, f"{_describe(error.instance)} is not one of: {', '.join(options)}{hint}"


def _pattern(error: ValidationError, path: Path) -> Iterator[Problem]:
    hint = _PATTERN_HINTS.get(error.validator_value, f"does not match the pattern {error.validator_value}")
    yield path, False, f"{error.instance!r} {hint}"


def _one_of(error: ValidationError, path: Path) -> Iterator[Problem]:
    branches = error.validator_value
    names = [b["required"][0] for b in branches if set(b) == {"required"} and len(b["required"]) == 1]
    if len(names) == len(branches) and not isinstance(error.instance, dict):
        return  # "exactly one of these fields" on a non-object: its type error says it all
    if len(names) == len(branches):
        present = [name for name in names if name in error.instance]
        if not present:
            yield path, False, f"needs exactly one of: {', '.join(names)}"
        else:
            yield path, False, f"only one of {', '.join(names)} may be set; found {' and '.join(present)}"
        return
    for index, branch in enumerate(branches):
        if _matches_type(branch, error.instance):
            for sub in error.context:
                if sub.schema_path and sub.schema_path[0] == index:
                    yield from _explain(sub, path[: len(path) - len(error.absolute_path)])
            return
    types = [str(b.get("type") or b.get("$ref", "").rsplit("/", 1)[-1]) for b in branches]
    yield path, False, f"expected {' or '.join(types)}, got {_describe(error.instance)}"


def _matches_type(branch: dict[str, Any], instance: Any) -> bool:
    if "$ref" in branch:
        return isinstance(instance, dict)  # references point at object definitions
    expected = branch.get("type")
    return expected == "string" and isinstance(instance, str)


def _false(error: ValidationError, path: Path) -> Iterator[Problem]:
    name = path[-1] if path else "value"
    yield path, True, f"field {name!r} is not allowed here"


def _generic(error: ValidationError, path: Path) -> Iterator[Problem]:
    messages: dict[str, Callable[[Any], str]] = {
        "minLength": lambda v: "must not be empty" if v == 1 else f"must be at least {v} characters long",
        "maxLength": lambda v: f"must be at most {v} characters long",
        "minimum": lambda v: f"must be at least {v}, got {error.instance!r}",
        "exclusiveMinimum": lambda v: f"must be more than {v}, got {error.instance!r}",
        "maximum": lambda v: f"must be at most {v}, got {error.instance!r}",
        "minItems": lambda v: f"needs at least {v} item{'s' if v != 1 else ''}",
        "uniqueItems": lambda v: "has duplicate items",
        "const": lambda v: f"must be {v!r}",
    }
    render = messages.get(str(error.validator))
    yield path, False, render(error.validator_value) if render else error.message


def _article(name: str) -> str:
    return f"an {name}" if name[:1] in "aeiou" else f"a {name}"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"string {value[:60]!r}"
    return f"{type(value).__name__} {value!r}"


_EXPLAINERS: dict[str, Callable[[ValidationError, Path], Iterator[Problem]]] = {
    "additionalProperties": _additional,
    "required": _required,
    "type": _type,
    "enum": _enum,
    "pattern": _pattern,
    "oneOf": _one_of,
    "None": _false,
}
