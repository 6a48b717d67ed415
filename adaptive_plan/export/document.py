"""Manifest documents from selected live resources, through each kind's ``to_manifest``.

A resource's entry goes in its kind's ``section`` (``teams``; a child ``project.P/model.M``
-> ``projects[P].models``), the schema's section names (``tests/test_registry.py`` checks it).
Entries are sorted by address; sections follow the registry's order (``kinds.KINDS``, the order
of the examples), so two exports of the same state are identical.

Every ``secret()`` placeholder names its own variable: when two write-only values suggest the
same name (integrations ``a-b`` and ``a_b`` of one team), the later one, in address order,
gets ``_2``, ``_3`` ... so one variable never silently stands for two different secrets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from adaptive_plan.kinds import TOP_SECTIONS, section_kinds
from adaptive_plan.kinds.base import Kind
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.secrets import Sensitive, secret_token


@dataclass(frozen=True)
class SecretUse:
    """A ``secret('NAME')`` placeholder the export wrote: where, and which variable to set."""

    name: str
    address: str
    field: str


@dataclass
class Entries:
    """Manifest entries by section, and the projects' children by project key then section
    (a list of entries; for a ``single`` kind, its one mapping)."""

    top: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    children: dict[str, dict[str, Any]] = field(default_factory=dict)  # a list, or one mapping
    secrets: list[SecretUse] = field(default_factory=list)

    def project_entry(self, key: str) -> dict[str, Any]:
        """The exported ``projects[]`` entry of ``key``, or a key-only one holding its children."""
        for entry in self.top.get("projects", []):
            if entry.get("key") == key:
                return entry
        entry = {"key": key}
        self.top.setdefault("projects", []).append(entry)
        return entry


def collect_entries(resources: Iterable[Resource], kinds: Mapping[str, Kind]) -> Entries:
    """Every resource's ``to_manifest`` entry, by section (resources sorted by address)."""
    entries = Entries()
    names = _SecretNames(entries.secrets)
    for resource in sorted(resources, key=lambda r: str(r.address)):
        kind = kinds[resource.kind]
        entry = names.claim(kind.to_manifest(resource), str(resource.address))
        parent = resource.address.parent
        if parent is None:
            entries.top.setdefault(kind.section, []).append(entry)
        else:
            sections = entries.children.setdefault(parent.key, {})
            if kind.single:
                sections[kind.section] = entry  # a single section holds one mapping
            else:
                sections.setdefault(kind.section, []).append(entry)
    return entries


def project_document(entry: dict[str, Any], children: Mapping[str, Any]) -> dict:
    """A project entry with its children lists, in registry order."""
    document = dict(entry)
    for section, kind in section_kinds("project").items():
        if children.get(section):
            value = children[section]
            document[section] = dict(value) if kind.single else list(value)
    return document


def manifest_document(sections: Mapping[str, Sequence[dict[str, Any]]]) -> dict[str, Any]:
    """``version: 1`` and the non-empty sections, in registry order."""
    document: dict[str, Any] = {"version": 1}
    for section in TOP_SECTIONS:
        if sections.get(section):
            document[section] = list(sections[section])
    return document


@dataclass
class _SecretNames:
    """Hands out placeholder names, each once, recording every use in ``uses``."""

    uses: list[SecretUse]
    taken: set[str] = field(default_factory=set)

    def claim(self, value: Any, address: str, path: str = "") -> Any:
        """``value`` with each placeholder renamed to a variable no earlier placeholder took."""
        if isinstance(value, Sensitive):
            return self._unique(value, address, path)
        if isinstance(value, dict):
            return {key: self.claim(item, address, _join(path, str(key))) for key, item in value.items()}
        if isinstance(value, list):
            return [self.claim(item, address, f"{path}[{index}]") for index, item in enumerate(value)]
        return value

    def _unique(self, secret: Sensitive, address: str, path: str) -> Sensitive:
        name = base = secret.names[0]
        suffix = 1
        while name in self.taken:
            suffix += 1
            name = f"{base}_{suffix}"
        self.taken.add(name)
        self.uses.append(SecretUse(name, address, path))
        return secret if name == base else Sensitive(secret_token(name))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
