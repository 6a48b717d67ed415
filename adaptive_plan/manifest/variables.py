"""Template variables: ``variables:`` defaults, then ``--var-file`` files, then ``--var``.

Defaults must be known before any file is rendered, so each file's top-level
``variables:`` block is read from the raw text (it may not use templates). The same
variable declared in two places is an error naming both. ``--var`` values are
strings, converted to the type of the variable's default when that is a bool or a
number; setting a variable nobody declared is a warning (with a close match).

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from adaptive_plan.manifest.files import read_text
from adaptive_plan.manifest.yaml_loader import Marks, YamlProblem, load_documents
from adaptive_plan.model.errors import Diagnostic
from adaptive_plan.model.source import SourceMark

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BLOCK_START = re.compile(r"^variables[ \t]*:")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class VariableResolver:
    """Collects variables from every source, in precedence order, with diagnostics."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.declared: dict[str, SourceMark] = {}
        self.problems: list[Diagnostic] = []

    def add_defaults(self, text: str, file: str) -> None:
        """Read the ``variables:`` block(s) of one file's raw text."""
        for start, chunk in _blocks(text):
            if "{{" in chunk or "{%" in chunk:
                message = "variables: defaults must be plain values; templates are not allowed here"
                self.problems.append(Diagnostic(message, SourceMark(file, start + 1, 1)))
                continue
            marks = Marks()
            try:
                documents = load_documents("\n" * start + chunk, file, marks, sections=False)
            except YamlProblem as problem:
                self.problems.append(problem.diagnostic)
                continue
            block = documents[0].data.get("variables") if documents else None
            if isinstance(block, dict):  # other shapes are reported by the schema
                for name, value in block.items():
                    self._declare(
                        name, value, marks.key(("variables", name)) or SourceMark(file, start + 1, 1)
                    )

    def _declare(self, name: str, value: Any, mark: SourceMark) -> None:
        if name in self.declared:
            message = f"variable {name!r} is declared twice (first at {self.declared[name]})"
            self.problems.append(Diagnostic(message, mark))
            return
        self.declared[name] = mark
        self.values[name] = value

    def add_var_files(self, paths: Sequence[str]) -> None:
        for path in paths:
            text = read_text(path)
            if isinstance(text, Diagnostic):
                self.problems.append(text)
                continue
            marks = Marks()
            try:
                documents = load_documents(text, path, marks, sections=False)
            except YamlProblem as problem:
                self.problems.append(problem.diagnostic)
                continue
            data = documents[0].data if documents else None
            if not isinstance(data, dict):
                message = "a var file must be a mapping of variable names to values"
                self.problems.append(Diagnostic(message, SourceMark(path, 1, 1)))
                continue
            for name, value in data.items():
                mark = marks.key((name,)) or SourceMark(path, 1, 1)
                if self._check_name(name, mark, "var file"):
                    self.values[name] = value

    def add_overrides(self, overrides: Mapping[str, str]) -> None:
        for name, raw in overrides.items():
            if not self._check_name(name, None, "--var"):
                continue
            value = _convert(raw, self.values.get(name))
            if isinstance(value, Diagnostic):
                self.problems.append(Diagnostic(f"--var {name}: {value.message}"))
            else:
                self.values[name] = value

    def _check_name(self, name: str, mark: SourceMark | None, origin: str) -> bool:
        if not NAME_RE.match(name):
            message = f"{origin}: {name!r} is not a valid variable name (letters, digits and _)"
            self.problems.append(Diagnostic(message, mark))
            return False
        if name not in self.declared:
            close = difflib.get_close_matches(name, list(self.declared), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            message = f"{origin} sets variable {name!r}, which no variables: block declares{hint}"
            self.problems.append(Diagnostic(message, mark, severity="warning"))
        return True


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line index, text) of every top-level ``variables:`` block."""
    lines = text.splitlines()
    found: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        if _BLOCK_START.match(lines[index]):
            end = index + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
                end += 1
            found.append((index, "\n".join(lines[index:end]) + "\n"))
            index = end
        else:
            index += 1
    return found


def _convert(raw: str, default: Any) -> Any:
    """``raw`` converted to the type of ``default`` (bool, int, float, list, dict), else kept."""
    if isinstance(default, bool):
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        return Diagnostic(f"expected true or false, got {raw!r}")
    if isinstance(default, int | float):
        try:
            return int(raw) if isinstance(default, int) else float(raw)
        except ValueError:
            return Diagnostic(f"expected a number, got {raw!r}")
    if isinstance(default, list | dict):
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = None
        if not isinstance(value, type(default)):
            return Diagnostic(f"expected a YAML {type(default).__name__}, got {raw!r}")
        return value
    return raw
