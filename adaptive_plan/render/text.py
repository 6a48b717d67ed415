"""The Terraform-like text plan (DESIGN.md section 6): markers, steps as verbs, attribute diffs.

Returns a string; the CLI prints it. Reads only the plan value, so a saved plan renders
exactly as the plan it came from. Secrets and write-only values show as ``(sensitive)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from adaptive_plan.model.plan import Action, AttrChange, Change, Plan
from adaptive_plan.render.style import Palette, format_value
from adaptive_plan.render.value_diff import describe_change

_ACTION_STYLE = {
    Action.CREATE: ("green",),
    Action.UPDATE: ("yellow",),
    Action.DELETE: ("red",),
    Action.REPLACE: ("magenta",),
}
NO_CHANGES = "No changes. Live state matches the manifests."
DELETE_NOTE = "Note: this plan deletes; apply refuses it unless the plan is made with --allow-delete."


def render_plan_text(plan: Plan, *, color: bool) -> str:
    """The whole plan as text, ending with the ``Plan: ...`` summary line."""
    palette = Palette(color)
    shown = [change for change in plan.changes if change.action is not Action.NOOP]
    lines: list[str] = []
    if plan.targets:
        lines += [palette.paint("Targeting only: " + ", ".join(plan.targets), "dim"), ""]
    if shown:
        lines += ["adaptive-plan will perform the following actions:", ""]
        for change in shown:
            lines += _change_block(change, palette)
            lines.append("")
    lines += _warnings(plan, palette)
    lines += _unmanaged(plan.unmanaged, palette)
    lines.append(summary_line(plan, palette) if shown else palette.paint(NO_CHANGES, "green"))
    if not plan.allow_delete and any(_deletes(change) for change in shown):
        lines.append(palette.paint(DELETE_NOTE, "yellow"))
    return "\n".join(lines) + "\n"


def summary_line(plan: Plan, palette: Palette | None = None) -> str:
    """``Plan: N to create, N to update, N to delete.`` (a replace counts as one create and one delete)."""
    palette = palette or Palette(False)
    counts = plan.counts()
    create = counts["create"] + counts["replace"]
    delete = counts["delete"] + counts["replace"]
    return (
        f"{palette.paint('Plan:', 'bold')} {palette.paint(f'{create} to create', 'green')}, "
        f"{palette.paint(str(counts['update']) + ' to update', 'yellow')}, "
        f"{palette.paint(f'{delete} to delete', 'red')}."
    )


def _change_block(change: Change, palette: Palette) -> list[str]:
    style = _ACTION_STYLE[change.action]
    head = f"  {palette.paint(change.action.marker, *style, 'bold')} {palette.paint(change.address, 'bold')}"
    lines = [head]
    if change.reason:
        lines.append("      " + palette.paint(f"# {change.reason}", "dim"))
    verbs = " → ".join(dict.fromkeys(step.verb for step in change.steps))
    lines.append("      " + palette.paint(verbs or "(no API calls)", "cyan"))
    for attr in change.attributes:
        lines += ["      " + line for line in _attribute_lines(attr, change.action, palette)]
    lines += ["      " + palette.paint(f"! {warning}", "yellow") for warning in change.warnings]
    return lines


def _attribute_lines(attr: AttrChange, action: Action, palette: Palette) -> list[str]:
    """One line per attribute, or a head line plus an indented diff for multi-line or long
    values (see ``render.value_diff``), so a reviewer always sees what changed."""
    before = format_value(attr.before, sensitive=attr.sensitive)
    after = format_value(attr.after, sensitive=attr.sensitive)
    minus, plus, tilde = palette.paint("-", "red"), palette.paint("+", "green"), palette.paint("~", "yellow")
    if attr.sensitive:
        if action is Action.DELETE or attr.after is None:
            return [f"{minus} {attr.path}: {before}"]
        if attr.resent and action is not Action.CREATE:
            return [f"{tilde} {attr.path}: {after} (write-only, sent again)"]
        if action is Action.CREATE or attr.before is None:
            return [f"{plus} {attr.path}: {after}"]
        return [f"{tilde} {attr.path}: {before} → {after}"]
    if action is Action.DELETE:
        shown = describe_change(attr.before, None)
        sign = minus
    elif action is Action.CREATE or attr.before is None:
        shown = describe_change(None, attr.after)
        sign = plus
    elif attr.after is None:
        shown = describe_change(attr.before, None)
        sign = minus
    else:
        shown = describe_change(attr.before, attr.after)
        sign = tilde
    if shown.shape == "lines":
        return [f"{sign} {attr.path}:", *("    " + _painted_diff_line(line, palette) for line in shown.lines)]
    if sign is tilde and shown.shape == "excerpt":
        return [f"{sign} {attr.path}: (long value, cut around the first difference)",
                f"    {minus} {shown.before}", f"    {plus} {shown.after}"]
    if sign is tilde:
        return [f"{sign} {attr.path}: {before} → {after}"]
    return [f"{sign} {attr.path}: {after if sign is plus else before}"]


def _painted_diff_line(line: str, palette: Palette) -> str:
    if line.startswith("@@"):
        return palette.paint(line, "cyan")
    style = {"-": "red", "+": "green"}.get(line[:1])
    return palette.paint(line, style) if style else line


def _warnings(plan: Plan, palette: Palette) -> list[str]:
    quiet = [w for change in plan.changes if change.action is Action.NOOP for w in change.warnings]
    every = list(plan.warnings) + quiet
    if not every:
        return []
    return [palette.paint("Warnings:", "yellow", "bold"), *(f"  ! {warning}" for warning in every), ""]


def _unmanaged(addresses: Iterable[str], palette: Palette) -> list[str]:
    addresses = list(addresses)
    if not addresses:
        return []
    title = "Unmanaged (live, not in the manifests; left alone unless prune: true):"
    return [palette.paint(title, "bold"), *(f"  ? {address}" for address in addresses), ""]


def _deletes(change: Change) -> bool:
    return change.destroys
