"""``--target ADDR``: keep the targeted addresses, what lies within them, and what they depend on.

Pure; works on the change graph built by ``plan.graph``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import PlanError
from adaptive_plan.plan.references import suggestion


def parse_addresses(texts: Iterable[str], option: str) -> list[Address]:
    """Parse option values as addresses; a malformed one is a ``PlanError`` naming the option."""
    addresses = []
    for text in texts:
        try:
            addresses.append(Address.parse(text))
        except ValueError as error:
            raise PlanError(f"{option} {text!r}: {error}") from None
    return addresses


def check_known(addresses: Iterable[Address], known: Collection[Address], option: str) -> None:
    """Every address must name something declared or live (or lie above something that is)."""
    unknown = [
        f"{option} {address} matches nothing declared or live{suggestion(address, known)}"
        for address in addresses
        if not any(candidate.is_within(address) for candidate in known)
    ]
    if unknown:
        raise PlanError("\n".join(unknown))


def select_targets(targets: Collection[Address], graph: Mapping[Address, Iterable[Address]]) -> set[Address]:
    """Targeted nodes, the nodes within them, and every node they depend on, transitively."""
    keep = {node for node in graph if any(node.is_within(target) for target in targets)}
    pending = list(keep)
    while pending:
        for dependency in graph[pending.pop()]:
            if dependency not in keep:
                keep.add(dependency)
                pending.append(dependency)
    return keep
