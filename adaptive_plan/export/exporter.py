"""``export_instance``: read the live state and produce the manifests and recipe files.

    live      = read_live_state(client, KINDS)          # the same batched read as plan
    chosen    = select_resources(live, selection)       # the user's own objects
    entries   = collect_entries(chosen, kinds)          # each kind's to_manifest
    recipes   = download_recipe(...)                    # code under recipes/<project>/<key>/,
                                                        # fetched in parallel first (download_all)
    datasets  = download_dataset(...)                   # only with --kind dataset: datasets/<project>/
    manifests = dump_document(...)                      # per the layout

Nothing is written here (see ``writer``); nothing prints.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from adaptive_plan.export.datasets import dataset_route, download_dataset, fit_dataset
from adaptive_plan.export.document import (
    Entries,
    SecretUse,
    collect_entries,
    manifest_document,
    project_document,
)
from adaptive_plan.export.recipes import Downloads, download_recipe, fit_entry
from adaptive_plan.export.schema_ref import schema_file, schema_reference
from adaptive_plan.export.select import Selection, project_containers, select_resources
from adaptive_plan.export.yaml_text import dump_document
from adaptive_plan.kinds.base import Kind
from adaptive_plan.kinds.recipe import download_path
from adaptive_plan.live.downloads import download_all
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.model.errors import ConfigError
from adaptive_plan.model.secrets import secret_names
from adaptive_plan.model.snapshot import LiveState

Layout = Literal["single", "per-project"]
SINGLE_FILE = "manifest.yaml"
TOP_FILE = "manifest.yaml"
PROJECTS_DIR = "projects"


@dataclass(frozen=True)
class ExportOptions:
    """``root``: the absolute directory the files will be written to;
    ``source``: the instance URL and ``created``: the time, both for the header comment."""

    selection: Selection = field(default_factory=Selection)
    layout: Layout = "single"
    root: str = "."
    source: str = ""
    created: str = ""


@dataclass
class ExportResult:
    """``manifests``: relative path -> YAML text; ``files``: relative path -> recipe bytes;
    ``schema``: the manifest schema the modelines name, to write beside the manifests."""

    manifests: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    schema: dict[str, bytes] = field(default_factory=schema_file)
    recipe_dirs: list[str] = field(default_factory=list)
    secrets: list[SecretUse] = field(default_factory=list)


def export_instance(client: Any, kinds: Sequence[Kind], options: ExportOptions) -> ExportResult:
    """Everything an export writes, from one live read plus one download per recipe."""
    live = read_live_state(client, kinds)
    _check_projects(live, options.selection.projects)
    entries = collect_entries(select_resources(live, options.selection), {k.name: k for k in kinds})
    for key in project_containers(live, options.selection):
        if key in entries.children:
            entries.project_entry(key)
    result = ExportResult(secrets=entries.secrets)
    _add_recipes(client, entries, options.layout, result, live.downloads)
    _add_datasets(client, entries, options.layout, result, live)
    for path, document in _documents(entries, options.layout).items():
        result.manifests[path] = dump_document(document, _header(path, document, options))
    return result


def _check_projects(live: LiveState, wanted: Sequence[str]) -> None:
    known = sorted(r.address.key for r in live.of_kind("project") if not r.attrs.get("archived"))
    for key in wanted:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"--project {key!r}: no such (unarchived) project on the instance{hint}")


def _add_recipes(
    client: Downloads,
    entries: Entries,
    layout: Layout,
    result: ExportResult,
    downloaded: Mapping[str, bytes | None],
) -> None:
    """Unpack every exported recipe and point its entry's ``path`` at the code. What the live
    read did not download is fetched first, all of it, through the reader's parallel path."""
    prefix = "../" if layout == "per-project" else ""
    wanted = [
        download_path(project, entry["key"])
        for project, sections in sorted(entries.children.items())
        for entry in sections.get("recipes", [])
    ]
    missing = [path for path in wanted if downloaded.get(path) is None]
    downloaded = {**downloaded, **download_all(client, missing)}
    for project, sections in sorted(entries.children.items()):
        fitted = []
        for entry in sections.get("recipes", []):
            recipe = download_recipe(client, project, entry["key"], downloaded)
            fitted.append(fit_entry(entry, recipe, prefix + recipe.target))
            result.recipe_dirs.append(recipe.directory)
            for name, data in recipe.files.items():
                result.files[posixpath.join(recipe.directory, name)] = data
        if fitted:
            sections["recipes"] = fitted


def _add_datasets(
    client: Downloads, entries: Entries, layout: Layout, result: ExportResult, live: LiveState
) -> None:
    """Write every exported dataset's file and point its entry's ``path`` at it; what the live
    read did not download is fetched first, all of it, in parallel (``download_all``)."""
    prefix = "../" if layout == "per-project" else ""
    wanted = [
        dataset_route(live, project, entry["key"])
        for project, sections in sorted(entries.children.items())
        for entry in sections.get("datasets", [])
    ]
    fetched = download_all(client, [route for route in wanted if live.downloads.get(route) is None])
    downloaded = {**live.downloads, **fetched}
    for project, sections in sorted(entries.children.items()):
        fitted = []
        for entry in sections.get("datasets", []):
            path, body = download_dataset(client, live, project, entry["key"], downloaded)
            result.files[path] = body
            fitted.append(fit_dataset(entry, prefix + path))
        if fitted:
            sections["datasets"] = fitted


def _documents(entries: Entries, layout: Layout) -> dict[str, dict[str, Any]]:
    projects = [
        project_document(entry, entries.children.get(entry["key"], {}))
        for entry in sorted(entries.top.get("projects", []), key=lambda e: e["key"])
    ]
    if layout == "single":
        return {SINGLE_FILE: manifest_document({**entries.top, "projects": projects})}
    documents: dict[str, dict[str, Any]] = {}
    top = {section: items for section, items in entries.top.items() if section != "projects"}
    if top:
        documents[TOP_FILE] = manifest_document(top)
    for project in projects:
        documents[f"{PROJECTS_DIR}/{project['key']}.yaml"] = manifest_document({"projects": [project]})
    return documents


def _header(path: str, document: Mapping[str, Any], options: ExportOptions) -> list[str]:
    lines = [
        f"yaml-language-server: $schema={schema_reference(path)}",
        f"Exported by adaptive-plan export from {options.source or 'the instance'}"
        + (f" at {options.created}." if options.created else "."),
    ]
    if secret_names(dict(document)):
        lines.append("Write-only values cannot be read back: set the variables named by secret() below.")
    return lines
