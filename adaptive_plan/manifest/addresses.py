"""Resource addresses of manifest entries (DESIGN.md section 4), for messages and counts.

``team.K``, ``role.K``, ``user.EMAIL``, ``model.K``, ``project.K``,
``project.K/share.TEAM``, ``project.K/model.MODEL``, ``project.K/metric.K``,
``project.K/grader.K``, ``project.K/recipe.K``, ``integration.TEAM/NAME``.
An entry without its key yet (a schema error) is named by position: ``teams[3]``.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adaptive_plan.manifest.yaml_loader import Path

SERVICE_ACCOUNT_DOMAIN = "system.adaptive.local"

TOP_LEVEL = {
    "teams": ("team", "key"),
    "roles": ("role", "key"),
    "users": ("user", "email"),
    "models": ("model", "key"),
    "projects": ("project", "key"),
    "integrations": ("integration", None),
}
PROJECT_CHILDREN = {
    "shares": ("share", "team"),
    "models": ("model", "model"),
    "metrics": ("metric", "key"),
    "graders": ("grader", "key"),
    "recipes": ("recipe", "key"),
}


def user_email(user: dict[str, Any]) -> Any:
    """A user's identity: its email, or the derived email of a service account."""
    if user.get("service_account") is True and "email" not in user and isinstance(user.get("name"), str):
        return f"{user['name']}@{SERVICE_ACCOUNT_DOMAIN}"
    return user.get("email")


def _key(section: str, item: Any, index: int, field: str | None, kind: str) -> str:
    if not isinstance(item, dict):
        return f"{section}[{index}]"
    if kind == "integration":
        team, name = item.get("team"), item.get("name")
        return (
            f"integration.{team}/{name}"
            if isinstance(team, str) and isinstance(name, str)
            else f"{section}[{index}]"
        )
    value = user_email(item) if kind == "user" else item.get(field or "key")
    return f"{kind}.{value}" if isinstance(value, str) and value else f"{section}[{index}]"


def address_of(document: dict[str, Any], path: Path) -> str | None:
    """The address of the resource that ``path`` (in the merged document) falls in."""
    if len(path) < 2 or path[0] not in TOP_LEVEL or not isinstance(path[1], int):
        return None
    section, index = str(path[0]), path[1]
    items = document.get(section)
    item = items[index] if isinstance(items, list) and 0 <= index < len(items) else None
    kind, field = TOP_LEVEL[section]
    address = _key(section, item, index, field, kind)
    if (
        section != "projects"
        or len(path) < 4
        or path[2] not in PROJECT_CHILDREN
        or not isinstance(path[3], int)
    ):
        return address
    children = item.get(str(path[2])) if isinstance(item, dict) else None
    child_index = path[3]
    child = children[child_index] if isinstance(children, list) and 0 <= child_index < len(children) else None
    child_kind, child_field = PROJECT_CHILDREN[str(path[2])]
    return f"{address}/{_key(str(path[2]), child, child_index, child_field, child_kind)}"


def iter_resources(document: dict[str, Any]) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    """(address, path, entry) of every declared resource, parents before children."""
    for section, (kind, field) in TOP_LEVEL.items():
        items = document.get(section)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            address = _key(section, item, index, field, kind)
            yield address, (section, index), item
            if section == "projects":
                yield from _children(address, index, item)


def _children(
    address: str, index: int, project: dict[str, Any]
) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    for child_section, (child_kind, child_field) in PROJECT_CHILDREN.items():
        children = project.get(child_section)
        if not isinstance(children, list):
            continue
        for child_index, child in enumerate(children):
            if isinstance(child, dict):
                key = _key(child_section, child, child_index, child_field, child_kind)
                yield f"{address}/{key}", ("projects", index, child_section, child_index), child
