"""Dependencies point one way (STYLE.md section 5): parse every module's imports with ast.

Three rules, each checked by ``violations`` on one module's source:
- a room imports only the package rooms ``ALLOWED_ROOMS`` lists (``from adaptive_plan import X``
  and ``from . import X`` resolve to the room ``X`` is in);
- a room imports only the third-party packages ``ALLOWED_THIRD_PARTY`` lists (an allow-list: a
  new dependency is a decision made here, not a gap in a deny-list);
- ``plan/`` and ``kinds/`` do no I/O: no file, socket, subprocess or HTTP modules, no ``open()``,
  nothing from ``os`` but its path-string functions.

``test_the_rules_catch_each_mutation`` feeds the checker the mutations the rules exist for.
"""

from __future__ import annotations

import ast
import sys
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
# room -> the third-party top-level modules it may import (the standard library is always allowed,
# except the I/O modules below in the pure rooms)
ALLOWED_THIRD_PARTY: dict[str, set[str]] = {
    "model": set(),
    "kinds": set(),
    "manifest": {"yaml", "jsonschema", "jinja2", "markupsafe"},
    "api": {"httpx", "graphql"},
    "live": {"graphql"},
    "plan": set(),
    "apply": set(),
    "render": set(),
    "emulator": {"graphql"},
    "export": {"yaml"},
    "cli": {"click"},
}
PURE_ROOMS = ("plan", "kinds")
IO_MODULES = frozenset(
    {
        "socket",
        "ssl",
        "subprocess",
        "shutil",
        "tempfile",
        "io",
        "pathlib",
        "http",
        "urllib.request",
        "ftplib",
        "smtplib",
        "sqlite3",
        "multiprocessing",
        "asyncio",
        "selectors",
        "mmap",
        "glob",
        "fileinput",
    }
)
IO_CALLS = frozenset({"open", "exec", "eval", "__import__"})
PURE_OS = frozenset({"path", "sep", "fspath"})  # ``os`` in a pure room: string functions only


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "schemas" not in p.parts)


def _room_of(relative: tuple[str, ...]) -> str | None:
    return relative[0] if len(relative) > 1 and relative[0] in ROOMS else None


def imports(relative: tuple[str, ...], source: str) -> set[str]:
    """Every module ``source`` (the module at ``relative`` inside the package) imports, as a dotted
    name; ``from P import X`` gives ``P.X`` too, so ``from adaptive_plan import cli`` names the room."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = relative[:-1]
                base = ".".join(("adaptive_plan", *package[: len(package) - node.level + 1]))
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _calls(source: str) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def _os_uses(source: str) -> set[str]:
    """What a module takes from ``os``: ``os.X`` attributes and ``from os import X`` names."""
    used = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os":
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and not node.level:
            used.update(alias.name for alias in node.names)
    return used


def violations(relative: tuple[str, ...], source: str) -> list[str]:
    """What breaks the room rules in the module at ``relative`` (path parts inside the package)."""
    room = _room_of(relative)
    if room is None:
        return []
    found = []
    for name in sorted(imports(relative, source)):
        parts = name.split(".")
        if parts[0] == "adaptive_plan":
            target = parts[1] if len(parts) > 1 else None
            if target in ROOMS and target != room and target not in ALLOWED_ROOMS[room]:
                found.append(f"{room} must not import {name}")
            if (
                room == "cli"
                and target == "emulator"
                and (parts[2] if len(parts) > 2 else "") not in {"server", "app"}
            ):
                found.append(f"cli imports emulator only via server/app, not {name}")
        elif parts[0] not in sys.stdlib_module_names and parts[0] not in ALLOWED_THIRD_PARTY[room]:
            found.append(f"{room} must not import the third-party {parts[0]!r} (not in its allow-list)")
        elif room in PURE_ROOMS and (parts[0] in IO_MODULES or ".".join(parts[:2]) in IO_MODULES):
            found.append(f"{room} must do no I/O: it imports {name}")
    if room in PURE_ROOMS:
        found += [f"{room} must do no I/O: it calls {call}()" for call in sorted(_calls(source) & IO_CALLS)]
        found += [f"{room} must do no I/O: it uses os.{name}" for name in sorted(_os_uses(source) - PURE_OS)]
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_follow_the_room_rules(path: Path) -> None:
    relative = path.relative_to(PACKAGE).parts
    assert violations(relative, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("relative", "source", "expected"),
    [
        (("kinds", "team.py"), "from adaptive_plan import cli\n", "kinds must not import adaptive_plan.cli"),
        (("plan", "diff.py"), "from adaptive_plan import live\n", "plan must not import adaptive_plan.live"),
        (("kinds", "team.py"), "from .. import plan\n", "kinds must not import adaptive_plan.plan"),
        (("plan", "diff.py"), "import socket\n", "plan must do no I/O: it imports socket"),
        (("kinds", "team.py"), "import jsonschema\n", "kinds must not import the third-party 'jsonschema'"),
        (("kinds", "team.py"), "from subprocess import run\n", "kinds must do no I/O: it imports subprocess"),
        (("plan", "diff.py"), "data = open('x').read()\n", "plan must do no I/O: it calls open()"),
        (("kinds", "team.py"), "import os\nos.remove('x')\n", "kinds must do no I/O: it uses os.remove"),
        (("render", "text.py"), "import deepdiff\n", "render must not import the third-party 'deepdiff'"),
    ],
)
def test_the_rules_catch_each_mutation(relative: tuple[str, ...], source: str, expected: str) -> None:
    """Each mutation, added to a real module, breaks the test above with this message."""
    real = (PACKAGE.joinpath(*relative)).read_text(encoding="utf-8")
    assert violations(relative, real) == []
    assert any(expected in found for found in violations(relative, real + source)), violations(
        relative, source
    )


def test_nothing_imports_cli() -> None:
    for path in _modules():
        relative = path.relative_to(PACKAGE).parts
        if _room_of(relative) == "cli" or path.parent == PACKAGE:
            continue
        names = imports(relative, path.read_text(encoding="utf-8"))
        assert not any(name.startswith("adaptive_plan.cli") for name in names), path
