"""How a changed value is shown to a reviewer, so that no change is ever invisible.

Three shapes, chosen by :func:`describe_change`:

- **short**: both sides fit on a line; shown as ``before → after`` (text) or a ``-``/``+`` pair.
- **excerpt**: a long one-line value (or a long list/map that is one JSON line) is cut *around
  its first difference*: both sides start at the same offset, a little before the first
  differing character, so the cut before and after can never look equal.
- **lines**: multi-line text (judge criteria, prompts, function sources) and large lists/maps
  are shown as a unified line diff (stdlib ``difflib``): ``@@`` hunks with ``-``, ``+`` and
  context lines, never flattened into ``\\n`` escapes.

Secrets and write-only values are never diffed (the caller shows ``(sensitive)``).
Used by the plan and drift renderers; imports ``model`` only, returns strings.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from adaptive_plan.model.secrets import redact
from adaptive_plan.render.style import format_value

WIDTH = 200  # characters of a value shown on one line before it is cut
CONTEXT = 40  # characters kept before the first difference when cutting
CONTEXT_LINES = 3  # unchanged lines around each hunk of a line diff
ELLIPSIS = "…"


@dataclass(frozen=True)
class ValueChange:
    """``shape`` is ``short``, ``excerpt`` or ``lines``. For ``short``/``excerpt``, ``before``
    and ``after`` are one-line texts (``""`` on an absent side); for ``lines``, ``lines``
    holds the diff body: each line starts with ``-``, ``+``, `` `` or ``@@``."""

    shape: str
    before: str = ""
    after: str = ""
    lines: tuple[str, ...] = ()


def describe_change(before: Any, after: Any) -> ValueChange:
    """How to show ``before`` → ``after`` (``None`` on a side means absent there)."""
    if _needs_lines(before) or _needs_lines(after):
        return ValueChange("lines", lines=tuple(line_diff(_to_lines(before), _to_lines(after))))
    old = "" if before is None else format_value(before)
    new = "" if after is None else format_value(after)
    if len(old) <= WIDTH and len(new) <= WIDTH:
        return ValueChange("short", old, new)
    old_cut, new_cut = cut_around_difference(old, new)
    return ValueChange("excerpt", old_cut, new_cut)


def line_diff(before: list[str], after: list[str]) -> list[str]:
    """The unified diff body of two line lists (no ``---``/``+++`` header)."""
    if not before or not after:  # a whole value added or removed: every line, no hunk header
        sign, lines = ("+", after) if after else ("-", before)
        return [f"{sign}{line}" for line in lines]
    diff = difflib.unified_diff(before, after, lineterm="", n=CONTEXT_LINES)
    return _shorten_long_lines([line for index, line in enumerate(diff) if index >= 2])


def _shorten_long_lines(lines: list[str]) -> list[str]:
    """Cut diff lines longer than ``WIDTH``: a run of ``-`` lines followed by as many ``+``
    lines is cut pairwise around each pair's first difference, so a changed long line never
    shows as two equal excerpts; any other long line is cut at its end."""
    out = list(lines)
    index = 0
    while index < len(out):
        removed = _run(out, index, "-")
        added = _run(out, index + removed, "+")
        if removed and removed == added:
            for offset in range(removed):
                old, new = out[index + offset], out[index + removed + offset]
                if len(old) > WIDTH + 1 or len(new) > WIDTH + 1:
                    old_cut, new_cut = cut_around_difference(old[1:], new[1:])
                    out[index + offset], out[index + removed + offset] = "-" + old_cut, "+" + new_cut
            index += removed + added
            continue
        if len(out[index]) > WIDTH + 1:
            out[index] = out[index][0] + _cut(out[index][1:], 0, WIDTH)
        index += 1
    return out


def _run(lines: list[str], start: int, sign: str) -> int:
    end = start
    while end < len(lines) and lines[end].startswith(sign):
        end += 1
    return end - start


def cut_around_difference(before: str, after: str, width: int = WIDTH) -> tuple[str, str]:
    """Both texts cut to about ``width`` characters, starting ``CONTEXT`` characters before
    their first difference, with ``…`` where something was cut. The two results differ
    whenever the inputs do: each keeps its first differing character (or its end)."""
    if not before or not after:
        return _cut(before, 0, width), _cut(after, 0, width)
    prefix = _common_prefix(before, after)
    start = max(0, prefix - CONTEXT)
    return _cut(before, start, width), _cut(after, start, width)


def _cut(text: str, start: int, width: int) -> str:
    stop = min(len(text), start + width)
    head = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if stop < len(text) else ""
    return head + text[start:stop] + tail


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def _needs_lines(value: Any) -> bool:
    """Multi-line text, or a list/map too long for one line, is shown as a line diff."""
    if isinstance(value, str):
        return "\n" in value
    return isinstance(value, (list, dict)) and len(format_value(value)) > WIDTH


def _to_lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split("\n")
    if isinstance(value, (list, dict)):
        return json.dumps(redact(value), ensure_ascii=False, indent=2, default=str).split("\n")
    return [format_value(value)]
