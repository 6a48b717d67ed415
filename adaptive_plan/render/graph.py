"""The manifest's dependency graph as Mermaid (renders in GitHub) or Graphviz DOT.

``build_graph(resources, actions)`` makes a :class:`DependencyGraph` from declared
resources: one node per address, one edge per reference and per parent. **An edge
``A --> B`` means B depends on A** (A is created first; deletions run the other way),
e.g. ``project.support-bot --> project.support-bot/grader.politeness``. A referenced
address that the manifests do not declare (a base model, a built-in team) is an
*external* node, drawn dashed. With ``actions`` (from a plan) each node is marked with
its action (``+ ~ - -/+``) and coloured by it; addresses the plan deletes are added.
Returns strings; prints nothing; imports only ``model``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from adaptive_plan.model.address import Address
from adaptive_plan.model.plan import Action
from adaptive_plan.model.resource import Resource

EXTERNAL = "external"
# class -> (fill, stroke): GitHub's diff colours; external nodes are dashed and unfilled.
COLOURS: dict[str, tuple[str, str]] = {
    "create": ("#dafbe1", "#1a7f37"),
    "update": ("#fff8c5", "#9a6700"),
    "delete": ("#ffebe9", "#cf222e"),
    "replace": ("#fbefff", "#8250df"),
    "no-op": ("#f6f8fa", "#8c959f"),
    EXTERNAL: ("#ffffff", "#8c959f"),
}
_MARKERS = {action.value: action.marker for action in Action if action is not Action.NOOP}


@dataclass
class DependencyGraph:
    """``nodes``: address -> class (an action value, ``external``, or "" when unplanned).
    ``edges``: (dependency, dependant) pairs, sorted."""

    nodes: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # a group node's label (see group_graph)

    def label(self, address: str) -> str:
        """The address, preceded by its action's marker (``+``, ``~``, ``-``, ``-/+``) if it changes."""
        if address in self.labels:
            return self.labels[address]
        marker = _MARKERS.get(self.nodes[address], "")
        return f"{marker} {address}" if marker else address


def build_graph(
    resources: Iterable[Resource], actions: Mapping[str, Action] | None = None
) -> DependencyGraph:
    """Nodes and edges of ``resources`` (declared), marked by ``actions`` when given."""
    declared = {str(resource.address): resource for resource in resources}
    edges: set[tuple[str, str]] = set()
    for address, resource in declared.items():
        for dependency in _dependencies(resource):
            if dependency != address:
                edges.add((dependency, address))
    graph = DependencyGraph()
    for address in sorted(declared):
        graph.nodes[address] = actions.get(address, Action.NOOP).value if actions is not None else ""
    for address, action in sorted((actions or {}).items()):
        if address not in graph.nodes:  # a deletion: live only
            graph.nodes[address] = action.value
            parent = Address.parse(address).parent
            if parent is not None:
                edges.add((str(parent), address))
    for dependency, _ in sorted(edges):
        graph.nodes.setdefault(dependency, EXTERNAL)
    graph.edges = sorted(edges)
    return graph


def _dependencies(resource: Resource) -> list[str]:
    parent = resource.address.parent
    refs = [*resource.refs, parent] if parent is not None else list(resource.refs)
    return [str(ref) for ref in refs]


def render_mermaid(graph: DependencyGraph) -> str:
    """A ``flowchart LR``; node ids are ``n0``, ``n1`` ... with the address as label."""
    ids = {address: f"n{index}" for index, address in enumerate(graph.nodes)}
    lines = ["flowchart LR", "  %% A --> B: B depends on A (A is created first)"]
    lines += [f'  {ids[address]}["{_mermaid_text(graph.label(address))}"]' for address in graph.nodes]
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in graph.edges]
    used = sorted({kind for kind in graph.nodes.values() if kind})
    for kind in used:
        members = ",".join(ids[address] for address, k in graph.nodes.items() if k == kind)
        name = _class_name(kind)
        lines += [f"  classDef {name} {_mermaid_style(kind)}", f"  class {members} {name}"]
    return "\n".join(lines) + "\n"


