"""The markdown plan, for pull-request comments and GitHub step summaries.

Layout: a title, the summary tables (counts by action, then by kind x action), deletions
called out at the top, then one collapsible ``<details>`` block per changed resource, then
warnings and unmanaged objects. The result always stays under GitHub's 65,536-character
comment limit (measured in UTF-8 bytes, which is stricter): the per-resource sections are
cut with a note of how many were left out; the summary is never cut. Secrets and
write-only values show as ``(sensitive)``. Imports ``model`` only; returns a string.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from adaptive_plan.model.plan import Action, AttrChange, Change, Plan
from adaptive_plan.render.json import summary_counts
from adaptive_plan.render.style import format_value
from adaptive_plan.render.value_diff import describe_change

GITHUB_LIMIT = 65_536
STEP_SUMMARY_LIMIT = 1_048_576  # GitHub's limit for one step's $GITHUB_STEP_SUMMARY (1 MiB)
HEADROOM = 2_048  # room for a caller's sticky-comment marker or heading
_CHANGE_ORDER = ("create", "update", "replace", "delete")
_SIGN = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "no-op": " "}


def render_plan_markdown(
    plan: Plan,
    *,
    target_url: str = "",
    warnings: Sequence[str] = (),
    unset_secrets: Sequence[str] = (),
    limit: int = GITHUB_LIMIT - HEADROOM,
) -> str:
    """The plan as GitHub markdown of at most ``limit`` UTF-8 bytes (the summary always kept).

    ``unset_secrets``: names of secrets not set where the plan ran, folded into one warning
    line (a PR's plan job rarely holds the apply job's secrets). ``limit``: the comment limit
    by default; ``STEP_SUMMARY_LIMIT - HEADROOM`` for a job's step summary."""
    head = _title(plan, target_url) + _summary_tables(plan)
    budget = _Budget(limit - _size(head) - 600)  # 600: the truncation notes
    shown = [change for change in plan.changes if change.action is not Action.NOOP]
    doomed = [change for change in shown if change.destroys]  # removing access is not listed
    deletions = budget.take([f"- `{_code(change.address)}`\n" for change in doomed], share=0.25)
    every_warning = [*_secrets_line(unset_secrets), *_all_warnings(plan, warnings)]
    notes = budget.take([f"- {_inline(text)}\n" for text in every_warning], share=0.15)
    unmanaged = budget.take([f"- `{_code(address)}`\n" for address in plan.unmanaged], share=0.15)
    changes = _changes_section(shown, budget)
    parts = [head]
    if doomed:
        parts.append(_deletion_callout(plan, len(doomed)) + _listing(deletions, "deletions"))
    if shown:
        parts.append(changes)
    else:
        parts.append("No changes. Live state matches the manifests.\n")
    if notes.items or notes.left_out:
        parts.append("### Warnings\n\n" + _listing(notes, "warnings"))
    if unmanaged.items or unmanaged.left_out:
        title = "### Unmanaged\n\nLive, not in the manifests; left alone unless `prune: true`.\n\n"
        parts.append(title + _listing(unmanaged, "objects"))
    return "\n".join(parts)


class _Slice:
    def __init__(self, items: list[str], left_out: int) -> None:
        self.items = items
        self.left_out = left_out


class _Budget:
    """Hands out bytes to sections in order; a section gets at most ``share`` of what is left."""

    def __init__(self, total: int) -> None:
        self.left = max(0, total)

    def take(self, items: list[str], share: float) -> _Slice:
        allowance = int(self.left * share)
        kept: list[str] = []
        used = 0
        for item in items:
            size = _size(item) + 1
            if used + size > allowance:
                break
            kept.append(item)
            used += size
        self.left -= used
        return _Slice(kept, len(items) - len(kept))


def _changes_section(shown: list[Change], budget: _Budget) -> str:
    """Full ``<details>`` blocks while they fit; if not all do, 70% of the room for them and
    one line per further change after them, then a note of how many were left out."""
    blocks = [_details(change) for change in shown]
    if sum(_size(block) + 1 for block in blocks) <= budget.left:
        return "### Changes\n\n" + "\n".join(blocks) + "\n"
    details = budget.take(blocks, share=0.7)
    rest = shown[len(details.items) :]
    lines = budget.take([_one_line(change) for change in rest], share=1.0)
    text = "### Changes\n\n" + "\n".join(details.items)
    text += f"\n**{len(rest)} more change(s)**, without details (GitHub's size limit):\n\n"
    return text + _listing(lines, "resources")


def _one_line(change: Change) -> str:
    verbs = " → ".join(dict.fromkeys(step.verb for step in change.steps)) or "(no API calls)"
    return f"- `{_SIGN[change.action.value]} {_code(change.address)}` · {html.escape(verbs)}\n"


def _listing(section: _Slice, noun: str, joiner: str = "") -> str:
    text = joiner.join(section.items)
    if section.left_out:
        note = f"_… and {section.left_out} more {noun} not shown (GitHub's size limit). "
        note += "The job's step summary and its saved plan artifact hold the full plan: "
        note += "`adaptive-plan show plan.json` reads the artifact offline, with no credentials._\n"
        text += ("\n" if text else "") + note
    return text + "\n"


