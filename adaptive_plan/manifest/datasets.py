"""Dataset files a manifest points at (``projects[].datasets[].path``).

The same confinement as recipes (``manifest.recipes.resolve_inside``: relative to the declaring
file, inside the manifest's tree, no symlink escape). The file must be JSON Lines, one JSON
object per line, as the API takes it; each line is checked here, so a bad line is a validate
error naming the manifest entry and the line, before anything is sent. The bytes are hashed
(``model.dataset_content.content_hash``) while they are read, in one pass.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import json
import os
from typing import Any

from adaptive_plan.manifest.diagnostics import Collector
from adaptive_plan.manifest.recipes import PathProblem, place_of, resolve_inside
from adaptive_plan.manifest.yaml_loader import Path
from adaptive_plan.model.dataset_content import ContentHasher, upload_parts
from adaptive_plan.model.manifest import DatasetSource


def load_datasets(
    document: dict[str, Any], collector: Collector, roots: dict[str, str]
) -> dict[tuple[str, str], DatasetSource]:
    """Resolve, check and hash every dataset file; ``roots``: manifest file -> root of its tree."""
    sources: dict[tuple[str, str], DatasetSource] = {}
    for p_index, project in enumerate(document.get("projects") or []):
        if not isinstance(project, dict) or not isinstance(project.get("key"), str):
            continue
        for d_index, dataset in enumerate(project.get("datasets") or []):
            if not isinstance(dataset, dict) or not isinstance(dataset.get("path"), str):
                continue
            where: Path = ("projects", p_index, "datasets", d_index, "path")
            source = _dataset(dataset["path"], where, collector, roots)
            if source is not None and isinstance(dataset.get("key"), str):
                sources[(project["key"], dataset["key"])] = source
    return sources


def _dataset(raw: str, path: Path, collector: Collector, roots: dict[str, str]) -> DatasetSource | None:
    place = place_of(path, collector, roots)
    if place is None:
        return None
    try:
        real = resolve_inside(raw, *place)
        if not os.path.isfile(real):
            raise PathProblem(f"path {raw!r} must be a file (JSON Lines)")
        size = os.path.getsize(real)
        upload_parts(size)
        hasher = ContentHasher(size)
        with open(real, "rb") as handle:
            _check_lines(handle, hasher)
        return DatasetSource(path=real, content_hash=hasher.hexdigest(), size=size)
    except PathProblem as problem:
        collector.at(path, f"dataset {problem}")
    except ValueError as problem:
        collector.at(path, f"dataset file {raw!r}: {problem}")
    except OSError as error:
        collector.at(path, f"dataset path {raw!r} cannot be read: {error.strerror or error}")
    return None


def _check_lines(handle: Any, hasher: ContentHasher) -> None:
    """Every non-blank line a JSON object, and at least one (the API refuses an empty dataset);
    each line is hashed as it is read."""
    records = 0
    for number, line in enumerate(handle, start=1):
        hasher.update(line)
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValueError(f"line {number} is not valid JSON") from None
        if not isinstance(record, dict):
            raise ValueError(f"line {number} is not a JSON object")
        records += 1
    if not records:
        raise ValueError("the file holds no records (one JSON object per line)")
