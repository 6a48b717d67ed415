"""``PlanCheck``: a server-side check of a declared resource that plan makes before it shows.

Some mistakes only the server can find, and finding them at apply is too late: a function
grader whose code does not compile fails ``createGrader`` after the project it belongs to
was already created. The API offers ``validateFunctionGrader``, so the grader kind returns a
check for every function grader the plan would create or update (``Kind.plan_checks``), and
``live.checks`` sends every check of the plan in one request, each under its own alias.

A check is kind knowledge and holds no I/O: the field to select, its variables, and how to
read the answer. Checks are never saved with a plan: a saved plan was checked when it was made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


def _passed(answer: Any) -> list[str]:
    return []


@dataclass(frozen=True)
class PlanCheck:
    """One check of the resource at ``address``.

    ``selection``: the GraphQL field to select, with ``$name`` for each of ``variables``
    (name -> (GraphQL type, value)); "" when the check cannot be made (then ``note`` says why,
    as a warning).
    ``operation``: the field's root type (``validateFunctionGrader`` is a mutation that
    changes nothing).
    ``problems``: the answer under the field's alias -> what is wrong, each message already
    naming file:line and the address; empty when the check passed.
    ``failed``: problems known without asking the server (when ``selection`` is "").
    """

    address: str
    selection: str = ""
    variables: Mapping[str, tuple[str, Any]] = field(default_factory=dict)
    operation: Literal["query", "mutation"] = "query"
    problems: Callable[[Any], list[str]] = _passed
    note: str = ""
    failed: tuple[str, ...] = ()
