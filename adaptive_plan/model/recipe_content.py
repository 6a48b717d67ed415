"""What counts as a recipe's code, and its content hash, wherever the files come from.

The manifest side hashes the files under a recipe's ``path:``, apply zips the same files for
the upload and a saved plan fingerprints them; the live side hashes the zip the server hands
back from the recipe's download route (for a recipe uploaded without adaptive-plan's hash
label, e.g. by the SDK). All of them must agree on which files and which bytes, so the file
rule (``is_recipe_file``), the walk (``directory_files``), the digest (``digest``) and the
archive reader (``unpack_zip``) live here, once.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import zipfile
from collections.abc import Iterable

from adaptive_plan.model.errors import ConfigError

SKIPPED_DIRS = frozenset({"__pycache__"})


def is_recipe_file(relative: str) -> bool:
    """False for what a recipe never carries: dot files and directories, ``__pycache__``, ``.pyc``."""
    parts = relative.split("/")
    if any(part.startswith(".") or part in SKIPPED_DIRS for part in parts):
        return False
    return not parts[-1].endswith(".pyc")


def directory_files(root: str) -> list[tuple[str, str]]:
    """(relative POSIX path, full path) of every recipe file below ``root``, sorted.

    Symlinked directories are not followed; symlinked files are listed (the manifest loader
    checks where they lead)."""
    found = []
    for current, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in names:
            full = os.path.join(current, name)
            relative = os.path.relpath(full, root).replace(os.sep, "/")
            if is_recipe_file(relative):
                found.append((relative, full))
    return sorted(found)


def digest(files: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over each file's relative POSIX path and bytes, length-prefixed, in sorted order."""
    hasher = hashlib.sha256()
    for relative, data in sorted(files):
        name = relative.encode("utf-8")
        hasher.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


def unpack_zip(data: bytes, label: str) -> dict[str, bytes]:
    """Members of a zip by normalised name, sorted; refuses unsafe names and empty archives.

    A member that is absolute, climbs out with ``..``, names a drive or is a symlink raises
    ``ConfigError`` (naming ``label``): whoever writes these files never leaves its directory.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {}
            for info in archive.infolist():
                if not info.is_dir():
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
