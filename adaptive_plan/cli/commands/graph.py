"""``adaptive-plan graph``: the manifest's dependency graph as Mermaid or DOT.

Offline by default (manifests only); ``--plan`` also reads the live instance and marks
each node with the plan's action. Rendering lives in ``render.graph``.
"""

from __future__ import annotations

import click

from adaptive_plan.cli import output
from adaptive_plan.cli.options import (
    connection_options,
    format_option,
    manifest_paths,
    no_color_option,
    var_options,
)
from adaptive_plan.cli.session import Connection, Inputs, load, open_client, plan_against
from adaptive_plan.kinds import KINDS
from adaptive_plan.model.plan import Action
from adaptive_plan.plan.planner import PlanOptions, collect_desired
from adaptive_plan.render.graph import build_graph, render_dot, render_mermaid_within_limits

FORMATS = ("mermaid", "dot")


@click.command("graph")
@manifest_paths
@var_options
@format_option(FORMATS)
@click.option(
    "--plan", "with_plan", is_flag=True,
    help="Also plan against the live instance and mark each node by its action (needs a connection).",
)
@connection_options
@no_color_option
def command(
    paths: tuple[str, ...], var_files: tuple[str, ...], var_overrides: dict[str, str],
    output_format: str, with_plan: bool, url: str | None, api_key: str | None, local: bool, no_color: bool,
) -> None:
    """Print the dependency graph of the manifests in PATHS.

    Nodes are resource addresses; an edge A --> B means B depends on A (A is
    created first). Addresses referenced but not declared (base models, built-in
    teams) are drawn dashed. With --plan, nodes are marked + ~ - -/+ and coloured
    by the plan's action, and addresses the plan deletes are added. Mermaid
    renders in GitHub comments and Markdown files (wrap it in a ```mermaid block);
    past Mermaid's limits (500 edges, 50,000 characters) it is drawn grouped by
    project (then by kind), with a note on stderr. DOT always has every node.

    Example:

        adaptive-plan graph examples/quickstart --format dot | dot -Tsvg > graph.svg
    """
    loaded = load(Inputs(paths, var_files, var_overrides), mode="plan")
    output.print_diagnostics(loaded.warnings)
    actions: dict[str, Action] | None = None
    if with_plan:
        with open_client(Connection(url, api_key, local)) as client:
            planned = plan_against(client, loaded, PlanOptions(), check=False)
        actions = {change.address: change.action for change in planned.plan.changes}
    graph = build_graph(collect_desired(loaded.manifest, KINDS).values(), actions)
    if output_format == "mermaid":
        text, note = render_mermaid_within_limits(graph)
        if note:
            click.echo(note, err=True)
    else:
        text = render_dot(graph)
    click.echo(text, nl=False)
