"""Which manifest set a file belongs to, for tools that pass changed files one batch at a time.

pre-commit runs a hook with the changed files, split into batches; validating a batch as if it
were the manifest would report references to teams declared in another file, and a per-project
file without its top-level one. So each file is mapped to its whole set, which is validated once.

A file is a *manifest* when it is a ``*.yaml``/``*.yml`` file with a top-level ``version:`` line
(every manifest file needs ``version: 1``; var files and other YAML, such as CI workflows, have
none and are ignored). A manifest's *set* is rooted at the highest directory reached by walking
up from the file's directory while the parent directory also holds a manifest directly, never
above ``top`` (the repository root, where the hook runs). The set is every manifest file below
that root, as ``validate DIR`` would merge them, minus the YAML that is not a manifest:

    deploy/manifest.yaml + deploy/projects/a.yaml   -> one set, rooted at deploy/
    examples/quickstart/  and  examples/full/       -> two sets (examples/ holds no manifest)

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_VERSION_LINE = re.compile(rb"^version\s*:", re.MULTILINE)
_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ManifestSet:
    """``root``: the set's directory; ``files``: its manifest files, sorted (paths as given)."""

    root: Path
    files: tuple[Path, ...]


def is_manifest(path: Path) -> bool:
    """A YAML file with a top-level ``version:`` line (read as bytes: no decoding errors here)."""
    if path.suffix not in _SUFFIXES or not path.is_file():
        return False
    try:
        return bool(_VERSION_LINE.search(path.read_bytes()))
    except OSError:
        return False


def _holds_manifest(directory: Path) -> bool:
    try:
        return any(is_manifest(child) for child in directory.iterdir())
    except OSError:
        return False


def set_root(path: Path, top: Path) -> Path:
    """The root directory of the set ``path`` (a manifest file) belongs to."""
    root, limit = path.parent, top.resolve()
    while root.resolve() != limit and limit in root.resolve().parents and _holds_manifest(root.parent):
        root = root.parent
    return root


def _files_below(root: Path) -> tuple[Path, ...]:
    found = []
    for directory, names, files in os.walk(root):
        names[:] = sorted(name for name in names if not name.startswith("."))
        found += [Path(directory, name) for name in sorted(files)
                  if not name.startswith(".") and is_manifest(Path(directory, name))]
    return tuple(found)


def manifest_sets(paths: Iterable[str], top: str = ".") -> list[ManifestSet]:
    """The sets the manifest files among ``paths`` belong to, each once, in order of first use."""
    roots: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if is_manifest(path):
            roots.setdefault(set_root(path, Path(top)), None)
    return [ManifestSet(root, _files_below(root)) for root in roots]
