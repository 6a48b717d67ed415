"""Keep secrets out of error messages: the API key and every request variable value.

Servers echo input back in their messages (graphql-core's variable coercion errors print
the whole offending value, for example), and variables may hold resolved secrets such as
an integration token. The client cannot tell which values are secret, so it removes all
of them: every string of at least ``MIN_LENGTH`` characters found at any depth of the
variables, plus the API key and any extra values the caller names. Shorter strings are
left alone (they cannot be meaningful secrets, and blanking them would mangle the text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MASK = "***"
MIN_LENGTH = 4


def string_leaves(value: Any) -> Iterable[str]:
    """Every string below ``value`` (dict values and keys' values, list items), depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from string_leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from string_leaves(item)


class Scrubber:
    """Replaces each known sensitive string in a text with ``***`` (longest first)."""

    def __init__(self, values: Iterable[str]) -> None:
        unique = {v for v in values if isinstance(v, str) and len(v) >= MIN_LENGTH}
        self._values = sorted(unique, key=len, reverse=True)

    @classmethod
    def for_request(cls, api_key: str, variables: Any = None, extra: Iterable[str] = ()) -> Scrubber:
        values = [v for v in (api_key, *string_leaves(variables), *extra) if isinstance(v, str)]
        # A server may echo a value escaped (Python repr or JSON): cover those spellings too.
        escaped = [form for v in values for form in (repr(v)[1:-1], json.dumps(v)[1:-1])]
        return cls(values + escaped)

    def __call__(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return text