def _title(plan: Plan, target_url: str) -> str:
    where = f" for `{_code(target_url)}`" if target_url else ""
    lines = [f"## adaptive-plan{where}", ""]
    if plan.targets:
        lines += ["Targeting only: " + ", ".join(f"`{_code(t)}`" for t in plan.targets), ""]
    return "\n".join(lines) + "\n"


def _summary_tables(plan: Plan) -> str:
    """The headline and the tables, counted the same way: a replace is one replace (not a
    create plus a delete, as the text plan's Terraform-style line counts it); rows and
    columns that would be all zeros are left out."""
    summary = summary_counts(plan)
    by_action = summary["by_action"]
    changed = [action for action in _CHANGE_ORDER if by_action.get(action)]
    lines = [f"**{headline(by_action)}**", ""]
    if changed:
        lines += ["| action | count |", "|---|---:|"]
        lines += [f"| {_SIGN[a]} {a} | {by_action[a]} |" for a in changed]
    kinds = {kind: n for kind, n in summary["by_kind"].items() if any(n.get(a) for a in changed)}
    if len(kinds) > 1:
        lines += ["", "| kind | " + " | ".join(changed) + " |", "|---" + "|---:" * len(changed) + "|"]
        for kind, counts in kinds.items():
            lines.append(f"| {kind} | " + " | ".join(str(counts.get(a, 0)) for a in changed) + " |")
    return "\n".join(lines) + "\n\n"


def headline(by_action: dict[str, int]) -> str:
    """``Plan: 2 to create, 1 to update, 1 to replace, 0 to delete.`` (plus unchanged objects)."""
    counts = ", ".join(f"{by_action.get(action, 0)} to {action}" for action in _CHANGE_ORDER)
    unchanged = by_action.get("no-op", 0)
    return f"Plan: {counts}." + (f" {unchanged} unchanged." if unchanged else "")


def _deletion_callout(plan: Plan, count: int) -> str:
    allowed = (
        "The plan was made with `--allow-delete`."
        if plan.allow_delete
        else "Apply refuses it unless the plan is made with `--allow-delete`."
    )
    return f"> [!WARNING]\n> **This plan deletes or replaces {count} object(s).** {allowed}\n\n"


def _details(change: Change) -> str:
    """A collapsible block for the change, or one list line when there is nothing to expand."""
    action = change.action.value
    verbs = " → ".join(dict.fromkeys(step.verb for step in change.steps)) or "(no API calls)"
    summary = f"<code>{_SIGN[action]} {html.escape(change.address)}</code> · {html.escape(verbs)}"
    body: list[str] = []
    if change.reason:
        body.append(f"_{_inline(change.reason)}_\n")
    lines = [_attribute_lines(attr, change.action) for attr in change.attributes]
    diff = "\n".join(line for group in lines for line in group)
    if diff:
        fence = _fence(diff)
        body.append(f"{fence}diff\n{diff}\n{fence}\n")
    body += [f"- :warning: {_inline(warning)}\n" for warning in change.warnings]
    if not body:
        return f"- {summary}\n"
    return f"<details><summary>{summary}</summary>\n\n" + "\n".join(body) + "\n</details>\n"


def _attribute_lines(attr: AttrChange, action: Action) -> list[str]:
    """Lines of the ``diff`` block for one attribute. Multi-line and long values are a
    unified line diff or an excerpt cut around the first difference (``render.value_diff``):
    a change is never hidden by the cut."""
    if attr.sensitive:
        before = format_value(attr.before, sensitive=True)
        after = format_value(attr.after, sensitive=True)
        if action is Action.DELETE or attr.after is None:
            return [f"- {attr.path}: {before}"]
        if attr.before is None:
            sent_again = " (write-only, sent again)" if attr.resent and action is not Action.CREATE else ""
            return [f"+ {attr.path}: {after}{sent_again}"]
        return [f"- {attr.path}: {before}", f"+ {attr.path}: {after}"]
    if action is Action.DELETE or attr.after is None:
        before, after = attr.before, None
    elif action is Action.CREATE or attr.before is None:
        before, after = None, attr.after
    else:
        before, after = attr.before, attr.after
    shown = describe_change(before, after)
    if shown.shape == "lines":
        return [f" {attr.path}:", *shown.lines]
    lines = []
    if before is not None:
        lines.append(f"- {attr.path}: {shown.before}")
    if after is not None:
        lines.append(f"+ {attr.path}: {shown.after}")
    return lines


def _secrets_line(names: Sequence[str]) -> list[str]:
    unique = sorted(set(names))
    if not unique:
        return []
    noun = "secret is" if len(unique) == 1 else "secrets are"
    listed = ", ".join(f"`{_code(name)}`" for name in unique)
    return [f"{len(unique)} {noun} read only at apply and not set where this plan ran: {listed}"]


def _all_warnings(plan: Plan, extra: Sequence[str]) -> list[str]:
    quiet = [w for change in plan.changes if change.action is Action.NOOP for w in change.warnings]
    return [*extra, *plan.warnings, *quiet]


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _inline(text: str) -> str:
    """One line of text that cannot open HTML or break out of a list item."""
    return html.escape(" ".join(text.split()), quote=False)


def _code(text: str) -> str:
    """Text for an inline code span: one line, no backticks."""
    return " ".join(text.split()).replace("`", "'")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))
