"""The drift report: a plan read from the other side (live against declared).

``drift_report(plan, ...)`` turns a :class:`~adaptive_plan.model.plan.Plan` into the
canonical JSON document below; the text and markdown renderers read only that document
(as Terraform's human renderer reads the JSON plan). Returns strings/dicts; prints nothing.
Imports only ``model``.

JSON document (``format_version`` 1)::

    {
      "format_version": 1,
      "tool_version": "0.1.0",
      "target": "https://adaptive.example",        # the URL, never the key
      "in_sync": false,
      "drifted": [
        {
          "address": "project.support-bot/grader.politeness",
          "kind": "grader",
          "status": "changed",      # changed | missing | extra
          "fix": "update",          # what apply would do: update | replace | create | delete
          "source": "manifest.yaml:27:9",             # where it is declared, or null
          "reason": "",
          "attributes": [
            {"path": "locked", "live": true, "declared": false, "sensitive": false}
          ]
        }
      ],
      "unmanaged": ["user.admin@adaptive.local"],
      "summary": {"drifted": 1, "changed": 1, "missing": 0, "extra": 0, "unmanaged": 1}
    }

``changed``: declared and live, with attributes that differ (only attributes the
manifest declares are compared). ``missing``: declared, absent live. ``extra``: live,
absent from a list the manifest owns (a project's ``shares``, or ``prune: true``), so
apply would delete it. ``live``/``declared`` are null when absent on that side;
sensitive values are ``"(sensitive)"``. Unmanaged objects are listed, never drift.
"""

from __future__ import annotations

import re
from typing import Any

from adaptive_plan.model.plan import Action, AttrChange, Change, Plan
from adaptive_plan.model.secrets import REDACTED, Sensitive, redact
from adaptive_plan.render.style import Palette, format_value
from adaptive_plan.render.value_diff import ValueChange, describe_change

FORMAT_VERSION = 1
GITHUB_LIMIT = 65_536  # characters in an issue/comment body; measured in UTF-8 bytes (stricter)
HEADROOM = 2_048  # room for a caller's marker or heading
STATUS = {
    Action.UPDATE: "changed",
    Action.REPLACE: "changed",
    Action.CREATE: "missing",
    Action.DELETE: "extra",
}
_STATUS_TEXT = {
    "changed": "differs from the manifests",
    "missing": "declared, missing live",
    "extra": "live, not declared (apply would delete it)",
}
_STATUS_STYLE = {"changed": "yellow", "missing": "green", "extra": "red"}
_MARKER = {"changed": "~", "missing": "+", "extra": "-"}


def drift_report(plan: Plan, *, target: str, tool_version: str) -> dict[str, Any]:
    """The canonical drift document for ``plan`` (see the module docstring)."""
    drifted = [_entry(change) for change in plan.changes if change.action is not Action.NOOP]
    counts = {status: sum(1 for item in drifted if item["status"] == status) for status in _STATUS_TEXT}
    return {
        "format_version": FORMAT_VERSION,
        "tool_version": tool_version,
        "target": target,
        "in_sync": not drifted,
        "drifted": drifted,
        "unmanaged": list(plan.unmanaged),
        "summary": {"drifted": len(drifted), **counts, "unmanaged": len(plan.unmanaged)},
    }


def _entry(change: Change) -> dict[str, Any]:
    return {
        "address": change.address,
        "kind": change.kind,
        "status": STATUS[change.action],
        "fix": change.action.value,
        "source": change.source,
        "reason": change.reason,
        "attributes": [_attribute(attr) for attr in change.attributes],
    }


def _attribute(attr: AttrChange) -> dict[str, Any]:
    return {
        "path": attr.path,
        "live": _value(attr.before, attr.sensitive),
        "declared": _value(attr.after, attr.sensitive),
        "sensitive": attr.sensitive,
    }


def _value(value: Any, sensitive: bool) -> Any:
    if value is None:
        return None
    if sensitive or isinstance(value, Sensitive):
        return REDACTED
    return redact(value)


# --- text ---------------------------------------------------------------------------------


def render_drift_text(report: dict[str, Any], *, color: bool) -> str:
    """Terminal report: one block per drifted address, then unmanaged objects, then a summary."""
    palette = Palette(color)
    lines: list[str] = []
    for item in report["drifted"]:
        lines += [*_text_block(item, palette), ""]
    if report["unmanaged"]:
        title = "Unmanaged (live, not in the manifests; not drift):"
        lines += [palette.paint(title, "bold"), *(f"  ? {a}" for a in report["unmanaged"]), ""]
    lines.append(drift_summary(report, palette))
    return "\n".join(lines) + "\n"


def drift_summary(report: dict[str, Any], palette: Palette | None = None) -> str:
    """``No drift: ...`` or ``Drift: 3 addresses (1 changed, 1 missing, 1 extra).``"""
    palette = palette or Palette(False)
    summary = report["summary"]
    if report["in_sync"]:
        return palette.paint("No drift: live state matches the manifests.", "green")
    noun = "address" if summary["drifted"] == 1 else "addresses"
    parts = ", ".join(f"{summary[status]} {status}" for status in _STATUS_TEXT)
    return f"{palette.paint('Drift:', 'bold', 'yellow')} {summary['drifted']} {noun} ({parts})."


