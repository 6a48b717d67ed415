"""Finding manifest files and reading them as UTF-8 text.

PATHS are files or directories; a directory means every ``*.yaml``/``*.yml`` below
it (hidden directories skipped), in sorted order. Each file remembers the root of
the tree it was found in: recipe and function paths must stay inside that tree, and
so must the manifest files themselves: a symlink (``leak.yaml -> /etc/...``) whose
target lies outside the tree is refused, never read, since messages quote values.
A PATHS file's tree is its own directory.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from adaptive_plan.model.errors import Diagnostic
from adaptive_plan.model.source import SourceMark

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ManifestFile:
    """``path``: as shown to users; ``root``: real path of the tree it belongs to;
    ``relative``: its path inside that tree (stable across working directories)."""

    path: str
    root: str
    relative: str


def discover(paths: Sequence[str]) -> tuple[list[ManifestFile], list[Diagnostic]]:
    """Every manifest file under ``paths``, without duplicates, and what could not be found."""
    found: list[ManifestFile] = []
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for given in paths:
        if os.path.isdir(given):
            files = _walk(given)
            if not files:
                problems.append(Diagnostic(f"no *.yaml or *.yml files in directory {given!r}"))
        elif os.path.exists(given):
            root = os.path.realpath(os.path.dirname(os.path.abspath(given)))
            files = [ManifestFile(os.path.normpath(given), root, os.path.basename(given))]
        else:
            problems.append(Diagnostic(f"no such file or directory: {given!r}"))
            continue
        for file in files:
            real = os.path.realpath(file.path)
            if not within(real, file.root):
                problems.append(_outside(file.path, file.root))
                continue
            if real not in seen:
                seen.add(real)
                found.append(file)
    return found, problems


def within(path: str, root: str) -> bool:
    """Whether the (real) ``path`` is ``root`` or lies below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _outside(path: str, root: str) -> Diagnostic:
    message = f"is a symlink leading outside the manifest directory {root}; refusing to read it"
    return Diagnostic(message, SourceMark(path, 1, 1))


def confine_var_file(path: str, roots: Sequence[str]) -> Diagnostic | None:
    """A ``--var-file`` inside a manifest tree must not lead out of it through a symlink (one
    outside every tree was named by whoever runs the command, and is read as given)."""
    lexical = os.path.abspath(path)
    real = os.path.realpath(path)
    for root in roots:
        if within(lexical, root) and not within(real, root):
            return _outside(path, root)
    return None


def _walk(directory: str) -> list[ManifestFile]:
    root = os.path.realpath(directory)
    relatives: list[str] = []
    for current, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = os.path.relpath(current, directory)
        for name in names:
            if name.endswith(SUFFIXES) and not name.startswith("."):
                relatives.append(os.path.normpath(os.path.join(base, name)))
    return [
        ManifestFile(os.path.normpath(os.path.join(directory, rel)), root, rel.replace(os.sep, "/"))
        for rel in sorted(relatives, key=lambda r: r.replace(os.sep, "/"))
    ]


def read_text(path: str) -> str | Diagnostic:
    """The file's text, or a Diagnostic saying why it cannot be read (missing, not UTF-8)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return Diagnostic(f"cannot read file: {error.strerror or error}", SourceMark(path, 1, 1))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start : error.start + 1].hex()
        message = f"file is not valid UTF-8: byte 0x{byte} cannot be decoded (save the file as UTF-8)"
        return Diagnostic(message, SourceMark(path, line, column))
