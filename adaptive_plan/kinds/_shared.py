"""Small helpers every kind uses: manifest walking, normalisation, GraphQL step building.

A plain module of pure functions (no I/O, no state). Kinds share these so that every
kind normalises the same way: descriptions ``None`` == ``""``, enums lowercase, sets
sorted, JSON values in a canonical order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from adaptive_plan.kinds.base import Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import Diagnostic, ManifestError
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.secrets import Sensitive

# ---------------------------------------------------------------------------- manifest walking

# Objects every instance ships with: never listed as unmanaged, never reported as missing.
BUILT_IN_TEAMS = frozenset({"default"})
BUILT_IN_ROLES = frozenset({"admin", "editor", "read-only"})


def entries(manifest: Manifest, section: str) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """``(path, entry)`` for each entry of a top-level list section."""
    for index, entry in enumerate(manifest.document.get(section) or []):
        if isinstance(entry, dict):
            yield (section, index), entry


def project_entries(
    manifest: Manifest, section: str
) -> Iterator[tuple[Address, tuple[str | int, ...], dict[str, Any], dict[str, Any]]]:
    """``(project address, path, entry, project)`` for each entry of a per-project list."""
    for path, project in entries(manifest, "projects"):
        address = Address("project", str(project.get("key")))
        for index, entry in enumerate(project.get(section) or []):
            if isinstance(entry, dict):
                yield address, (*path, section, index), entry, project


def grader_metric_key(grader: Mapping[str, Any]) -> Any:
    """The key of the metric a grader creates: the one it names, its inline metric's, or its own."""
    metric = grader.get("metric")
    if isinstance(metric, Mapping):
        return metric.get("key", grader.get("key"))
    return grader.get("key") if metric is None else metric


