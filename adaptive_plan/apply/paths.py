"""Reading values out of GraphQL response data by dotted path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def value_at(data: Any, path: str) -> Any:
    """The value at a dotted path in ``data`` (digits index lists); None when absent.

    A name applied to a list maps over its items, so ``teams.key`` is every team's key:
    a list query can probe for one object (``until`` then matches any of them).
    """
    node = data
    for index, part in enumerate(path.split(".")):
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit():
            node = node[int(part)] if int(part) < len(node) else None
        elif isinstance(node, list):
            rest = ".".join(path.split(".")[index:])
            return [value_at(item, rest) for item in node]
        else:
            return None
    return node


def matches(value: Any, wanted: tuple[str, ...]) -> bool:
    """``value`` (or, for a list, any of its items) is non-null and in ``wanted`` (any, if empty)."""
    if isinstance(value, list):
        return any(matches(item, wanted) for item in value)
    return value is not None and (not wanted or str(value) in wanted)
