"""Recipe code for an export: download each recipe's zip and lay its files out on disk.

``GET /api/v1/projects/{project}/recipes/{recipe}/download`` returns the zip of what was
uploaded. Its files go under ``recipes/<project>/<key>/``; the manifest's ``path:`` points
at that directory, or at the file itself for a one-file recipe (one top-level ``.py``, which
is how a single-file upload comes back). Either way ``manifest.recipes.content_hash`` over the
unpacked files equals the hash recorded at upload, so the round trip is empty.

Archive members that are absolute, climb out with ``..`` or are links are refused: an
export never writes outside its directory.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from adaptive_plan.model.errors import ConfigError

RECIPES_DIR = "recipes"
ENTRYPOINTS = ("entrypoint", "config_entrypoint")


class Downloads(Protocol):
    """What this module needs of ``api.client.AdaptiveClient``."""

    def rest(self, method: str, path: str, **kw: Any) -> Any: ...


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


def download_recipe(client: Downloads, project: str, key: str) -> RecipeFiles:
    """Download and check one recipe's zip."""
    path = f"/projects/{quote(project, safe='')}/recipes/{quote(key, safe='')}/download"
    response = client.rest("GET", path)
    files = unpack(response.content, f"recipe {key!r} of project {project!r}")
    single = len(files) == 1 and "/" not in next(iter(files)) and next(iter(files)).endswith(".py")
    return RecipeFiles(posixpath.join(RECIPES_DIR, project, key), files, single)


def unpack(data: bytes, label: str) -> dict[str, bytes]:
    """Members of a zip by normalised name; refuses unsafe names and empty archives."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {}
            for info in archive.infolist():
                if info.is_dir():
                    continue
                files[_safe_name(info, label)] = archive.read(info)
    except zipfile.BadZipFile:
        raise ConfigError(f"{label}: the download is not a zip archive") from None
    if not files:
        raise ConfigError(f"{label}: the downloaded archive holds no files")
    return dict(sorted(files.items()))


def _safe_name(info: zipfile.ZipInfo, label: str) -> str:
    name = info.filename.replace("\\", "/")
    normal = posixpath.normpath(name)
    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
    if name.startswith("/") or normal.startswith("..") or ":" in normal.split("/")[0] or is_link:
        raise ConfigError(f"{label}: refusing archive member {info.filename!r} (outside the recipe)")
    return normal


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
