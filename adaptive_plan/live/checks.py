"""``run_checks``: the plan's server-side checks (``kinds.checks.PlanCheck``), one request per
root type, every check under its own alias.

``validateFunctionGrader`` is a mutation (it changes nothing, but the API puts it there), so
it cannot join the live read's query documents: a plan with function graders to create or
update makes one more request, ``mutation PlanChecks``, however many there are; a plan
without any makes none. Each check's ``$name`` variables become ``$c<i>_<name>``, so the
checks never share a variable and values travel as variables, never as literals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from adaptive_plan.kinds.checks import PlanCheck

OPERATION = "PlanChecks"
_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class Executes(Protocol):
    def execute(
        self, document: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]: ...


@dataclass
class CheckResult:
    """``problems``: what failed (each naming file:line and address); ``notes``: checks that
    could not be made, as warnings."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_checks(client: Executes, checks: Sequence[PlanCheck]) -> CheckResult:
    result = CheckResult(
        problems=[problem for check in checks for problem in check.failed],
        notes=[check.note for check in checks if not check.selection and check.note],
    )
    for operation in ("query", "mutation"):
        batch = [check for check in checks if check.selection and check.operation == operation]
        if batch:
            document, variables = _document(operation, batch)
            data = client.execute(document, variables, operation_name=OPERATION, sensitive=())
            for index, check in enumerate(batch):
                result.problems.extend(check.problems(data.get(f"c{index}")))
    return result


def _document(operation: str, batch: Sequence[PlanCheck]) -> tuple[str, dict[str, Any]]:
    definitions: list[str] = []
    fields: list[str] = []
    variables: dict[str, Any] = {}
    for index, check in enumerate(batch):
        prefix = f"c{index}_"
        for name, (kind, value) in check.variables.items():
            definitions.append(f"${prefix}{name}: {kind}")
            variables[prefix + name] = value
        fields.append(f"c{index}: " + _VARIABLE.sub(lambda m, p=prefix: f"${p}{m.group(1)}", check.selection))
    head = f"{operation} {OPERATION}({', '.join(definitions)})" if definitions else f"{operation} {OPERATION}"
    return head + " {\n  " + "\n  ".join(fields) + "\n}", variables
