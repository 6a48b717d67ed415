"""Live state: what the instance holds, as normalised resources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adaptive_plan.model.address import Address
from adaptive_plan.model.resource import Resource


@dataclass
class LiveState:
    """``resources``: every managed-kind object read, by address.
    ``catalog``: read-only facts plans check references against (compute pools,
    registry model keys, permissions, built-in roles).
    ``fingerprints``: address -> stable hash of the raw object, for saved plans.
    ``downloads``: REST path -> body of what the reader downloaded (``Kind.live_downloads``),
    kept so a caller that needs the same bytes (export) does not fetch them again.
    """

    resources: dict[Address, Resource] = field(default_factory=dict)
    catalog: dict[str, Any] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    downloads: dict[str, bytes | None] = field(default_factory=dict)

    def get(self, address: Address) -> Resource | None:
        return self.resources.get(address)

    def of_kind(self, kind: str) -> list[Resource]:
        return [resource for resource in self.resources.values() if resource.kind == kind]
