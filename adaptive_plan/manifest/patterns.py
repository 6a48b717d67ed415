"""Schema ``pattern`` regexes with the ECMA-262 meaning of ``$``, in Python's ``re``.

The schema is written for editors (ECMA regexes, as JSON Schema specifies), where ``$``
without the multiline flag matches only at the end of the input. Python's ``$`` also
matches just before a trailing newline, so ``^[a-z]+$`` accepted ``"ml\\n"`` and made a
team named ``ml\\n``. Both validators (the compiled fast check and ``jsonschema``) compile
patterns here, where every ``$`` anchor (outside a character class, not escaped) becomes
``\\Z``; the schema file itself stays a valid ECMA regex.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def ecma_anchors(pattern: str) -> str:
    """``pattern`` with each end-of-input ``$`` written ``\\Z``."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":  # ``[]...]``: a literal ']' first
                out.append("[]")
                index += 2
                continue
        elif char == "$":
            char = r"\Z"
        out.append(char)
        index += 1
    return "".join(out)


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled ``pattern``, with ECMA end anchors; use its ``search`` as JSON Schema does."""
    return re.compile(ecma_anchors(pattern))


def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not compile_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def validator_class() -> Any:
    """``Draft202012Validator`` whose ``pattern`` keyword has the ECMA meaning of ``$``.

    Built on first use: ``jsonschema`` (80 ms to import) only explains what the compiled
    fast check (``fastcheck``) rejected, so a valid manifest never imports it."""
    import jsonschema

    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern_keyword})


def __getattr__(name: str) -> Any:
    if name == "Validator":  # ``from adaptive_plan.manifest.patterns import Validator`` still works
        return validator_class()
    raise AttributeError(name)
