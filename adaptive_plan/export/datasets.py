"""Dataset files for an export: each exported dataset's original file under
``datasets/<project>/<key>.jsonl``, and its entry's ``path`` pointing at it.

Datasets are exported only when ``--kind dataset`` asks for them (``Kind.export_by_default``):
they are data, possibly large, and the tool never downloads data nobody asked it to manage.
The content is what the dataset's download route returns (``format=original``), so the
manifest side's hash of the written file equals the live side's hash: the round trip is empty.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from adaptive_plan.export.recipes import Downloads, directory_name
from adaptive_plan.model.address import Address
from adaptive_plan.model.snapshot import LiveState

DATASETS_DIR = "datasets"


def dataset_route(live: LiveState, project: str, key: str) -> str:
    """The REST route of a live dataset's original file (``kinds.dataset.download_path``)."""
    resource = live.get(Address("project", project).child("dataset", key))
    return str(resource.identity["download"]) if resource is not None else ""


def download_dataset(
    client: Downloads, live: LiveState, project: str, key: str, downloaded: Mapping[str, bytes | None]
) -> tuple[str, bytes]:
    """(file path relative to the export root, content) of one exported dataset, from
    ``downloaded`` when it was fetched already, else now."""
    route = dataset_route(live, project, key)
    body = downloaded.get(route) or client.rest("GET", route).content
    name = f"{directory_name(key)}.jsonl"
    return posixpath.join(DATASETS_DIR, directory_name(project), name), body


def fit_dataset(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The dataset entry with ``path`` after its key and name."""
    return {**{name: entry[name] for name in ("key", "name") if name in entry}, "path": path}
