"""Put an export on disk: refuse to overwrite unless forced, then write every file.

Checks every target before writing anything, so a refused export leaves no half-written
tree. With ``force``, each exported recipe directory is emptied first: a file left over
from an earlier export would change the recipe's content hash.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping

from adaptive_plan.model.errors import ConfigError

SHOWN = 5  # existing paths named in the refusal


def existing_targets(root: str, paths: Iterable[str]) -> list[str]:
    """The relative ``paths`` that already exist under ``root``."""
    return sorted(path for path in paths if os.path.lexists(_full(root, path)))


def write_files(
    root: str, files: Mapping[str, bytes], *, force: bool = False, replace_dirs: Iterable[str] = ()
) -> None:
    """Write ``files`` (relative POSIX path -> bytes) under ``root``."""
    clash = existing_targets(root, [*files, *replace_dirs])
    if clash and not force:
        shown = ", ".join(clash[:SHOWN]) + (f" and {len(clash) - SHOWN} more" if len(clash) > SHOWN else "")
        raise ConfigError(f"refusing to overwrite existing files in {root}: {shown} (use --force)")
    for directory in replace_dirs:
        full = _full(root, directory)
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full)
    for path, data in sorted(files.items()):
        target = _full(root, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(target):
            os.unlink(target)  # never write through a link left in the export tree
        with open(target, "wb") as handle:
            handle.write(data)


def _full(root: str, path: str) -> str:
    return os.path.join(root, *path.split("/"))
