"""Resource addresses of manifest entries (DESIGN.md section 4), for messages and counts.

``team.K``, ``role.K``, ``user.EMAIL``, ``model.K``, ``project.K``,
``project.K/share.TEAM``, ``project.K/model.MODEL``, ``project.K/metric.K``,
``project.K/grader.K``, ``project.K/recipe.K``, ``integration.TEAM/NAME``.
An entry without its key yet (a schema error) is named by position: ``teams[3]``.
Sections, address kinds and identity fields all come from the kind registry (``kinds.KINDS``):
this module walks whatever the kinds declare and names none of them.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adaptive_plan.kinds import section_kinds
from adaptive_plan.kinds.base import Kind
from adaptive_plan.manifest.yaml_loader import Path


def _address(kind: Kind, section: str, item: Any, index: int) -> str:
    """``kind.KEY`` from the kind's identity fields, or ``section[index]`` while it has none."""
    key = kind.manifest_key(item) if isinstance(item, dict) else None
    return f"{kind.address_kind}.{key}" if key else f"{section}[{index}]"


def address_of(document: dict[str, Any], path: Path) -> str | None:
    """The address of the resource that ``path`` (in the merged document) falls in."""
    address: str | None = None
    items: Any = document
    parent: str | None = None
    depth = 0
    while len(path) >= depth + 2 and isinstance(items, dict):
        section, index = path[depth], path[depth + 1]
        kind = section_kinds(parent).get(str(section))
        if kind is not None and kind.single:
            single = items.get(str(section))
            key = kind.manifest_key(single) if isinstance(single, dict) else None
            own = f"{kind.address_kind}.{key}" if key else str(section)
            return own if address is None else f"{address}/{own}"
        if kind is None or not isinstance(index, int):
            break
        entries = items.get(str(section))
        item = entries[index] if isinstance(entries, list) and 0 <= index < len(entries) else None
        own = _address(kind, str(section), item, index)
        address = own if address is None else f"{address}/{own}"
        items, parent, depth = item, kind.name, depth + 2
    return address


def iter_resources(document: dict[str, Any]) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    """(address, path, entry) of every declared resource, parents before their children."""
    for _kind, address, path, item in iter_declared(document):
        yield address, path, item


def iter_declared(
    document: dict[str, Any], parent: str | None = None, prefix: str | None = None, base: Path = ()
) -> Iterator[tuple[Kind, str, Path, dict[str, Any]]]:
    """(kind, address, path, entry) of every declared resource, each followed by its children."""
    for section, kind in section_kinds(parent).items():
        items = document.get(section)
        if kind.single and isinstance(items, dict):
            key = kind.manifest_key(items)
            own = f"{kind.address_kind}.{key}"
            yield kind, own if prefix is None else f"{prefix}/{own}", (*base, section), items
            continue
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            own = _address(kind, section, item, index)
            address = own if prefix is None else f"{prefix}/{own}"
            path: Path = (*base, section, index)
            yield kind, address, path, item
            yield from iter_declared(item, kind.name, address, path)
