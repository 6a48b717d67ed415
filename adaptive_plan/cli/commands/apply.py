"""``adaptive-plan apply``: make the live instance match the manifests, or apply a saved plan.

``apply PATHS`` plans and applies. ``apply FILE`` (a plan saved by ``plan -o FILE``) re-reads
live state, refuses if any object the plan recorded changed since (naming each one), and
otherwise applies exactly the saved steps; secrets are read from the environment now.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import click

from adaptive_plan.apply.batches import DEFAULT_BATCH_SIZE
from adaptive_plan.apply.executor import execute_plan
from adaptive_plan.apply.preflight import deletions, missing_secrets_message
from adaptive_plan.apply.staleness import (
    SavedPlan,
    check_fingerprints,
    check_uploads,
    looks_like_saved_plan,
    read_saved_plan,
)
from adaptive_plan.cli import output
from adaptive_plan.cli.interrupt import EXIT_INTERRUPTED, interruptible
from adaptive_plan.cli.options import connection_options, manifest_paths, no_color_option, var_options
from adaptive_plan.cli.plan_options import plan_options
from adaptive_plan.cli.session import Connection, Inputs, load, open_client, plan_against
from adaptive_plan.kinds import KINDS
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import ApplyError, ConfigError, StalePlanError
from adaptive_plan.model.plan import Plan
from adaptive_plan.model.snapshot import LiveState
from adaptive_plan.plan.planner import PlanOptions
from adaptive_plan.render.progress import ProgressPrinter, render_apply_report
from adaptive_plan.render.text import render_plan_text


@click.command("apply")
@manifest_paths
@var_options
@connection_options
@plan_options
@no_color_option
@click.option(
    "--auto-approve", is_flag=True,
    help="Apply without asking (for CI). Without it, apply asks on a TTY and refuses elsewhere.",
)
@click.option(
    "--parallelism", default=10, show_default=True, type=click.IntRange(1, 64), help="API calls in flight."
)
@click.option(
    "--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1, 100),
    help="Most calls of one mutation sent together in one request when more are ready than "
    "--parallelism can send; 1 sends every call alone.",
)
@click.option(
    "--wait-timeout", default=600.0, show_default=True, type=click.FloatRange(0),
    help="Seconds to wait for a deployment to come ONLINE.",
)
def command(
    paths: tuple[str, ...], var_files: tuple[str, ...], var_overrides: dict[str, str],
    url: str | None, api_key: str | None, local: bool, auto_approve: bool,
    targets: tuple[str, ...], replace: tuple[str, ...], allow_delete: bool,
    parallelism: int, batch_size: int, wait_timeout: float, no_color: bool,
) -> None:
    """Plan the manifests in PATHS, then apply that plan in dependency order; or apply a plan
    saved with ``plan -o FILE`` exactly, if nothing it read has changed since.

    Example:

        adaptive-plan apply examples/quickstart --local --auto-approve

        adaptive-plan apply plan.json --auto-approve
    """
    connection = Connection(url, api_key, local, parallelism)
    run = _Run(auto_approve, parallelism, batch_size, wait_timeout, output.use_color(no_color))
    saved_path = _saved_plan_path(paths)
    if saved_path is not None:
        _no_plan_inputs(var_files, var_overrides, targets, replace, allow_delete)
        _apply_saved(saved_path, connection, run)
        return
    loaded = load(Inputs(paths, var_files, var_overrides), mode="apply")
    output.print_diagnostics(loaded.warnings)
    options = PlanOptions(targets=targets, allow_delete=allow_delete, replace=replace)
    with open_client(connection) as client:
        run.apply(plan_against(client, loaded, options).plan, client)


class _Run:
    """Show the plan, check it, ask, execute it, report."""

    def __init__(
        self, auto_approve: bool, parallelism: int, batch_size: int, wait_timeout: float, color: bool
    ) -> None:
        self.auto_approve = auto_approve
        self.parallelism = parallelism
        self.batch_size = batch_size
        self.wait_timeout = wait_timeout
        self.color = color

    def apply(self, plan: Plan, client: object) -> None:
        click.echo(render_plan_text(plan, color=self.color))
        if not plan.has_changes:
            return
        _preflight(plan)
        _confirm(self.auto_approve)
        tty = sys.stderr.isatty()
        printer = ProgressPrinter(sys.stderr, tty=tty, color=self.color and tty)
        cancel = threading.Event()
        with interruptible(cancel, sys.stderr):
            report = execute_plan(
                plan, client, on_event=printer, parallelism=self.parallelism,
                batch_size=self.batch_size, wait_timeout=self.wait_timeout, cancel=cancel,
            )
        printer.close()
        click.echo(render_apply_report(report, color=self.color))
        if report.interrupted:
            sys.exit(EXIT_INTERRUPTED)
        if not report.ok:
            raise ApplyError(
                "apply did not finish: fix the failures above and run apply again (it converges)"
            )


def _preflight(plan: Plan) -> None:
    missing = missing_secrets_message(plan, os.environ)
    if missing:
        raise ConfigError(missing)
    doomed = deletions(plan)
    if doomed and not plan.allow_delete:
        names = ", ".join(change.address for change in doomed)
        raise ConfigError(
            f"the plan deletes {names}; make the plan with --allow-delete to allow it. Nothing was changed"
        )


def _saved_plan_path(paths: tuple[str, ...]) -> Path | None:
    saved = [Path(path) for path in paths if looks_like_saved_plan(Path(path))]
    if not saved:
        return None
    if len(paths) > 1:
        raise ConfigError(f"{saved[0]} is a saved plan: apply it alone, without manifest paths")
    return saved[0]


def _no_plan_inputs(
    var_files: tuple[str, ...], var_overrides: dict[str, str],
    targets: tuple[str, ...], replace: tuple[str, ...], allow_delete: bool,
) -> None:
    given = [
        name
        for name, value in (
            ("--var", var_overrides), ("--var-file", var_files), ("--target", targets),
            ("--replace", replace), ("--allow-delete", allow_delete),
        )
        if value
    ]
    if given:
        raise ConfigError(
            f"{', '.join(given)} cannot change a saved plan; "
            "pass them to `adaptive-plan plan -o FILE` instead"
        )


def _apply_saved(path: Path, connection: Connection, run: _Run) -> None:
    saved = read_saved_plan(path)
    with open_client(connection) as client:
        _same_instance(saved, connection, client.url)
        declared = [Address.parse(address) for address in saved.fingerprints]  # what the plan read
        live = read_live_state(client, KINDS, declared=declared)
        _fresh(path, saved, live)
        run.apply(saved.plan, client)


def _same_instance(saved: SavedPlan, connection: Connection, url: str) -> None:
    if saved.local != connection.local:
        where = "the local emulator (--local)" if saved.local else saved.target_url
        raise ConfigError(f"the saved plan was made against {where}; apply it against the same instance")
    if not saved.local and saved.target_url.rstrip("/") != url.rstrip("/"):
        raise ConfigError(
            f"the saved plan was made against {saved.target_url}, not {url}; nothing was changed"
        )


def _fresh(path: Path, saved: SavedPlan, live: LiveState) -> None:
    lines = [f"  {address}: {_how(saved, live, address)}" for address in check_fingerprints(saved, live)]
    lines += [f"  {file}: file changed since the plan was made" for file in check_uploads(saved)]
    if lines:
        raise StalePlanError(
            f"the saved plan {path} is stale; nothing was changed. Changed since it was made:\n"
            + "\n".join(lines)
            + "\nMake a new plan (adaptive-plan plan -o FILE) and review it."
        )


def _how(saved: SavedPlan, live: LiveState, address: str) -> str:
    if saved.fingerprints.get(address) is None:
        return "created since the plan was made"
    if address not in live.fingerprints:
        return "deleted since the plan was made"
    return "changed since the plan was made"


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise ConfigError("refusing to apply without approval: no TTY to ask on; pass --auto-approve")
    question = "Do you want to apply these changes? Only 'yes' will be accepted"
    answer = click.prompt(question, default="", show_default=False)
    if answer.strip() != "yes":
        raise ConfigError("apply cancelled; nothing was changed")
