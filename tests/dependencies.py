"""Bare ``pytest`` on a fresh machine: install what the tests need before collecting them.

The README's test command is ``pip install -e '.[test]' && pytest``. Run as plain ``pytest`` in
an environment that lacks the project's dependencies (httpx, the official ``adaptive-sdk`` ...),
every test module failed to import (37 collection errors) and nothing said why. ``ensure``
(called when ``tests/conftest.py`` is imported, before any test module or other conftest)
finds the distributions ``pyproject.toml`` lists (``dependencies`` and the ``test`` extra) that
are not installed, runs the README's own install for them, and stops with the command to run
when that fails. Nothing happens when everything is installed (the usual case, and CI's), or
with ``ADAPTIVE_PLAN_NO_INSTALL=1``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALL = [sys.executable, "-m", "pip", "install", "-e", f"{ROOT}[test]"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def required() -> list[str]:
    """Distribution names of ``dependencies`` and the ``test`` extra in pyproject.toml."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the two the tests cannot start without
        return ["httpx", "adaptive-sdk"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    specs = [*project.get("dependencies", []), *project.get("optional-dependencies", {}).get("test", [])]
    return [found.group(0) for spec in specs if (found := _NAME.match(spec.strip()))]


def missing() -> list[str]:
    absent = []
    for name in required():
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            absent.append(name)
    return absent


def ensure() -> str | None:
    """Install the missing test dependencies; the reason the tests cannot run, else None."""
    absent = missing()
    if not absent:
        return None
    command = "pip install -e '.[test]'"
    if os.environ.get("ADAPTIVE_PLAN_NO_INSTALL"):
        return f"missing test dependencies ({', '.join(absent)}): run {command}"
    result = subprocess.run(INSTALL, stdout=sys.stderr, stderr=sys.stderr, check=False)
    importlib.invalidate_caches()
    still = missing()
    if result.returncode != 0 or still:
        return f"could not install the test dependencies ({', '.join(still or absent)}): run {command}"
    return None
