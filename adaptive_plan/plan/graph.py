"""The dependency graph between changes, and the order they are applied in.

Edges come from references only (and from an address's parent), never from list
position or kind. A change that creates or updates waits for what its desired resource
references; a deletion runs on the reversed graph: the object is deleted only after
every change whose *live* object referenced it (as Terraform's destroy edges). A create
that references an object being deleted waits for that delete (the deleted object holds
something the create makes again, e.g. the metric a pruned grader takes with it). A cycle
is a ``PlanError`` naming every member in order. Pure: stdlib ``graphlib`` only.
"""

from __future__ import annotations

import graphlib
import heapq
from collections.abc import Iterable, Mapping

from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.plan import Action
from adaptive_plan.model.resource import Resource
from adaptive_plan.plan.diff import DraftChange

Graph = dict[Address, set[Address]]  # address -> addresses it waits for


def dependency_edges(drafts: Mapping[Address, DraftChange]) -> Graph:
    """Predecessors of every change, restricted to addresses in ``drafts``."""
    graph: Graph = {address: set() for address in drafts}
    for address, draft in drafts.items():
        for ref in _edges_of(draft.desired):
            dependency = drafts.get(ref)
            if dependency is None or ref == address:
                continue
            if dependency.action is not Action.DELETE or draft.action is Action.CREATE:
                graph[address].add(ref)
        for ref in _edges_of(draft.actual):
            dependency = drafts.get(ref)
            if dependency is not None and dependency.action is Action.DELETE and ref != address:
                graph[ref].add(address)
    return graph


def _edges_of(resource: Resource | None) -> Iterable[Address]:
    if resource is None:
        return ()
    parent = resource.address.parent
    return (*resource.refs, parent) if parent is not None else resource.refs


def apply_order(graph: Mapping[Address, Iterable[Address]]) -> list[Address]:
    """Topological order, ties broken by address text; a cycle raises ``PlanError``."""
    sorter: graphlib.TopologicalSorter[Address] = graphlib.TopologicalSorter(graph)
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        raise PlanError(describe_cycle(error.args[1])) from None
    ready = [(str(node), node) for node in sorter.get_ready()]
    heapq.heapify(ready)
    order: list[Address] = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        sorter.done(node)
        for follower in sorter.get_ready():
            heapq.heappush(ready, (str(follower), follower))
    return order


def describe_cycle(members: list[object]) -> str:
    """``dependency cycle: a → b → a`` from graphlib's cycle list (first == last)."""
    # graphlib lists the cycle along predecessor edges; reverse it to read "depends on".
    path = list(reversed(members))
    return "dependency cycle: " + " → ".join(str(member) for member in path) + " (each depends on the next)"
