"""Collecting diagnostics while loading: each placed at a node and named by its address.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from adaptive_plan.manifest.addresses import address_of
from adaptive_plan.manifest.yaml_loader import Marks, Path
from adaptive_plan.model.errors import Diagnostic, Severity
from adaptive_plan.model.suggest import Suggester


def did_you_mean(name: Any, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string (``model.suggest``:
    for many lookups among the same choices, keep one ``Suggester``)."""
    return Suggester(choices).hint(str(name))


class Collector:
    """Errors and warnings found so far.

    Marks are resolved when a problem is reported (top-level paths such as
    ``("version",)`` repeat across files, so their marks are only right at that
    moment); addresses are resolved at the end, against the merged ``document``.
    """

    def __init__(self, marks: Marks) -> None:
        self.marks = marks
        self.document: dict[str, Any] = {}
        self.items: list[tuple[Diagnostic, Path | None]] = []

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append((diagnostic, None))

    def at(
        self, path: Path, message: str, *, key: bool = False, severity: Severity = "error",
        code: str = "", subject: str = "",
    ) -> None:
        """A diagnostic at ``path`` of the merged document (its key's mark when ``key``)."""
        mark = (self.marks.key(path) if key else None) or self.marks.value(path)
        end = len(path)
        while mark is None and end > 0:
            end -= 1
            mark = self.marks.value(path[:end])
        self.items.append((Diagnostic(message, mark, None, severity, code, subject), path))

    def _resolved(self, severity: Severity) -> list[Diagnostic]:
        found = [
            d
            if path is None
            else dataclasses.replace(d, address=address_of(self.document, path))
            for d, path in self.items
            if d.severity == severity
        ]
        return sorted(found, key=_order)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d, _ in self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return self._resolved("error")

    @property
    def warnings(self) -> list[Diagnostic]:
        return self._resolved("warning")


def _order(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    source = diagnostic.source
    if source is None:
        return ("", 0, 0, diagnostic.message)
    return (source.file, source.line, source.column, diagnostic.message)
