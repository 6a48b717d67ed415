"""Dependencies point one way (STYLE.md section 5): parse every module's imports with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "adaptive_plan"
ROOMS = ("model", "manifest", "kinds", "live", "plan", "apply", "render", "api", "emulator", "export", "cli")

# room -> package rooms it may import (itself always allowed)
ALLOWED_ROOMS: dict[str, set[str]] = {
    "model": set(),
    "kinds": {"model"},
    "manifest": {"model", "kinds"},
    "api": set(),
    "live": {"model", "kinds", "api"},
    "plan": {"model", "kinds"},
    "apply": {"model", "api"},
    "render": {"model"},
    "emulator": set(),
    "export": {"model", "kinds", "live", "api"},
    "cli": set(ROOMS),
}
# room -> third-party top-level modules it must not import
FORBIDDEN_THIRD_PARTY: dict[str, set[str]] = {
    "model": {"yaml", "jsonschema", "httpx", "deepdiff", "click", "jinja2", "graphql"},
    "kinds": {"httpx", "click", "yaml", "jinja2"},
    "manifest": {"httpx", "click", "deepdiff"},
    "api": {"yaml", "jsonschema", "click", "jinja2", "deepdiff"},
    "live": {"click", "yaml", "jinja2"},
    "plan": {"httpx", "click", "yaml", "jinja2"},
    "apply": {"click", "yaml", "jinja2", "deepdiff"},
    "render": {"httpx", "click", "yaml", "jinja2"},
    "emulator": {"httpx", "yaml", "jsonschema", "click", "jinja2", "deepdiff"},
    "export": {"click", "jinja2", "deepdiff", "jsonschema"},
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "schemas" not in p.parts)


def _room_of(path: Path) -> str | None:
    relative = path.relative_to(PACKAGE).parts
    return relative[0] if len(relative) > 1 and relative[0] in ROOMS else None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = path.relative_to(PACKAGE).parts[:-1]
                base = ".".join(("adaptive_plan", *package[: len(package) - node.level + 1]))
                names.add(f"{base}.{node.module}" if node.module else base)
            elif node.module:
                names.add(node.module)
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_room_table(path: Path) -> None:
    room = _room_of(path)
    if room is None:
        return
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "adaptive_plan":
            if len(parts) < 2 or parts[1] not in ROOMS:
                continue
            target = parts[1]
            assert target == room or target in ALLOWED_ROOMS[room], f"{room} must not import {name}"
            if room == "cli" and target == "emulator":
                via = parts[2] if len(parts) > 2 else ""
                assert via in {"server", "app"}, f"cli imports emulator only via server/app, not {name}"
        else:
            assert parts[0] not in FORBIDDEN_THIRD_PARTY.get(room, set()), f"{room} must not import {name}"


def test_plan_room_does_no_file_io() -> None:
    for path in (PACKAGE / "plan").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert "open" not in calls, f"{path.name} calls open(): plan/ must stay pure"


def test_nothing_imports_cli() -> None:
    for path in _modules():
        if _room_of(path) == "cli" or path.parent == PACKAGE:
            continue
        assert not any(name.startswith("adaptive_plan.cli") for name in _imports(path)), path
