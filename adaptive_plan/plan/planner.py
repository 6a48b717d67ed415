"""``make_plan``: manifests + live state + kinds -> an inert :class:`~adaptive_plan.model.plan.Plan`.

The pipeline: collect desired resources from every kind, check references, diff per
address (``plan.diff``), build the dependency graph (``plan.graph``), narrow to
``--target`` (``plan.targets``), order topologically, assemble steps (``plan.steps``).
Pure: no I/O, no API; everything kind-specific goes through the ``Kind`` interface.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adaptive_plan.kinds.base import Kind
from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import Action, Change, Plan, Step
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState
from adaptive_plan.plan.diff import DraftChange, diff_resources
from adaptive_plan.plan.graph import Graph, apply_order, dependency_edges
from adaptive_plan.plan.references import check_references
from adaptive_plan.plan.steps import assemble_steps
from adaptive_plan.plan.targets import check_known, parse_addresses, select_targets


@dataclass(frozen=True)
class PlanOptions:
    """``targets``: ``--target`` addresses; ``allow_delete``: recorded in the plan for apply's
    check; ``replace``: ``--replace`` addresses whose write-only values are re-sent;
    ``report_unappliable``: keep a change the API can never make in the plan, its reason saying
    what to declare (``drift``, which reports every difference), instead of refusing the plan
    (``plan``/``apply``)."""

    targets: tuple[str, ...] = ()
    allow_delete: bool = False
    replace: tuple[str, ...] = ()
    report_unappliable: bool = False


def make_plan(manifest: Manifest, live: LiveState, kinds: Sequence[Kind], options: PlanOptions) -> Plan:
    """Diff the manifests against live state and return the ordered plan."""
    desired, live = link_resources(collect_desired(manifest, kinds), live, kinds)
    check_references(desired, live)
    known = set(desired) | set(live.resources)
    targets = parse_addresses(options.targets, "--target")
    replace = parse_addresses(options.replace, "--replace")
    check_known(targets, known, "--target")
    check_known(replace, desired, "--replace")
    result = diff_resources(manifest, desired, live, {kind.name: kind for kind in kinds}, replace)
    drafts = {draft.address: draft for draft in result.changes}
    graph = dependency_edges(drafts)
    unmanaged = result.unmanaged
    if targets:
        keep = select_targets(targets, graph)
        drafts = {address: draft for address, draft in drafts.items() if address in keep}
        graph = {address: graph[address] & keep for address in keep}
        unmanaged = [address for address in unmanaged if any(address.is_within(t) for t in targets)]
    if options.report_unappliable:
        drafts = {address: _reported(draft) for address, draft in drafts.items()}
    else:
        _refuse(drafts.values())
    order = apply_order(graph)
    steps = assemble_steps(order, drafts, graph)
    return Plan(
        changes=[_change(drafts[address], steps[address], graph) for address in order],
        unmanaged=sorted(str(address) for address in unmanaged),
        warnings=_replace_warnings(replace, drafts),
        fingerprints=_fingerprints(drafts.values(), unmanaged, live),
        input_hash=manifest.input_hash,
        allow_delete=options.allow_delete,
        targets=list(options.targets),
        checks=_checks(drafts.values(), live),
    )


def collect_desired(manifest: Manifest, kinds: Sequence[Kind]) -> dict[Address, Resource]:
    """Every declared resource by address; one address declared twice is a ``PlanError``."""
    desired: dict[Address, Resource] = {}
    for kind in kinds:
        for resource in kind.desired(manifest):
            earlier = desired.get(resource.address)
            if earlier is not None:
                first, second = earlier.source or "?", resource.source or "?"
                raise PlanError(f"{resource.address} is declared twice: at {first} and at {second}")
            desired[resource.address] = resource
    return desired


def link_resources(
    desired: Mapping[Address, Resource], live: LiveState, kinds: Sequence[Kind]
) -> tuple[dict[Address, Resource], LiveState]:
    """Let each kind share facts between its declared and live resources (``Kind.link``)."""
    names = {kind.name for kind in kinds}
    linked: dict[Address, Resource] = {}
    resources = {address: r for address, r in live.resources.items() if r.kind not in names}
    for kind in kinds:
        mine = [resource for resource in desired.values() if resource.kind == kind.name]
        kind_desired, kind_live = kind.link(mine, live)
        linked.update((resource.address, resource) for resource in kind_desired)
        resources.update((resource.address, resource) for resource in kind_live)
    ordered = {address: linked.get(address, resource) for address, resource in desired.items()}
    return ordered, LiveState(resources, live.catalog, live.fingerprints)


def _change(draft: DraftChange, steps: tuple[Step, ...], graph: Graph) -> Change:
    source = draft.desired.source if draft.desired is not None else None
    return Change(
        address=str(draft.address),
        kind=draft.kind.name,
        action=draft.action,
        attributes=draft.attributes,
        steps=steps,
        depends_on=tuple(sorted(str(address) for address in graph[draft.address])),
        reason=draft.reason,
        warnings=draft.warnings + _silent(draft),
        source=str(source) if source is not None else None,
        withdraws_access=draft.withdraws_access,
    )


def _refuse(drafts: Iterable[DraftChange]) -> None:
    """A change the API can never make would sit in every plan (and keep ``--detailed-exitcode``
    at 2 forever): refuse the plan, naming where each is declared and what to declare instead."""
    problems = []
    for draft in drafts:
        source = draft.desired.source if draft.desired is not None else None
        where = f"{source}: " if source is not None else ""
        problems += [f"{where}{draft.address}: {refusal}" for refusal in draft.refusals]
    if problems:
        raise PlanError("these changes can never be applied:\n" + "\n".join(sorted(problems)))


def _reported(draft: DraftChange) -> DraftChange:
    """A change that can never be applied, kept for a report: its refusals become its reason."""
    if not draft.refusals:
        return draft
    reason = "; ".join(draft.refusals)
    return dataclasses.replace(draft, reason=reason, warnings=(*draft.warnings, *draft.refusals))


def _silent(draft: DraftChange) -> tuple[str, ...]:
    """A change that sends nothing must say so, never look like it will happen."""
    if draft.action is Action.NOOP or draft.specs or draft.warnings:
        return ()
    return ("the API has no call for this change; nothing will be sent",)


def _replace_warnings(replace: Iterable[Address], drafts: Mapping[Address, DraftChange]) -> list[str]:
    """A ``--replace`` that changed nothing (no write-only values within it) is worth saying, with
    the values that exist but only at creation (an external model's ``api_key``) named."""
    warnings = []
    for target in replace:
        within = [draft for address, draft in drafts.items() if address.is_within(target)]
        if any(draft.action is not Action.NOOP for draft in within):
            continue
        create_only = sorted(
            {path for draft in within for path in _attrs(draft) if path in draft.kind.create_only}
        )
        if create_only:
            warnings.append(
                f"--replace {target}: {', '.join(create_only)} can only be set when the object is created, "
                "so there is nothing to re-send (delete and re-create the object to change it)"
            )
        else:
            warnings.append(f"--replace {target}: no write-only values to re-send and nothing else changed")
    return warnings


def _attrs(draft: DraftChange) -> Iterable[str]:
    return draft.desired.attrs if draft.desired is not None else ()


def _checks(drafts: Iterable[DraftChange], live: LiveState) -> list[Any]:
    """The server-side checks (``Kind.plan_checks``) of everything the plan creates or updates."""
    changing = (Action.CREATE, Action.UPDATE, Action.REPLACE)
    return [
        check
        for draft in drafts
        if draft.action in changing and draft.desired is not None
        for check in draft.kind.plan_checks(draft.desired, live)
    ]


def _fingerprints(
    drafts: Iterable[DraftChange], unmanaged: Iterable[Address], live: LiveState
) -> dict[str, str]:
    """Fingerprints of every live object the plan read: changed, referenced or listed."""
    read: set[Address] = set(unmanaged)
    for draft in drafts:
        read.add(draft.address)
        for resource in (draft.desired, draft.actual):
            if resource is not None:
                read.update(resource.refs)
    texts = sorted(str(address) for address in read)
    return {text: live.fingerprints[text] for text in texts if text in live.fingerprints}
