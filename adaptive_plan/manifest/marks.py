"""``MarkTable``: the ``Manifest.marks`` mapping, built lazily from parser marks.

A 5 MB manifest has hundreds of thousands of nodes; creating a ``SourceMark`` for
each would cost more than parsing. The table keeps the parser's own mark objects
and makes a ``SourceMark`` when one is looked up.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from adaptive_plan.manifest.yaml_loader import Path, to_source
from adaptive_plan.model.source import SourceMark


class MarkTable(Mapping[Path, SourceMark]):
    """Read-only JSON path -> SourceMark, for every node of the merged document."""

    def __init__(self, raw: dict[Path, Any]) -> None:
        self._raw = raw

    def __getitem__(self, path: Path) -> SourceMark:
        return to_source(self._raw[tuple(path)])

    def get(self, path: Path, default: Any = None) -> Any:  # type: ignore[override]
        raw = self._raw.get(tuple(path))
        return default if raw is None else to_source(raw)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple | list) and tuple(path) in self._raw

    def __iter__(self) -> Iterator[Path]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)
