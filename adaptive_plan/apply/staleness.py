"""Saved plans: the document ``plan -o FILE`` writes, reading it back, and its staleness checks.

The document (``format`` ``adaptive-plan/saved-plan``, ``version`` 1)::

    {"format": ..., "version": 1, "tool_version": ..., "target_url": ..., "local": bool,
     "plan": Plan.to_dict(), "fingerprints": {address: sha256 | null},
     "uploads": {path: sha256}, "input_hash": ...}

``plan`` keeps step documents and variables; secrets stay references
(``{"$sensitive": template}``) and are resolved from the environment at apply. ``fingerprints``
covers every live object the plan read, and records ``null`` for each address the plan found
absent (what it creates), so an object that appeared since is a change too. ``uploads`` hashes
the local files the steps upload (recipes), whose paths are stored relative to the working
directory when they lie below it. Imports ``model`` only; no API calls here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adaptive_plan import __version__
from adaptive_plan.model.errors import ConfigError
from adaptive_plan.model.plan import Plan
from adaptive_plan.model.recipe_content import digest, directory_files
from adaptive_plan.model.snapshot import LiveState

SAVED_FORMAT = "adaptive-plan/saved-plan"
SAVED_VERSION = 1


@dataclass(frozen=True)
class SavedPlan:
    """A saved plan read back: the plan to apply exactly, and what it was made against."""

    plan: Plan
    target_url: str
    local: bool
    fingerprints: dict[str, str | None] = field(default_factory=dict)
    uploads: dict[str, str] = field(default_factory=dict)
    input_hash: str = ""


def recorded_fingerprints(plan: Plan) -> dict[str, str | None]:
    """``plan.fingerprints`` plus ``None`` for every planned address that was absent live."""
    recorded: dict[str, str | None] = dict(plan.fingerprints)
    for change in plan.changes:
        recorded.setdefault(change.address, None)
    return dict(sorted(recorded.items()))


def saved_plan_document(
    plan: Plan, *, target_url: str, local: bool, base: Path | None = None
) -> dict[str, Any]:
    """The saved-plan document for ``plan`` (``base``: directory upload paths are made relative to)."""
    base = (base or Path.cwd()).resolve()
    data = plan.to_dict()
    uploads = {}
    for step in _step_dicts(data):
        relocated = {name: _relative(path, base) for name, path in step["uploads"].items()}
        step["uploads"] = relocated
        uploads.update((path, content_hash(_absolute(path, base))) for path in relocated.values())
    return {
        "format": SAVED_FORMAT,
        "version": SAVED_VERSION,
        "tool_version": __version__,
        "target_url": target_url,
        "local": local,
        "plan": data,
        "fingerprints": recorded_fingerprints(plan),
        "uploads": dict(sorted(uploads.items())),
        "input_hash": plan.input_hash,
    }


def looks_like_saved_plan(path: Path) -> bool:
    """A ``.json`` file, or any file whose content is a JSON object naming the saved-plan format."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as handle:
            start = handle.read(4096).lstrip()
    except OSError:
        return False
    return start.startswith(b"{") and SAVED_FORMAT.encode() in start


def read_saved_plan(path: Path, base: Path | None = None) -> SavedPlan:
    """Parse a saved-plan file; any problem is a ``ConfigError`` naming the file."""
    base = (base or Path.cwd()).resolve()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read the saved plan: {_short(error)}") from None
    if not isinstance(document, dict) or document.get("format") != SAVED_FORMAT:
        raise ConfigError(f"{path}: not a saved plan (make one with `adaptive-plan plan -o {path.name}`)")
    if document.get("version") != SAVED_VERSION:
        raise ConfigError(
            f"{path}: saved-plan version {document.get('version')!r} is not supported "
            f"(this adaptive-plan reads version {SAVED_VERSION}); make the plan again"
        )
    try:
        return _saved(document, base)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        message = f"{path}: the saved plan is damaged ({_short(error)}); make the plan again"
        raise ConfigError(message) from None


def check_fingerprints(saved: SavedPlan, live: LiveState) -> list[str]:
    """Addresses whose live object differs from plan time (changed, deleted or appeared), sorted."""
    now = live.fingerprints
    return sorted(address for address, recorded in saved.fingerprints.items() if now.get(address) != recorded)


def check_uploads(saved: SavedPlan, base: Path | None = None) -> list[str]:
    """Upload paths whose content changed or disappeared since plan time, sorted."""
    base = (base or Path.cwd()).resolve()
    return sorted(
        path for path, digest in saved.uploads.items() if content_hash(_absolute(path, base)) != digest
    )


def content_hash(path: Path) -> str:
    """The recipe digest of a file, or of a directory's recipe files; "" if absent."""
    if path.is_file():
        return digest([(path.name, path.read_bytes())])
    if path.is_dir():
        return digest((relative, Path(full).read_bytes()) for relative, full in directory_files(str(path)))
    return ""


def _saved(document: Mapping[str, Any], base: Path) -> SavedPlan:
    data = document["plan"]
    for step in _step_dicts(data):
        step["uploads"] = {name: str(_absolute(path, base)) for name, path in step["uploads"].items()}
    fingerprints = document["fingerprints"]
    if not all(isinstance(v, str | None) for v in fingerprints.values()):
        raise ValueError("fingerprints must be strings or null")
    return SavedPlan(
        plan=Plan.from_dict(data),
        target_url=str(document["target_url"]),
        local=bool(document["local"]),
        fingerprints=dict(fingerprints),
        uploads=dict(document.get("uploads") or {}),
        input_hash=str(document.get("input_hash", "")),
    )


def _step_dicts(plan_data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [step for change in plan_data["changes"] for step in change["steps"]]


def _relative(path: str, base: Path) -> str:
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return str(absolute)


def _absolute(path: str, base: Path) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else base / candidate


def _short(error: BaseException) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
