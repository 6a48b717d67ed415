"""``load_manifests``: files -> variables -> templates -> YAML -> schema -> merged
manifest -> rules, references, recipe files and secrets; every problem at once.

This is the manifest room's public entry point. It raises ``ManifestError`` with
all errors (and the warnings found alongside them) when anything is invalid, and
otherwise returns the ``Manifest`` plus its warnings.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from adaptive_plan.kinds import TOP_SECTIONS
from adaptive_plan.manifest import one_shot, secrets_check
from adaptive_plan.manifest.ab_tests import check_ab_tests
from adaptive_plan.manifest.addresses import iter_resources
from adaptive_plan.manifest.checks import check_rules
from adaptive_plan.manifest.datasets import load_datasets
from adaptive_plan.manifest.diagnostics import Collector
from adaptive_plan.manifest.files import ManifestFile, confine_var_file, discover, read_text
from adaptive_plan.manifest.marks import MarkTable
from adaptive_plan.manifest.merge import merge_documents
from adaptive_plan.manifest.recipes import load_recipes
from adaptive_plan.manifest.references import check_references
from adaptive_plan.manifest.sandbox import Limits
from adaptive_plan.manifest.schema import check_document
from adaptive_plan.manifest.secret_fields import check_secret_fields
from adaptive_plan.manifest.template import TemplateProblem, make_environment, render
from adaptive_plan.manifest.variables import VariableResolver
from adaptive_plan.manifest.yaml_loader import Document, Marks, YamlProblem, load_documents
from adaptive_plan.model.errors import Diagnostic, ManifestError
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.source import SourceMark

Mode = Literal["validate", "plan", "apply"]


@dataclass
class LoadResult:
    """The merged manifest, its warnings, and how many resources it declares."""

    manifest: Manifest
    warnings: list[Diagnostic] = field(default_factory=list)
    resource_count: int = 0


def load_manifests(
    paths: Sequence[str],
    *,
    var_files: Sequence[str] = (),
    var_overrides: Mapping[str, str] | None = None,
    mode: Mode = "validate",
    environ: Mapping[str, str] | None = None,
) -> LoadResult:
    """Load, render, validate and merge the manifests under ``paths``.

    ``mode``: an unset ``secret()`` variable is a warning, except at "apply", which checks
    only the secrets its plan sends (``apply.preflight``).
    ``environ``: where secrets are looked up (default ``os.environ``); values are never kept.
    Raises ``ManifestError`` carrying every error (then the warnings) when invalid.
    """
    with _gc_paused():
        return _load(list(paths) or ["."], var_files, var_overrides or {}, mode, environ)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building a large document allocates millions of objects and no cycles; pausing the
    cyclic collector meanwhile halves load time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if one_shot.FREEZE_LOADED:  # the process exits after this command: never walk it again
            gc.freeze()
        if enabled:
            gc.enable()


def _load(
    paths: list[str],
    var_files: Sequence[str],
    overrides: Mapping[str, str],
    mode: Mode,
    environ: Mapping[str, str] | None,
) -> LoadResult:
    marks = Marks()
    collector = Collector(marks)
    files, problems = discover(paths)
    for problem in problems:
        collector.add(problem)
    texts = _read(files, collector)
    variables = _variables(texts, _confined(var_files, files, collector), overrides, collector)
    limits = _limits(os.environ if environ is None else environ, collector)
    documents, rendered, rejected = _parse(files, texts, variables, marks, collector, limits)
    merged = merge_documents(documents, collector)
    collector.document = merged  # addresses in messages name every entry, even a rejected one
    document = _accepted(merged, rejected)
    check_rules(document, collector)
    check_ab_tests(document, collector, offline=mode == "validate")
    if mode == "validate":  # plan and apply check references against live state instead
        check_references(document, collector)
    roots = {f.path: f.root for f in files}
    recipes = load_recipes(document, collector, roots)
    datasets = load_datasets(document, collector, roots)
    found = secrets_check.wrap_and_check(
        document, [d for d in documents if d.file in rendered.secret_files], collector, mode, environ
    )
    check_secret_fields(document, found, collector, texts=[text for _name, text in rendered.texts])
    if collector.has_errors:
        raise ManifestError(diagnostics=collector.errors + collector.warnings)
    manifest = Manifest(
        document=document,
        marks=MarkTable(marks.values),  # type: ignore[arg-type]  # a lazy read-only mapping
        recipe_sources=recipes,
        dataset_sources=datasets,
        files=tuple(f.path for f in files),
        input_hash=rendered.digest(),
    )
    count = sum(1 for _ in iter_resources(document))
    return LoadResult(manifest=manifest, warnings=collector.warnings, resource_count=count)


def _read(files: list[ManifestFile], collector: Collector) -> dict[str, str]:
    texts: dict[str, str] = {}
    for file in files:
        text = read_text(file.path)
        if isinstance(text, Diagnostic):
            collector.add(text)
        elif not text.strip():
            collector.add(
                Diagnostic(
                    "file is empty: a manifest needs at least `version: 1`", SourceMark(file.path, 1, 1)
                )
            )
        else:
            texts[file.path] = text
    return texts


def _limits(environ: Mapping[str, str], collector: Collector) -> Limits:
    """The rendering bounds (``sandbox.Limits``), configurable through the environment."""
    try:
        return Limits.from_environ(environ)
    except ValueError as error:
        collector.add(Diagnostic(str(error)))
        return Limits()


def _confined(var_files: Sequence[str], files: list[ManifestFile], collector: Collector) -> list[str]:
    """The var files that may be read (see ``files.confine_var_file``); the others are errors."""
    roots = sorted({file.root for file in files})
    kept: list[str] = []
    for var_file in var_files:
        outside = confine_var_file(var_file, roots)
        if outside is None:
            kept.append(var_file)
        else:
            collector.add(outside)
    return kept


def _variables(
    texts: dict[str, str], var_files: Sequence[str], overrides: Mapping[str, str], collector: Collector
) -> dict[str, Any]:
    resolver = VariableResolver()
    for file, text in texts.items():
        resolver.add_defaults(text, file)
    resolver.add_var_files(var_files)
    resolver.add_overrides(overrides)
    for problem in resolver.problems:
        collector.add(problem)
    return resolver.values


@dataclass
class _Rendered:
    """What was rendered, for the input hash and the secret scan."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    secret_files: set[str] = field(default_factory=set)

    def digest(self) -> str:
        digest = hashlib.sha256()
        for name, text in self.texts:
            digest.update(name.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
        return digest.hexdigest()


Rejected = dict[tuple[str, int], list[tuple[tuple[str | int, ...], bool]]]


def _accepted(merged: dict[str, Any], rejected: Rejected) -> dict[str, Any]:
    """``merged`` as the checks after the schema see it: in a copy of each entry the schema
    rejected, every value it reported is None and every unknown field is gone, so those checks
    only meet the shapes the schema accepts (what it rejected is reported already)."""
    if not rejected:
        return merged
    accepted = dict(merged)
    for (section, index), problems in rejected.items():
        items = accepted.get(section)
        if not isinstance(items, list) or not 0 <= index < len(items):
            continue
        if items is merged.get(section):
            items = accepted[section] = list(items)
        entry = copy.deepcopy(items[index])
        for inner, on_key in sorted(problems, key=lambda p: -len(p[0])):  # deepest first
            entry = _blank(entry, inner, on_key)
        items[index] = entry
    return accepted


def _blank(value: Any, path: tuple[str | int, ...], drop: bool) -> Any:
    """``value`` with the node at ``path`` set to None (removed when ``drop``)."""
    if not path:
        return None
    parent = value
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (LookupError, TypeError):
            return value
    last = path[-1]
    if isinstance(parent, dict) and last in parent:
        if drop:
            del parent[last]
        else:
            parent[last] = None
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        parent[last] = None
    return value


def _parse(
    files: list[ManifestFile],
    texts: dict[str, str],
    variables: dict[str, Any],
    marks: Marks,
    collector: Collector,
    limits: Limits,
) -> tuple[list[Document], _Rendered, Rejected]:
    """The documents of every file, what was rendered, and the (section, merged index) of every
    section entry the schema rejected."""
    env = make_environment()
    offsets: dict[str, int] = {}
    documents: list[Document] = []
    rendered = _Rendered()
    rejected: Rejected = {}
    for file in files:
        if file.path not in texts:
            continue
        try:
            text = render(env, texts[file.path], file.path, variables, limits)
            loaded = load_documents(text, file.path, marks, dict(offsets))
        except (TemplateProblem, YamlProblem) as problem:
            collector.add(problem.diagnostic)
            continue
        loaded = [d for d in loaded if d.data is not None]
        if not loaded:
            collector.add(
                Diagnostic("file holds no YAML document (only comments?)", SourceMark(file.path, 1, 1))
            )
            continue
        rendered.texts.append((file.relative, text))
        if secrets_check.TOKEN_MARKER in text:
            rendered.secret_files.add(file.path)
        for document in loaded:
            _check_schema(document, offsets, collector, rejected)
        documents.extend(loaded)
    return documents, rendered, rejected


def _check_schema(
    document: Document, offsets: dict[str, int], collector: Collector, rejected: Rejected
) -> None:
    """Schema problems of one document; advances ``offsets`` past its section items and adds
    the entries it rejects to ``rejected``."""
    data = document.data
    if not isinstance(data, dict):
        message = "a manifest must be a mapping of sections (version, teams, projects ...)"
        collector.add(Diagnostic(message, document.mark))
        return
    for path, on_key, message in check_document(data, offsets):
        if len(path) > 1 and isinstance(path[1], int):
            rejected.setdefault((str(path[0]), path[1]), []).append((path[2:], on_key))
        if len(path) > 1:
            collector.at(path, message, key=on_key)
        else:  # top-level paths repeat across documents: use this document's own marks
            marks = document.top_keys if on_key else document.top
            collector.add(Diagnostic(message, marks.get(str(path[0])) if path else document.mark))
    for section, items in data.items():
        if isinstance(items, list) and section in TOP_SECTIONS:
            offsets[section] = offsets.get(section, 0) + len(items)
