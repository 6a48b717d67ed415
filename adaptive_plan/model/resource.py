"""Resources: one declared or live object, in the normalised form kinds compare."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adaptive_plan.model.address import Address
from adaptive_plan.model.source import SourceMark


@dataclass(frozen=True)
class Resource:
    """A declared (desired) or read (live) object.

    ``attrs``: the normalised attributes that are compared; for a desired resource only
    the attributes the manifest manages (absent attributes are unmanaged).
    ``refs``: addresses this resource depends on (its edges in the plan graph).
    ``identity``: server-side handles steps need (ids); never compared or printed as diffs.
    ``source``: where a desired resource was declared; None for live resources.
    """

    address: Address
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)
    refs: tuple[Address, ...] = ()
    identity: dict[str, Any] = field(default_factory=dict)
    source: SourceMark | None = None
