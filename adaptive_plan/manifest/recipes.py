"""Files a manifest points at: recipe files/directories and function-grader sources.

A path is relative to the manifest file that declares it and must stay inside the
manifest's directory tree (the PATHS directory it was found under, or the file's
own directory): absolute paths, ``..`` escapes and symlinks leading outside are
refused. Recipe content is hashed (sha256 over sorted relative paths and bytes)
so plans can tell whether the code changed; ``recipe_files`` lists exactly the
files hashed, for the upload to zip the same set.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import os
from typing import Any

from adaptive_plan.manifest.diagnostics import Collector
from adaptive_plan.manifest.files import within
from adaptive_plan.manifest.yaml_loader import Path
from adaptive_plan.model.manifest import RecipeSource
from adaptive_plan.model.recipe_content import digest, directory_files


class PathProblem(Exception):
    """A path that is absolute, escapes the tree, or does not exist."""


def resolve_inside(raw: str, declaring_file: str, root: str) -> str:
    """The real path of ``raw`` (relative to ``declaring_file``), checked to stay under ``root``."""
    if os.path.isabs(raw) or raw.startswith("~"):
        raise PathProblem(f"path {raw!r} must be relative to the manifest file, not absolute")
    base = os.path.dirname(os.path.realpath(declaring_file))
    lexical = os.path.normpath(os.path.join(base, raw))
    if not within(lexical, root):
        raise PathProblem(f"path {raw!r} escapes the manifest directory {root}")
    if not os.path.lexists(lexical):
        raise PathProblem(f"path {raw!r} does not exist")
    real = os.path.realpath(lexical)
    if not within(real, root):
        raise PathProblem(
            f"path {raw!r} leads through a symlink to {real}, outside the manifest directory {root}"
        )
    return real


def recipe_files(path: str, root: str) -> list[tuple[str, str]]:
    """(relative POSIX path, absolute path) of every file of a recipe, sorted; a single
    file is listed under its own name. Symlinks leading outside ``root`` raise PathProblem."""
    if not os.path.isdir(path):
        return [(os.path.basename(path), path)]
    found = directory_files(path)
    for relative, full in found:
        if not within(os.path.realpath(full), root):
            raise PathProblem(
                f"{relative!r} inside the recipe is a symlink leading outside the manifest directory"
            )
    return found


def content_hash(files: list[tuple[str, str]]) -> str:
    """``model.recipe_content.digest`` over the files' bytes, read from disk."""
    contents = []
    for relative, full in files:
        with open(full, "rb") as handle:
            contents.append((relative, handle.read()))
    return digest(contents)


def load_recipes(
    document: dict[str, Any], collector: Collector, roots: dict[str, str]
) -> dict[tuple[str, str], RecipeSource]:
    """Resolve and hash every recipe; ``roots``: manifest file -> root of its tree."""
    sources: dict[tuple[str, str], RecipeSource] = {}
    for p_index, project in enumerate(document.get("projects") or []):
        if not isinstance(project, dict):
            continue
        for r_index, recipe in enumerate(project.get("recipes") or []):
            if isinstance(recipe, dict) and isinstance(recipe.get("path"), str):
                path: Path = ("projects", p_index, "recipes", r_index)
                source = _recipe(recipe, path, collector, roots)
                if (
                    source is not None
                    and isinstance(project.get("key"), str)
                    and isinstance(recipe.get("key"), str)
                ):
                    sources[(project["key"], recipe["key"])] = source
        for g_index, grader in enumerate(project.get("graders") or []):
            function = grader.get("function") if isinstance(grader, dict) else None
            if isinstance(function, dict) and isinstance(function.get("file"), str):
                _function_source(
                    function, ("projects", p_index, "graders", g_index, "function"), collector, roots
                )
    return sources


def place_of(path: Path, collector: Collector, roots: dict[str, str]) -> tuple[str, str] | None:
    """(declaring manifest file, root of its tree) of the value at ``path``, or None."""
    raw = collector.marks.values.get(path)
    if raw is None or raw.name not in roots:
        return None
    return raw.name, roots[raw.name]


def _recipe(
    recipe: dict[str, Any], path: Path, collector: Collector, roots: dict[str, str]
) -> RecipeSource | None:
    place = place_of((*path, "path"), collector, roots)
    if place is None:
        return None
    try:
        real = resolve_inside(recipe["path"], *place)
        is_dir = os.path.isdir(real)
        _check_layout(recipe, real, is_dir)
        files = recipe_files(real, place[1])
        return RecipeSource(path=real, content_hash=content_hash(files), is_dir=is_dir)
    except PathProblem as problem:
        collector.at((*path, "path"), f"recipe {problem}")
    except OSError as error:
        collector.at(
            (*path, "path"), f"recipe path {recipe['path']!r} cannot be read: {error.strerror or error}"
        )
    return None


def _check_layout(recipe: dict[str, Any], real: str, is_dir: bool) -> None:
    """The SDK's upload rules: a single ``.py`` file, or a directory holding its entrypoint."""
    if not is_dir:
        if not real.endswith(".py"):
            raise PathProblem(f"path {recipe['path']!r} must be a .py file or a directory")
        for field in ("entrypoint", "config_entrypoint"):
            if field in recipe:
                raise PathProblem(
                    f"path {recipe['path']!r} is a single file: {field} applies to directories only"
                )
        return
    for field, default in (("entrypoint", "main.py"), ("config_entrypoint", None)):
        name = recipe.get(field, default)
        if not isinstance(name, str):
            continue
        parts = name.replace("\\", "/").split("/")
        if os.path.isabs(name) or name.startswith("~") or ".." in parts:
            raise PathProblem(
                f"{field} {name!r} must be a path inside the recipe directory (no absolute path, no '..')"
            )
        full = os.path.join(real, name)
        if not os.path.isfile(full):
            raise PathProblem(f"directory {recipe['path']!r} has no {name} ({field})")
        if not within(os.path.realpath(full), real):
            raise PathProblem(f"{field} {name!r} is a symlink leading outside the recipe directory")


def _function_source(
    function: dict[str, Any], path: Path, collector: Collector, roots: dict[str, str]
) -> None:
    """Read a function grader's ``file`` into ``source`` (marks point at the ``file`` node)."""
    place = place_of((*path, "file"), collector, roots)
    if place is None:
        return
    try:
        real = resolve_inside(function["file"], *place)
        if not real.endswith(".py") or not os.path.isfile(real):
            raise PathProblem(f"path {function['file']!r} must be a .py file")
        with open(real, encoding="utf-8") as handle:
            function["source"] = handle.read()
        collector.marks.values[(*path, "source")] = collector.marks.values[(*path, "file")]
    except PathProblem as problem:
        collector.at((*path, "file"), f"function grader {problem}")
    except (OSError, UnicodeDecodeError) as error:
        collector.at(
            (*path, "file"),
            f"function grader file {function['file']!r} cannot be read as UTF-8 text: {error}",
        )