def _text_block(item: dict[str, Any], palette: Palette) -> list[str]:
    status = item["status"]
    marker = palette.paint(_MARKER[status], _STATUS_STYLE[status], "bold")
    address = palette.paint(item["address"], "bold")
    lines = [f"  {marker} {address}  {palette.paint(_STATUS_TEXT[status], 'dim')}"]
    if item["source"]:
        lines.append("      " + palette.paint(f"# declared at {item['source']}", "dim"))
    if item["reason"]:
        lines.append("      " + palette.paint(f"# {item['reason']}", "dim"))
    for attr in item["attributes"]:
        lines += ["      " + line for line in _text_attribute(attr, status)]
    return lines


def _text_attribute(attr: dict[str, Any], status: str) -> list[str]:
    live, declared = _shown(attr["live"]), _shown(attr["declared"])
    if status == "missing":
        return [f"{attr['path']}: declared {declared}"]
    if status == "extra":
        return [f"{attr['path']}: live {live}"]
    shown = _long_change(attr)
    if shown is None:
        return [f"{attr['path']}: live {live}, declared {declared}"]
    if shown.shape == "lines":
        return [f"{attr['path']}: (- live, + declared)", *("    " + line for line in shown.lines)]
    return [f"{attr['path']}: (long value, cut around the first difference)",
            f"    live     {shown.before}", f"    declared {shown.after}"]


def _long_change(attr: dict[str, Any]) -> ValueChange | None:
    """The diff of a multi-line or long live/declared pair; ``None`` when it fits on a line."""
    if attr["sensitive"]:
        return None
    shown = describe_change(attr["live"], attr["declared"])
    return None if shown.shape == "short" else shown


def _shown(value: Any) -> str:
    if value is None:
        return "(absent)"
    return REDACTED if value == REDACTED else format_value(value)


# --- markdown -----------------------------------------------------------------------------


def render_drift_markdown(report: dict[str, Any], *, limit: int = GITHUB_LIMIT - HEADROOM) -> str:
    """Markdown for an issue or step summary: summary table first, then one ``<details>`` per
    drifted address, then unmanaged objects. At most ``limit`` UTF-8 bytes: details and the
    unmanaged list are cut (with a note of how many were left out), never the summary."""
    head = _markdown_head(report)
    budget = limit - _size(head) - 600  # 600: room for the two cut notes
    blocks, budget = _fitting([_markdown_block(item) for item in report["drifted"]], budget)
    parts = [head, *blocks]
    if len(blocks) < len(report["drifted"]):
        left_out = len(report["drifted"]) - len(blocks)
        parts.append(f"_... and {left_out} more drifted addresses not shown (GitHub's size limit)._\n\n")
    if report["unmanaged"]:
        items = [f"- {_code(address)}\n" for address in report["unmanaged"]]
        title = "**Unmanaged** (live, not in the manifests; not drift):\n\n"
        shown, budget = _fitting(items, budget - _size(title))
        parts += [title, *shown]
        if len(shown) < len(items):
            parts.append(f"\n_... and {len(items) - len(shown)} more unmanaged objects not shown._\n")
    return "".join(parts)


def _fitting(pieces: list[str], budget: int) -> tuple[list[str], int]:
    """The leading ``pieces`` that fit in ``budget`` bytes, and the budget left."""
    kept: list[str] = []
    for piece in pieces:
        size = _size(piece)
        if size > budget:
            break
        kept.append(piece)
        budget -= size
    return kept, budget


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _markdown_head(report: dict[str, Any]) -> str:
    summary = report["summary"]
    state = "in sync" if report["in_sync"] else f"{summary['drifted']} drifted"
    title = f"### adaptive-plan drift: {state}"
    rows = [f"| {status} | {summary[status]} |" for status in _STATUS_TEXT]
    table = ["| status | count |", "|---|---|", *rows, f"| unmanaged (not drift) | {summary['unmanaged']} |"]
    lines = [title, "", f"Target: {_code(report['target'])}", "", *table, "", drift_summary(report), ""]
    return "\n".join(lines) + "\n"


def _markdown_block(item: dict[str, Any]) -> str:
    status = item["status"]
    summary = f"<code>{_MARKER[status]} {_escape(item['address'])}</code> {_STATUS_TEXT[status]}"
    long_changes = {}
    if status == "changed":
        long_changes = {attr["path"]: _long_change(attr) for attr in item["attributes"]}
    rows = [
        f"| {_code(attr['path'])} | {_cell(attr['live'])} | {_cell(attr['declared'])} |"
        if long_changes.get(attr["path"]) is None
        else f"| {_code(attr['path'])} | _see the diff below_ | _see the diff below_ |"
        for attr in item["attributes"]
    ]
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    if item["source"]:
        lines += [f"Declared at {_code(item['source'])}.", ""]
    if item["reason"]:
        lines += [_escape(item["reason"]), ""]
    if rows:
        lines += ["| attribute | live | declared |", "|---|---|---|", *rows, ""]
    for path, shown in long_changes.items():
        if shown is not None:
            lines += [*_diff_block(path, shown), ""]
    lines += ["</details>", ""]
    return "\n".join(lines) + "\n"


def _diff_block(path: str, shown: ValueChange) -> list[str]:
    """A fenced ``diff`` of one attribute: ``-`` is live, ``+`` is declared."""
    if shown.shape == "lines":
        body = [f" {path}: (- live, + declared)", *shown.lines]
    else:
        body = [f"- {path}: {shown.before}", f"+ {path}: {shown.after}"]
    text = "\n".join(body)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}diff", text, fence]


def _cell(value: Any) -> str:
    text = _shown(value)
    return _code(text if len(text) <= 300 else text[:297] + "...")


def _code(text: str) -> str:
    """A code span safe in a table cell (backticks and pipes cannot end it early)."""
    return "`" + text.replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