def render_dot(graph: DependencyGraph) -> str:
    """A Graphviz ``digraph``; node ids are the quoted addresses."""
    lines = [
        "digraph adaptive_plan {",
        "  // A -> B: B depends on A (A is created first)",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica"];',
    ]
    for address, kind in graph.nodes.items():
        style = f", {_dot_style(kind)}" if kind else ""
        lines.append(f"  {_dot_id(address)} [label={_dot_id(graph.label(address))}{style}];")
    lines += [f"  {_dot_id(a)} -> {_dot_id(b)};" for a, b in graph.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_style(kind: str) -> str:
    fill, stroke = COLOURS[kind]
    dashed = ",stroke-dasharray:4 3,color:#57606a" if kind == EXTERNAL else ",color:#000"
    return f"fill:{fill},stroke:{stroke}{dashed}"


def _dot_style(kind: str) -> str:
    fill, stroke = COLOURS[kind]
    shape = "dashed" if kind == EXTERNAL else "filled"
    return f'style={shape}, fillcolor="{fill}", color="{stroke}"'


def _class_name(kind: str) -> str:
    return "noop" if kind == "no-op" else kind


def _mermaid_text(text: str) -> str:
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- staying inside what GitHub's Mermaid renders ----------------------------------------

# Mermaid's defaults, which GitHub keeps: past them the diagram is replaced by an error.
MERMAID_MAX_EDGES = 500
MERMAID_MAX_TEXT = 50_000  # characters of diagram text


def render_mermaid_within_limits(graph: DependencyGraph) -> tuple[str, str]:
    """Mermaid text that GitHub renders, and a note ("" if nothing was grouped).

    A graph past Mermaid's edge or text-size limit is drawn grouped: one node per project
    (with everything under it, and a count), then, if still too large, one node per kind."""
    text = render_mermaid(graph)
    if _fits(graph, text):
        return text, ""
    for grouping, key in (("project", _root), ("kind", _kind)):
        grouped = group_graph(graph, key)
        grouped_text = render_mermaid(grouped)
        if _fits(grouped, grouped_text) or grouping == "kind":
            note = (
                f"graph: {len(graph.nodes)} nodes and {len(graph.edges)} edges "
                f"({len(text):,} characters) exceed what GitHub's Mermaid renders "
                f"({MERMAID_MAX_EDGES} edges, {MERMAID_MAX_TEXT:,} characters); drawn grouped by "
                f"{grouping} ({len(grouped.nodes)} nodes, {len(grouped.edges)} edges). "
                "Use --format dot for every node."
            )
            return grouped_text, note
    raise AssertionError("unreachable")  # pragma: no cover


def group_graph(graph: DependencyGraph, key: Callable[[str], str]) -> DependencyGraph:
    """``graph`` with every node replaced by its group ``key(address)``; a group is labelled
    with its size and its members' actions, and coloured by them when they agree."""
    members: dict[str, list[str]] = {}
    for address in graph.nodes:
        members.setdefault(key(address), []).append(address)
    grouped = DependencyGraph()
    for group, addresses in members.items():
        classes = {graph.nodes[address] for address in addresses}
        grouped.nodes[group] = classes.pop() if len(classes) == 1 else _mixed(classes)
        grouped.labels[group] = _group_label(group, [graph.nodes[address] for address in addresses])
    edges = {(key(a), key(b)) for a, b in graph.edges}
    grouped.edges = sorted((a, b) for a, b in edges if a != b)
    return grouped


def _fits(graph: DependencyGraph, text: str) -> bool:
    return len(graph.edges) <= MERMAID_MAX_EDGES and len(text) <= MERMAID_MAX_TEXT


def _root(address: str) -> str:
    return str(Address.parse(address).root)


def _kind(address: str) -> str:
    """``project/grader`` for ``project.x/grader.y``: the kinds of the path, so a project's
    deployments (``project/model``) and registry models (``model``) stay apart."""
    kinds: list[str] = []
    node: Address | None = Address.parse(address)
    while node is not None:
        kinds.append(node.kind)
        node = node.parent
    return "/".join(reversed(kinds))


def _mixed(classes: set[str]) -> str:
    """A group whose members differ: ``update`` if any member changes, else plain."""
    changing = classes - {"", "no-op", EXTERNAL}
    return "update" if changing else ("no-op" if "no-op" in classes else "")


def _group_label(group: str, classes: list[str]) -> str:
    if len(classes) == 1:
        marker = _MARKERS.get(classes[0], "")
        return f"{marker} {group}" if marker else group
    counts = {marker: sum(1 for c in classes if _MARKERS.get(c) == marker) for marker in _MARKERS.values()}
    changes = " ".join(f"{marker}{count}" for marker, count in counts.items() if count)
    return f"{group} · {len(classes)} resources" + (f" ({changes})" if changes else "")
