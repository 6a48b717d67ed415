"""Support for the end-to-end tests: run the real CLI against a real emulator.

``Cli`` wraps click's ``CliRunner`` on ``adaptive_plan.cli.main.cli``: every call passes
``--url``/``--api-key`` of the module's emulator, ``--var sfx=<unique>`` (scenario keys end
with ``{{ vars.sfx }}`` so tests can share one emulator) and ``--no-color``. Manifests are
written to a work directory, either as text or from a scenario folder
(``scenarios/NNN-name/{initial,update,...}.yaml`` plus the files they point at).
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from adaptive_plan.cli.main import cli
from tests.no_changes import assert_no_changes

SCENARIOS = Path(__file__).parent / "scenarios"
STAGES = ("initial", "update", "prune")


@dataclass
class Run:
    """One CLI run: exit code, stdout, stderr, and the GraphQL operations the emulator saw."""

    exit_code: int
    stdout: str
    stderr: str
    operations: list[str]
    http_requests: int
    exception: BaseException | None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:  # shown by pytest when an assertion on a Run fails
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


class Cli:
    """The real command line against one emulator, working in ``root / "m"``."""

    def __init__(self, emu: object, root: Path, sfx: str) -> None:
        self.emu = emu
        self.dir = root / "m"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.sfx = sfx
        self.env: dict[str, str] = {}

    # --- manifests ------------------------------------------------------------------
    def write(self, text: str, name: str = "manifest.yaml") -> Path:
        """Write a manifest (``version: 1`` is added when missing)."""
        body = textwrap.dedent(text)
        if not body.lstrip().startswith("version:"):
            body = "version: 1\n" + body
        path = self.dir / name
        path.write_text(body, encoding="utf-8")
        return path

    def scenario(self, name: str, stage: str) -> Path:
        """Make the work directory hold scenario ``name`` at ``stage`` (its support files too)."""
        source = SCENARIOS / name
        for path in self.dir.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        for path in source.iterdir():
            if path.suffix == ".yaml" and path.stem in STAGES:
                continue
            target = self.dir / path.name
            shutil.copytree(path, target) if path.is_dir() else shutil.copy(path, target)
        shutil.copy(source / f"{stage}.yaml", self.dir / "manifest.yaml")
        return self.dir

    # --- commands -------------------------------------------------------------------
    def run(self, *args: str, env: Mapping[str, str] | None = None, input: str | None = None) -> Run:
        """``adaptive-plan ARGS`` with this emulator's URL and key (unless ARGS give ``--url``);
        counts what the emulator saw."""
        stats = self.emu.stats
        before_ops, before_http = len(stats.operations), stats.http_requests
        connect = () if "--url" in args else ("--url", self.emu.url, "--api-key", self.emu.api_key)
        argv = [*args, *connect, "--var", f"sfx={self.sfx}"]
        runner = CliRunner()
        result: Result = runner.invoke(cli, argv, env={**self.env, **(env or {})}, input=input)
        return Run(
            exit_code=result.exit_code,
            stdout=result.stdout,
            stderr=result.stderr,
            operations=list(stats.operations[before_ops:]),
            http_requests=stats.http_requests - before_http,
            exception=None if isinstance(result.exception, SystemExit) else result.exception,
        )

    def export(self, *args: str) -> Result:
        """``adaptive-plan export ARGS`` against this emulator (export takes no ``--var``)."""
        connect = ["--url", self.emu.url, "--api-key", self.emu.api_key]  # type: ignore[attr-defined]
        return CliRunner().invoke(cli, ["export", *args, *connect])

    def plan(self, *args: str, env: Mapping[str, str] | None = None) -> Run:
        return self.run("plan", str(self.dir), "--no-color", *args, env=env)

    def apply(self, *args: str, env: Mapping[str, str] | None = None, approve: bool = True) -> Run:
        extra = ("--auto-approve",) if approve else ()
        return self.run("apply", str(self.dir), "--no-color", *extra, *args, env=env)

    # --- common checks --------------------------------------------------------------
    def apply_ok(self, *args: str, env: Mapping[str, str] | None = None) -> Run:
        run = self.apply(*args, env=env)
        assert run.exit_code == 0, run
        assert run.exception is None, run
        assert "Apply complete" in run.stdout, run
        return run

    def assert_no_changes(self, env: Mapping[str, str] | None = None) -> Run:
        """``plan --detailed-exitcode`` exits 0 and says so (and sends no mutation)."""
        run = self.plan("--detailed-exitcode", env=env)
        assert_no_changes(run)
        assert mutations(run) == [], run.operations
        return run


READ_PREFIXES = ("Live", "Describe", "Get", "List", "Probe")
READ_NAMES = frozenset({"ModelServiceStatus", "GraderMetric", "PlanChecks"})  # PlanChecks: validate*


def mutations(run: Run) -> list[str]:
    """The operations of a run that are not known reads (an unknown name counts as a write)."""
    return [name for name in run.operations if not (name.startswith(READ_PREFIXES) or name in READ_NAMES)]


def lines_of(run: Run, address: str) -> str:
    """The plan text of one resource: its header line up to the next resource or summary."""
    out, keep = [], False
    for line in run.stdout.splitlines():
        stripped = line.strip()
        if stripped and line.startswith("  ") and not line.startswith("    ") and stripped[:1] in "+~-?!":
            keep = stripped.split(" ", 1)[-1] == address
        elif not line.startswith("  "):
            keep = False
        if keep:
            out.append(line)
    return "\n".join(out)


def assert_plan_shows(run: Run, marker: str, address: str, lines: list[str]) -> str:
    """The plan lists ``address`` with ``marker`` (``+ ~ -``) and every line in ``lines``."""
    block = lines_of(run, address)
    assert block.startswith(f"  {marker} {address}"), run
    for line in lines:
        assert line in block, f"{line!r} not in the plan of {address}:\n{block}"
    return block


def stage(
    cli: Cli,
    scenario: str,
    name: str,
    address: str,
    marker: str,
    lines: list[str],
    ops: list[str],
    *,
    preview: bool = False,
) -> Run:
    """Apply scenario stage ``name``: the plan it prints shows ``address`` with ``marker`` and
    ``lines``, it sends exactly the mutations ``ops`` (any order), then the plan is empty.

    ``preview``: first run ``plan --detailed-exitcode`` too (exit 2, same lines, nothing sent).
    """
    cli.scenario(scenario, name)
    if preview:
        planned = cli.plan("--detailed-exitcode", "--allow-delete")
        assert planned.exit_code == 2, planned
        assert mutations(planned) == [], planned.operations
        assert_plan_shows(planned, marker, address, lines)
    applied = cli.apply_ok("--allow-delete")
    assert_plan_shows(applied, marker, address, lines)
    assert sorted(mutations(applied)) == sorted(ops), (mutations(applied), applied)
    assert f"{address}:" in applied.stderr, applied  # progress names the resource
    cli.assert_no_changes()
    return applied


def drift(cli: Cli, address: str, marker: str, lines: list[str]) -> Run:
    """After an out-of-band change: apply shows it in its plan and converges; plan is empty."""
    applied = cli.apply_ok("--allow-delete")
    assert_plan_shows(applied, marker, address, lines)
    cli.assert_no_changes()
    return applied


@dataclass
class Lifecycle:
    """One resource through the stages of its scenario folder (see ``stage`` and ``drift``)."""

    cli: Cli
    scenario: str
    address: str

    def create(self, lines: list[str], ops: list[str]) -> Run:
        return stage(self.cli, self.scenario, "initial", self.address, "+", lines, ops)

    def update(self, lines: list[str], ops: list[str]) -> Run:
        return stage(self.cli, self.scenario, "update", self.address, "~", lines, ops, preview=True)

    def drift(self, lines: list[str]) -> Run:
        return drift(self.cli, self.address, "~", lines)

    def prune(self, lines: list[str], ops: list[str]) -> Run:
        return stage(self.cli, self.scenario, "prune", self.address, "-", lines, ops)

    def kept(self) -> None:
        """Undeclared with prune on, for a kind the API cannot delete: no delete planned or sent."""
        self.cli.scenario(self.scenario, "prune")
        planned = self.cli.plan("--allow-delete")
        assert planned.exit_code == 0, planned
        assert f"- {self.address}" not in planned.stdout, planned
        applied = self.cli.apply("--allow-delete")
        assert applied.exit_code == 0 and mutations(applied) == [], applied


def deleted_flags(sdk: object) -> dict[str, bool]:
    """email -> ``User.deleted`` for every listed user, through the official SDK's generated
    client (its ``UserData`` does not select ``deleted``; a soft-deleted user stays listed)."""
    from adaptive_sdk.graphql_client.custom_fields import UserFields
    from adaptive_sdk.graphql_client.custom_queries import Query

    users = Query.users().fields(UserFields.email, UserFields.deleted)
    listed = sdk._gql_client.query(users, operation_name="ListUsersDeleted")["users"]  # type: ignore[attr-defined]
    return {user["email"]: user["deleted"] for user in listed}
