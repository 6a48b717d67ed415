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

from collections.abc import Iterable, Mapping
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

    def label(self, address: str) -> str:
        """The address, preceded by its action's marker (``+``, ``~``, ``-``, ``-/+``) if it changes."""
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
