"""Plan-time reference check: every reference must exist in the manifests or live.

Every problem is collected and raised once as a ``PlanError`` naming both ends and,
when one is close, the address the user probably meant. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState
from adaptive_plan.model.suggest import Suggester


def check_references(desired: Mapping[Address, Resource], live: LiveState) -> None:
    """Raise ``PlanError`` listing every reference to an address neither declared nor live."""
    known = set(desired) | set(live.resources)
    problems: list[str] = []
    suggest = Suggestions(known)
    for address in sorted(desired, key=str):
        resource = desired[address]
        for ref in resource.refs:
            if ref in known:
                continue
            where = f"{resource.source}: " if resource.source is not None else ""
            hint = suggest(ref)
            problems.append(f"{where}{address} references {ref} which is neither declared nor live{hint}")
    if problems:
        raise PlanError("\n".join(problems))


def suggestion(missing: Address, known: Iterable[Address]) -> str:
    """`` (did you mean X?)`` for the closest known address of the same kind and parent, or ``""``.

    Same parent: a deployment ``project.p/model.m`` shares the address kind ``model`` with the
    registry model ``model.m`` it references, and must never be offered for it.
    """
    return Suggestions(known)(missing)


class Suggestions:
    """``suggestion`` for many missing addresses: the known ones are grouped by (kind, parent)
    and indexed once (``model.suggest``), so N missing references cost about N, not N²."""

    def __init__(self, known: Iterable[Address]) -> None:
        self.groups: dict[tuple[str, object], dict[str, Address]] = {}
        for address in known:
            self.groups.setdefault((address.kind, address.parent), {})[address.key] = address
        self.suggesters: dict[tuple[str, object], Suggester] = {}

    def __call__(self, missing: Address) -> str:
        group = (missing.kind, missing.parent)
        by_key = self.groups.get(group, {})
        if group not in self.suggesters:
            self.suggesters[group] = Suggester(by_key)
        close = self.suggesters[group].closest(missing.key)
        return f" (did you mean {by_key[close]}?)" if close else ""
