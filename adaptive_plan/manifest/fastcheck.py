"""A compiled yes/no validator for the JSON Schema subset our manifest schema uses.

``jsonschema`` explains *why* a value is invalid, but walking a 5 MB manifest with it
takes seconds. This module compiles the same schema once into nested closures that
only answer "valid?" (roughly 20x faster); ``schema.py`` runs ``jsonschema`` only on
the items this check rejects, so every message still comes from ``jsonschema``.

Supported keywords are listed in ``_COMPILERS`` plus annotations; compiling a schema
that uses anything else raises ``ValueError``, so the schema cannot outgrow the
checker silently. ``tests/manifest/test_fastcheck.py`` checks that both validators
agree on every example and bad input.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adaptive_plan.manifest.patterns import compile_pattern

Check = Callable[[Any], bool]

_ANNOTATIONS = {
    "description", "title", "$schema", "$id", "$defs", "$comment", "default", "examples",
    "writeOnly", "x-secret",
}


def compile_schema(root: dict[str, Any]) -> Check:
    """A predicate equivalent to ``jsonschema.Draft202012Validator(root).is_valid``."""
    return _Compiler(root).compile(root)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``True`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        checks = [
            self.keyword(word, value, schema) for word, value in schema.items() if word not in _ANNOTATIONS
        ]
        checks = [check for check in checks if check is not None]
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(check(v) for check in checks)

    def keyword(self, word: str, value: Any, schema: dict[str, Any]) -> Check | None:
        compiler = _COMPILERS.get(word)
        if compiler is None:
            if word in ("then", "else"):
                return None  # handled by "if"
            raise ValueError(f"fastcheck does not support the keyword {word!r}")
        return compiler(self, value, schema)

    def ref(self, pointer: str, schema: dict[str, Any]) -> Check:
        if pointer not in self.refs:
            if not pointer.startswith("#/"):
                raise ValueError(f"fastcheck supports local references only, not {pointer!r}")
            self.refs[pointer] = lambda v: False  # placeholder; no recursive schemas in use
            target: Any = self.root
            for part in pointer[2:].split("/"):
                target = target[part]
            self.refs[pointer] = self.compile(target)
        return self.refs[pointer]

    def type_(self, value: Any, schema: dict[str, Any]) -> Check:
        names = value if isinstance(value, list) else [value]
        tests = [_TYPES[name] for name in names]
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(test(v) for test in tests)

    def properties(self, value: dict[str, Any], schema: dict[str, Any]) -> Check:
        checks = {name: self.compile(sub) for name, sub in value.items()}
        extra = schema.get("additionalProperties", True)
        other = None if extra is True else self.compile(extra)

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for name, item in v.items():
                sub = checks.get(name)
                if sub is None:
                    if other is not None and not other(item):
                        return False
                elif not sub(item):
                    return False
            return True

        return check

    def additional(self, value: Any, schema: dict[str, Any]) -> Check | None:
        if "properties" in schema:
            return None  # folded into "properties"
        other = self.compile(value)
        return lambda v: not isinstance(v, dict) or all(other(item) for item in v.values())

    def items(self, value: Any, schema: dict[str, Any]) -> Check:
        sub = self.compile(value)
        return lambda v: not isinstance(v, list) or all(sub(item) for item in v)

    def if_(self, value: Any, schema: dict[str, Any]) -> Check:
        test = self.compile(value)
        then = self.compile(schema.get("then", True))
        other = self.compile(schema.get("else", True))
        return lambda v: then(v) if test(v) else other(v)

    def one_of(self, value: list[Any], schema: dict[str, Any]) -> Check:
        subs = [self.compile(sub) for sub in value]
        return lambda v: sum(1 for sub in subs if sub(v)) == 1

    def all_of(self, value: list[Any], schema: dict[str, Any]) -> Check:
        subs = [self.compile(sub) for sub in value]
        return lambda v: all(sub(v) for sub in subs)


def _required(c: _Compiler, value: list[str], schema: dict[str, Any]) -> Check:
    return lambda v: not isinstance(v, dict) or all(name in v for name in value)


def _enum(c: _Compiler, value: list[Any], schema: dict[str, Any]) -> Check:
    return lambda v: any(_same(v, option) for option in value)


def _const(c: _Compiler, value: Any, schema: dict[str, Any]) -> Check:
    return lambda v: _same(v, value)


def _pattern(c: _Compiler, value: str, schema: dict[str, Any]) -> Check:
    search = compile_pattern(value).search
    return lambda v: not isinstance(v, str) or search(v) is not None


def _min_length(c: _Compiler, value: int, schema: dict[str, Any]) -> Check:
    return lambda v: not isinstance(v, str) or len(v) >= value


def _max_length(c: _Compiler, value: int, schema: dict[str, Any]) -> Check:
    return lambda v: not isinstance(v, str) or len(v) <= value


def _minimum(c: _Compiler, value: float, schema: dict[str, Any]) -> Check:
    return lambda v: not _TYPES["number"](v) or v >= value


def _exclusive_minimum(c: _Compiler, value: float, schema: dict[str, Any]) -> Check:
    return lambda v: not _TYPES["number"](v) or v > value


def _maximum(c: _Compiler, value: float, schema: dict[str, Any]) -> Check:
    return lambda v: not _TYPES["number"](v) or v <= value


def _min_items(c: _Compiler, value: int, schema: dict[str, Any]) -> Check:
    return lambda v: not isinstance(v, list) or len(v) >= value


def _unique(c: _Compiler, value: bool, schema: dict[str, Any]) -> Check:
    def check(v: Any) -> bool:
        if not value or not isinstance(v, list):
            return True
        return not any(_same(a, b) for i, a in enumerate(v) for b in v[i + 1 :])

    return check


def _property_names(c: _Compiler, value: Any, schema: dict[str, Any]) -> Check:
    sub = c.compile(value)
    return lambda v: not isinstance(v, dict) or all(sub(name) for name in v)


_COMPILERS: dict[str, Callable[[_Compiler, Any, dict[str, Any]], Check | None]] = {
    "$ref": lambda c, value, schema: c.ref(value, schema),
    "type": lambda c, value, schema: c.type_(value, schema),
    "properties": lambda c, value, schema: c.properties(value, schema),
    "additionalProperties": lambda c, value, schema: c.additional(value, schema),
    "items": lambda c, value, schema: c.items(value, schema),
    "if": lambda c, value, schema: c.if_(value, schema),
    "oneOf": lambda c, value, schema: c.one_of(value, schema),
    "allOf": lambda c, value, schema: c.all_of(value, schema),
    "required": _required,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minimum": _minimum,
    "exclusiveMinimum": _exclusive_minimum,
    "maximum": _maximum,
    "minItems": _min_items,
    "uniqueItems": _unique,
    "propertyNames": _property_names,
}