def pick(entry: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The given keys that are present in ``entry`` (absent = unmanaged)."""
    return {name: entry[name] for name in names if name in entry}


def fail(manifest: Manifest, path: tuple[str | int, ...], address: Address, message: str) -> ManifestError:
    """A ManifestError pointing at ``path`` in the manifests."""
    return ManifestError([Diagnostic(message, manifest.mark(path), str(address))])


# ---------------------------------------------------------------------------- normalisation


def text(value: Any) -> str:
    """Server descriptions: ``null`` and ``""`` are the same thing."""
    return "" if value is None else value


def lower(value: Any) -> Any:
    """Enum values compare lowercase (``HIGHER_IS_BETTER`` == ``higher_is_better``)."""
    return value.lower() if isinstance(value, str) else value


def canonical(value: Any) -> str:
    """A stable JSON text for sorting and hashing (Sensitive values by their reference)."""
    return json.dumps(
        value, sort_keys=True, default=lambda item: repr(item) if isinstance(item, Sensitive) else str(item)
    )


def sorted_set(values: Any) -> list[Any]:
    """A list compared as a set: deduplicated and sorted."""
    unique = {canonical(value): value for value in values or []}
    return [unique[key] for key in sorted(unique)]


def key_of(ref: Mapping[str, Any] | None) -> str | None:
    """``{key: ...}`` -> key, tolerating ``null``."""
    return None if not ref else ref.get("key")


_SLUG_DROP = re.compile(r"[^\w\s/-]")
_SLUG_SPACE = re.compile(r"[\s_]+")
_SLUG_DASHES = re.compile(r"-+")


def slugify(name: str) -> str:
    """The SDK's slugify (ADAPTIVE_API.md 4.9(c)); the server derives keys it does not take as input."""
    slug = _SLUG_DROP.sub("", str(name).lower().strip())
    slug = _SLUG_DASHES.sub("-", _SLUG_SPACE.sub("-", slug))
    return slug.strip("-")


def camel(name: str) -> str:
    """``kv_cache_len`` -> ``kvCacheLen``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """``kvCacheLen`` -> ``kv_cache_len``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# ---------------------------------------------------------------------------- steps


def step(
    verb: str,
    operation: Operation,
    variables: dict[str, Any] | None = None,
    description: str = "",
    **extra: Any,
) -> StepSpec:
    """A StepSpec sending ``operation``; ``extra`` passes ``idempotent``, ``probe``, ``poll``, ``uploads``."""
    return StepSpec(
        verb=verb,
        operation=operation.name,
        document=str(operation),
        variables=dict(variables or {}),
        description=description,
        **extra,
    )


def create(
    verb: str, operation: Operation, variables: dict[str, Any], probe: Poll, description: str = ""
) -> StepSpec:
    """A non-idempotent create, re-read with ``probe`` before any re-send."""
    return step(verb, operation, variables, description, idempotent=False, probe=probe)


def exists_probe(document: str, path: str, value: str, variables: dict[str, Any] | None = None) -> Poll:
    """A probe that finds ``value`` at ``path`` once the object exists.

    ``path`` is dotted and walks through lists (``teams.key`` gives every team's key), so a
    list query can probe for one key: the create happened when ``value`` is among them.
    """
    return Poll(document=document, variables=dict(variables or {}), path=path, until=(value,))


# Every kind that reads per-project fields in request 1 reads them under these two aliases, so
# the GraphQL field merge (same response key, same arguments: one field whose selection is the
# union) makes them one active and one archived ``projects`` field, resolved once.
ACTIVE_PROJECTS = "projects_active"
ARCHIVED_PROJECTS = "projects_archived"


# The same holds for compute pools: the deployment kind (pool ids -> keys) and the compute_pool
# kind read them under one alias, so request 1 has one ``computePools`` field for both.
COMPUTE_POOLS = "compute_pools"


def every_project(fields: str) -> str:
    """Request-1 fields reading ``fields`` of every project, the active then the archived ones
    (archived projects are read too: a declared one is unarchived, not created)."""
    return (
        f"{ACTIVE_PROJECTS}: projects(filter: {{isArchived: false}}) {{ {fields} }} "
        f"{ARCHIVED_PROJECTS}: projects(filter: {{isArchived: true}}) {{ {fields} }}"
    )


def live_projects(first: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The projects ``every_project`` read (active, then archived), from request 1's data."""
    return live_list(first, ACTIVE_PROJECTS) + live_list(first, ARCHIVED_PROJECTS)


def live_list(data: Mapping[str, Any], alias: str) -> list[dict[str, Any]]:
    """``data[alias]`` as a list of objects (missing or null -> [])."""
    value = data.get(alias)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def keep_live_hint(changes: Iterable[AttrChange]) -> str:
    """What to declare instead of changes that can never be applied: their live values."""
    shown = [change for change in changes if not change.sensitive]
    values = ", ".join(f"{change.path}: {json.dumps(change.before, default=str)}" for change in shown)
    return f"declare the live value ({values}) or leave it out to stop managing it"


def expand(change: AttrChange) -> list[AttrChange]:
    """Split a map-valued change into one line per changed leaf (``placement.max_ttft_ms``).

    Lists stay whole: a present list is exclusive, so it is shown as before → after. A key
    absent on one side reads as None there: an unmanaged leaf is null, as in ``compare``.
    """
    before, after = change.before, change.after
    if change.sensitive or not (isinstance(before, dict) and isinstance(after, dict)):
        return [change]
    lines: list[AttrChange] = []
    for key in sorted(set(before) | set(after), key=str):
        old, new = before.get(key), after.get(key)
        if old != new:
            lines.extend(expand(AttrChange(f"{change.path}.{key}", old, new)))
    return lines or [change]


def compare_attrs(
    desired: Mapping[str, Any],
    actual: Mapping[str, Any],
    *,
    skip: frozenset[str] = frozenset(),
    partial: frozenset[str] = frozenset(),
) -> list[AttrChange]:
    """Changes for the attributes ``desired`` manages.

    ``skip``: never compared (write-only, unreadable). ``partial``: map attributes of which
    only the keys present in ``desired`` are managed (``compute_config.tp`` without ``max_seq_len``);
    their before/after show just those keys.
    """
    changes = []
    for path, after in sorted(desired.items()):
        if path in skip:
            continue
        before = actual.get(path)
        if path in partial and isinstance(after, dict):
            current = before if isinstance(before, dict) else {}
            before = {key: current.get(key) for key in after} if before is not None else None
        if before != after:
            changes.append(AttrChange(path=path, before=before, after=after))
    return changes
