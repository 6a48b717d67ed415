"""Recipe code for an export: download each recipe's zip and lay its files out on disk.

``GET /api/v1/projects/{project}/recipes/{recipe}/download`` returns the zip of what was
uploaded. Its files go under ``recipes/<project>/<key>/`` (a ``/`` in a key written ``--``);
the manifest's ``path:`` points at that directory, or at the file itself for a one-file
recipe (one top-level ``.py``, which is how a single-file upload comes back). Either way
``manifest.recipes.content_hash`` over the unpacked files equals the hash recorded at upload
(or, for a recipe uploaded without that label, the one the live reader derives from the same
download), so the round trip is empty.

``model.recipe_content.unpack_zip`` refuses archive members that are absolute, climb out
with ``..`` or are links: an export never writes outside its directory.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adaptive_plan.kinds.recipe import download_path
from adaptive_plan.live.downloads import Downloads
from adaptive_plan.model.errors import ConfigError
from adaptive_plan.model.recipe_content import unpack_zip

RECIPES_DIR = "recipes"
ENTRYPOINTS = ("entrypoint", "config_entrypoint")



@dataclass(frozen=True)
class RecipeFiles:
    """One recipe's unpacked files: ``directory`` (POSIX, relative to the export root) and
    ``files`` (name inside the directory -> bytes); ``single``: path names the one file."""

    directory: str
    files: dict[str, bytes]
    single: bool

    @property
    def target(self) -> str:
        """What the manifest's ``path:`` names, relative to the export root."""
        return posixpath.join(self.directory, next(iter(self.files))) if self.single else self.directory


def download_recipe(
    client: Downloads, project: str, key: str, downloaded: Mapping[str, bytes | None]
) -> RecipeFiles:
    """One recipe's zip, checked: from ``downloaded`` (fetched in parallel beforehand, by the
    live reader or the exporter), else downloaded now (an object gone meanwhile raises
    ``NotFoundError``, naming it)."""
    path = download_path(project, key)
    body = downloaded.get(path)
    if body is None:
        body = client.rest("GET", path).content
    files = unpack_zip(body, f"recipe {key!r} of project {project!r}")
    single = len(files) == 1 and "/" not in next(iter(files)) and next(iter(files)).endswith(".py")
    directory = posixpath.join(RECIPES_DIR, directory_name(project), directory_name(key))
    return RecipeFiles(directory, files, single)


def directory_name(key: str) -> str:
    """One directory (or file) name for a key: a ``/`` in it (the SDK makes recipe keys such as
    ``trainer/run``) becomes ``--``, so one recipe's directory never holds another's files,
    and a key that would climb out of the export is refused."""
    name = key.replace("/", "--").replace("\\", "--")
    if name in ("", ".", ".."):
        raise ConfigError(f"refusing to export {key!r}: the key cannot name a directory")
    return name


def fit_entry(entry: dict[str, Any], recipe: RecipeFiles, path: str) -> dict[str, Any]:
    """The recipe entry with ``path`` (relative to its manifest file) after the descriptive
    fields, and entrypoints kept only where the layout allows them (a one-file recipe takes
    none; a directory only names files it holds)."""
    fitted = {name: entry[name] for name in ("key", "name", "description") if name in entry}
    fitted["path"] = path
    for name in ENTRYPOINTS:
        if name in entry and not recipe.single and entry[name] in recipe.files:
            fitted[name] = entry[name]
    rest = {name: value for name, value in entry.items() if name not in fitted and name not in ENTRYPOINTS}
    return {**fitted, **rest}
