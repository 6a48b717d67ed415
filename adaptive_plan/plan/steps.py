"""Step assembly: ids, ``after`` edges and merging of identical steps.

Step ids are ``<address>#<n>`` (1-based). Steps inside a change run one after another;
the first step of a change waits for the last step of every change it depends on (a
change with no steps passes its own dependencies through). Identical steps (same
operation, document, variables and uploads) become one step with the union of their
``after``: that is how several share changes become one ``shareProject``; every change
that produced it lists the same step. Only steps of *different* changes merge: a change
that sends the same call twice means it in that order. Pure.
"""

from __future__ import annotations

import graphlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adaptive_plan.kinds.base import StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.plan import OUTPUT_REF, Step
from adaptive_plan.model.secrets import Sensitive
from adaptive_plan.plan.diff import DraftChange


@dataclass
class _Builder:
    id: str
    address: str
    spec: StepSpec
    after: list[str] = field(default_factory=list)
    absent_ok: bool = True  # only when every merged spec says so

    def freeze(self) -> Step:
        spec = self.spec
        return Step(
            id=self.id,
            address=self.address,
            verb=spec.verb,
            operation=spec.operation,
            document=spec.document,
            variables=_absolute_outputs(spec.variables, self.id.rsplit("#", 1)[0]),
            uploads=spec.uploads,
            chunked=spec.chunked,
            after=tuple(dict.fromkeys(a for a in self.after if a != self.id)),
            idempotent=spec.idempotent,
            probe=spec.probe,
            poll=spec.poll,
            description=spec.description,
            absent_ok=self.absent_ok,
        )


def assemble_steps(
    order: Iterable[Address],
    drafts: Mapping[Address, DraftChange],
    graph: Mapping[Address, Iterable[Address]],
) -> dict[Address, tuple[Step, ...]]:
    """Steps per address, with ids and edges; identical steps merged."""
    builders: dict[str, _Builder] = {}
    by_identity: dict[str, str] = {}
    own: dict[Address, list[str]] = {}
    tails: dict[Address, list[str]] = {}
    for address in order:
        waits = sorted({tail for dependency in graph[address] for tail in tails[dependency]})
        ids: list[str] = []
        for number, spec in enumerate(drafts[address].specs, start=1):
            identity = _identity(spec)
            builder = builders.get(by_identity.get(identity, ""))
            if builder is None or builder.address == str(address):  # a repeat inside one change is a new call
                builder = _Builder(f"{address}#{number}", str(address), spec)
                builders[builder.id] = builder
                by_identity[identity] = builder.id
            builder.absent_ok = builder.absent_ok and spec.absent_ok
            builder.after.extend([ids[-1]] if ids else waits)
            ids.append(builder.id)
        own[address] = ids
        tails[address] = ids[-1:] if ids else waits
    steps = {step_id: builder.freeze() for step_id, builder in builders.items()}
    _check_acyclic(steps.values())
    return {address: tuple(steps[step_id] for step_id in dict.fromkeys(ids)) for address, ids in own.items()}


def _absolute_outputs(value: Any, address: str) -> Any:
    """Turn ``output_of(n, path)`` step numbers into the step ids of the same change."""
    if isinstance(value, dict):
        ref = value.get(OUTPUT_REF)
        if len(value) == 1 and isinstance(ref, dict) and isinstance(ref.get("step"), int):
            return {OUTPUT_REF: {**ref, "step": f"{address}#{ref['step']}"}}
        return {key: _absolute_outputs(item, address) for key, item in value.items()}
    if isinstance(value, list):
        return [_absolute_outputs(item, address) for item in value]
    return value


def _identity(spec: StepSpec) -> str:
    return json.dumps(
        [spec.operation, spec.document, _canonical(spec.variables), _canonical(spec.uploads)],
        sort_keys=True,
        default=str,
    )


def _canonical(value: Any) -> Any:
    if isinstance(value, Sensitive):
        return value.to_json()
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def _check_acyclic(steps: Iterable[Step]) -> None:
    graph = {step.id: set(step.after) for step in steps}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        members = " → ".join(reversed(error.args[1]))
        raise PlanError(f"merging identical steps made a cycle: {members}") from None
