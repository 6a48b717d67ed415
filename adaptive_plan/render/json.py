"""The JSON plan: the canonical, documented form for policy tools and scripts.

Its shape is fixed by ``schemas/plan.schema.json`` (``format_version`` 1). It reads only the
plan value, shows secrets and write-only values as ``(sensitive)``, and carries the target
URL without credentials, never the API key. It is *not* the saved-plan file (that one keeps
step documents and variables with secret references; see ``apply.staleness``).
Imports ``model`` only; returns strings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from adaptive_plan import __version__
from adaptive_plan.model.plan import AttrChange, Change, Plan, Step
from adaptive_plan.model.secrets import REDACTED, redact
from adaptive_plan.render.text import summary_line

FORMAT_VERSION = 1


def render_plan_json(plan: Plan, *, target_url: str, warnings: Sequence[str] = ()) -> str:
    """The plan as one indented JSON document (``plan_document``), ending with a newline."""
    document = plan_document(plan, target_url=target_url, warnings=warnings)
    return json.dumps(document, indent=2, default=str) + "\n"


def plan_document(plan: Plan, *, target_url: str, warnings: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON plan as a dict. ``warnings``: extra lines (manifest warnings) listed first."""
    return {
        "format_version": FORMAT_VERSION,
        "tool_version": __version__,
        "target_url": public_url(target_url),
        "has_changes": plan.has_changes,
        "allow_delete": plan.allow_delete,
        "targets": list(plan.targets),
        "changes": [_change(change) for change in plan.changes],
        "unmanaged": list(plan.unmanaged),
        "warnings": [*warnings, *plan.warnings],
        "summary": summary_counts(plan),
    }


def summary_counts(plan: Plan) -> dict[str, Any]:
    """``by_action`` (every action, zeros included), ``by_kind`` (kind -> action -> count,
    non-zero only) and ``text`` (the ``Plan: ...`` line of the text plan)."""
    by_kind: dict[str, dict[str, int]] = {}
    for change in plan.changes:
        counts = by_kind.setdefault(change.kind, {})
        counts[change.action.value] = counts.get(change.action.value, 0) + 1
    return {
        "by_action": plan.counts(),
        "by_kind": {kind: by_kind[kind] for kind in sorted(by_kind)},
        "text": summary_line(plan),
    }


def public_url(url: str) -> str:
    """``url`` without user:password and without query or fragment (never credentials)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _change(change: Change) -> dict[str, Any]:
    return {
        "address": change.address,
        "kind": change.kind,
        "action": change.action.value,
        "reason": change.reason,
        "source": change.source,
        "depends_on": list(change.depends_on),
        "steps": [_step(step) for step in change.steps],
        "attributes": [_attribute(attr) for attr in change.attributes],
        "warnings": list(change.warnings),
    }


def _step(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "verb": step.verb,
        "operation": step.operation,
        "description": step.description,
        "after": list(step.after),
    }


def _attribute(attr: AttrChange) -> dict[str, Any]:
    return {
        "path": attr.path,
        "before": _value(attr.before, attr.sensitive),
        "after": _value(attr.after, attr.sensitive),
        "sensitive": attr.sensitive,
    }


def _value(value: Any, sensitive: bool) -> Any:
    if value is None:
        return None
    return REDACTED if sensitive else redact(value)
