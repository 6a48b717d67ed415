"""The loaded, merged manifest handed from ``manifest/`` to the kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from adaptive_plan.model.source import SourceMark

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class RecipeSource:
    """A recipe's files, resolved and hashed at load time.

    ``path``: absolute path of the file or directory (inside the manifest tree).
    ``content_hash``: sha256 over sorted relative paths and bytes; kept in a recipe label.
    """

    path: str
    content_hash: str
    is_dir: bool


@dataclass(frozen=True)
class DatasetSource:
    """A dataset's file, resolved and hashed at load time.

    ``path``: absolute path of the ``.jsonl`` file (inside the manifest tree); ``size`` in bytes
    decides the upload path (``model.dataset_content.CHUNKED_ABOVE``); ``content_hash``:
    ``model.dataset_content.content_hash`` of its bytes.
    """

    path: str
    content_hash: str
    size: int


@dataclass
class Manifest:
    """Every manifest file merged into one document.

    ``document``: the merged top-level sections (``teams``, ``projects`` ...) as plain
    data; strings holding ``secret()`` tokens are ``Sensitive``.
    ``marks``: JSON path inside ``document`` -> where that node was written.
    ``recipe_sources``: (project key, recipe key) -> the recipe's resolved files.
    ``dataset_sources``: (project key, dataset key) -> the dataset's resolved file.
    ``input_hash``: sha256 of the rendered inputs, recorded in saved plans.
    """

    document: dict[str, Any] = field(default_factory=dict)
    marks: dict[Path, SourceMark] = field(default_factory=dict)
    recipe_sources: dict[tuple[str, str], RecipeSource] = field(default_factory=dict)
    dataset_sources: dict[tuple[str, str], DatasetSource] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    input_hash: str = ""

    def mark(self, path: Path) -> SourceMark | None:
        """The mark of ``path`` or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.marks.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    @cached_property
    def project_prune_flags(self) -> dict[str, bool]:
        """Project key -> its own ``prune``, for the projects that set one (built once: asked
        for each live child, so a scan of the projects each time grew with their square)."""
        return {
            project.get("key"): bool(project["prune"])
            for project in self.document.get("projects") or []
            if isinstance(project, dict) and "prune" in project
        }

    def section(self, name: str) -> list[dict[str, Any]]:
        return list(self.document.get(name) or [])
