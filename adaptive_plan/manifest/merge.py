"""Merging the documents of every file into one manifest document.

List sections (``teams``, ``roles``, ``users``, ``models``, ``projects``,
``integrations``) concatenate in file order; ``version`` and ``prune`` may appear in
any file but must agree. ``variables`` were consumed before rendering and are not
part of the merged document. Duplicate keys are found later, by ``checks``.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.kinds import TOP_SECTIONS
from adaptive_plan.manifest.diagnostics import Collector
from adaptive_plan.manifest.yaml_loader import Document
from adaptive_plan.model.errors import Diagnostic

_SCALARS = ("version", "prune")


def merge_documents(documents: list[Document], collector: Collector) -> dict[str, Any]:
    """The merged document; disagreements are reported to ``collector``."""
    merged: dict[str, Any] = {section: [] for section in TOP_SECTIONS}
    first: dict[str, Any] = {}
    for document in documents:
        data = document.data
        if not isinstance(data, dict):
            continue
        for name in _SCALARS:
            if name in data:
                _agree(merged, first, name, data[name], document, collector)
        for section in TOP_SECTIONS:
            items = data.get(section)
            if isinstance(items, list):
                merged[section].extend(items)
    return merged


def _agree(
    merged: dict[str, Any],
    first: dict[str, Any],
    name: str,
    value: Any,
    document: Document,
    collector: Collector,
) -> None:
    mark = document.top.get(name, document.mark)
    if name not in merged:
        merged[name] = value
        first[name] = mark
    elif merged[name] != value or type(merged[name]) is not type(value):
        message = f"{name} {value!r} disagrees with {name} {merged[name]!r} set at {first[name]}"
        collector.add(Diagnostic(message, mark))
