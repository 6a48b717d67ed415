"""Plan-time reference check: every reference must exist in the manifests or live.

Every problem is collected and raised once as a ``PlanError`` naming both ends and,
when one is close, the address the user probably meant. Pure.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState


def check_references(desired: Mapping[Address, Resource], live: LiveState) -> None:
    """Raise ``PlanError`` listing every reference to an address neither declared nor live."""
    known = set(desired) | set(live.resources)
    problems: list[str] = []
    for address in sorted(desired, key=str):
        resource = desired[address]
        for ref in resource.refs:
            if ref in known:
                continue
            where = f"{resource.source}: " if resource.source is not None else ""
            hint = suggestion(ref, known)
            problems.append(f"{where}{address} references {ref} which is neither declared nor live{hint}")
    if problems:
        raise PlanError("\n".join(problems))


def suggestion(missing: Address, known: Iterable[Address]) -> str:
    """`` (did you mean X?)`` for the closest known address of the same kind and parent, or ``""``.

    Same parent: a deployment ``project.p/model.m`` shares the address kind ``model`` with the
    registry model ``model.m`` it references, and must never be offered for it.
    """
    by_key = {a.key: a for a in known if a.kind == missing.kind and a.parent == missing.parent}
    close = difflib.get_close_matches(missing.key, list(by_key), n=1, cutoff=0.6)
    return f" (did you mean {by_key[close[0]]}?)" if close else ""
