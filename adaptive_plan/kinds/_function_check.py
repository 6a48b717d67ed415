"""``validateFunctionGrader`` for a function grader the plan would create or update.

The check runs in the grader's project when it exists, else in another live project (the
API takes a project for the call; the code does not depend on it), and when the instance
has no project at all it cannot run: the plan says so, as a warning, with the local
parser's verdict on the code. A failed check names where the code
was written: the ``.py`` file of ``function.file`` at the line the server names, or the
manifest line of an inline ``function.source`` (a multi-line source is a block scalar whose
first line follows the ``source:`` key). Used only by ``kinds/grader.py``.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from typing import Any

from adaptive_plan.kinds.checks import PlanCheck
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState
from adaptive_plan.model.source import SourceMark

FIELD = (
    "validateFunctionGrader(project: $project, code: $code) "
    "{ valid checks { name passed message } warnings }"
)
_LINE = re.compile(r"\bline (\d+)")


def code_origin(
    manifest: Manifest, path: tuple[str | int, ...], function: dict[str, Any]
) -> dict[str, Any]:
    """Where line 1 of a function grader's code is: ``{"file", "line", "column"}``, and
    whether the server's line numbers count from there (``offset``)."""
    if isinstance(function.get("file"), str):
        mark = manifest.mark((*path, "file"))
        base = os.path.dirname(mark.file) if mark is not None else ""
        return {"file": os.path.join(base, function["file"]), "line": 1, "column": 1, "offset": True}
    mark = manifest.mark((*path, "source"))
    if mark is None:
        return {}
    block = "\n" in str(function.get("source") or "").rstrip("\n")
    line = mark.line + (1 if block else 0)
    return {"file": mark.file, "line": line, "column": mark.column, "offset": block}


def function_checks(desired: Resource, live: LiveState) -> tuple[PlanCheck, ...]:
    if desired.attrs.get("type") != "function" or not desired.attrs.get("function.source"):
        return ()
    address = str(desired.address)
    project = _project(desired.identity["project"], live)
    origin = dict(desired.identity.get("code_at") or {})
    if project is None:
        return (_unchecked(address, desired.attrs["function.source"], origin, desired.identity["project"]),)
    return (
        PlanCheck(
            address,
            selection=FIELD,
            variables={
                "project": ("IdOrKey!", project),
                "code": ("String!", desired.attrs["function.source"]),
            },
            operation="mutation",
            problems=lambda answer: _problems(answer, address, origin),
        ),
    )


def _unchecked(address: str, code: str, origin: dict[str, Any], project: str) -> PlanCheck:
    """When the server cannot check the code (the instance has no project yet), a warning says
    so, and the local Python's parser stands in for it: a syntax error fails the plan, with a
    way out should the server's Python accept syntax this one does not."""
    why = (
        "the server cannot validate the function grader's code before apply (validateFunctionGrader "
        "runs in a project, and the instance has none yet)"
    )
    try:
        ast.parse(code)
    except SyntaxError as error:
        where = _where(origin, f"line {error.lineno}") if error.lineno else _where(origin, "")
        version = ".".join(map(str, sys.version_info[:2]))
        problem = (
            f"{where}: {address}: the function grader's code does not parse with Python {version}: "
            f"{error.msg}; {why}. If the server's Python accepts it, apply --target project.{project} "
            "first and plan again"
        )
        return PlanCheck(address, failed=(problem,))
    return PlanCheck(address, note=f"{address}: {why}")


def _project(key: str, live: LiveState) -> str | None:
    if live.get(Address("project", key)) is not None:
        return key
    others = sorted(resource.address.key for resource in live.of_kind("project"))
    return others[0] if others else None


def _problems(answer: Any, address: str, origin: dict[str, Any]) -> list[str]:
    if not isinstance(answer, dict) or answer.get("valid"):
        return []
    failed = [check for check in answer.get("checks") or [] if not check.get("passed")]
    if not failed:
        failed = [{"name": "validation", "message": "the server found the code invalid"}]
    return [
        f"{_where(origin, str(check.get('message') or ''))}: {address}: the function grader's code fails "
        f"the server's validateFunctionGrader ({check.get('name')}): {check.get('message')}; nothing was sent"
        for check in failed
    ]


def _where(origin: dict[str, Any], message: str) -> str:
    if not origin:
        return "?"
    line, column = origin["line"], origin["column"]
    found = _LINE.search(message)
    if found and origin.get("offset"):
        line, column = origin["line"] + int(found.group(1)) - 1, 1
    return str(SourceMark(origin["file"], line, column))
