"""Test support for the kind tests: the real engine below the CLI, small.

YAML text -> ``load_manifests`` -> ``read_live_state`` -> ``make_plan`` (every kind) ->
``execute_plan`` against the real emulator: what ``adaptive-plan plan``/``apply`` run, minus
the command line. No mocks and no re-implementation of planning or executing: a kind's steps
reach the API only through a plan.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from pathlib import Path

from adaptive_plan.apply.executor import execute_plan
from adaptive_plan.kinds import KINDS, KINDS_BY_NAME
from adaptive_plan.kinds.base import Kind
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.manifest.load import load_manifests
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import Action, Change, Plan
from adaptive_plan.model.resource import Resource
from adaptive_plan.plan.planner import PlanOptions, make_plan
from tests import no_changes


def load(
    directory: Path,
    text: str,
    environ: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> Manifest:
    """Write ``manifest.yaml`` (``version: 1`` added when missing) and ``files`` (relative paths)
    under ``directory``, and load it as ``plan`` does."""
    directory.mkdir(parents=True, exist_ok=True)
    for relative, body in (files or {}).items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    body = textwrap.dedent(text)
    if not body.lstrip().startswith("version:"):
        body = "version: 1\n" + body
    (directory / "manifest.yaml").write_text(body, encoding="utf-8")
    return load_manifests([str(directory)], mode="plan", environ=environ or {}).manifest


def plan(client: object, manifest: Manifest) -> Plan:
    return make_plan(manifest, read_live_state(client, KINDS), KINDS, PlanOptions(allow_delete=True))


def apply(client: object, manifest: Manifest, environ: Mapping[str, str] | None = None) -> Plan:
    """Plan and apply; fail with the report when a step fails. Returns the plan applied."""
    made = plan(client, manifest)
    report = execute_plan(made, client, on_event=lambda event: None, parallelism=4, environ=environ or {})
    assert report.ok, [(step.id, message) for step, message in report.failed]
    return made


def changes(made: Plan) -> dict[str, Change]:
    """The changes that do something (not no-op), by address."""
    return {change.address: change for change in made.changes if change.action is not Action.NOOP}


def actions(made: Plan) -> dict[str, str]:
    return {address: change.action.value for address, change in changes(made).items()}


def assert_no_changes(client: object, manifest: Manifest) -> Plan:
    made = plan(client, manifest)
    no_changes.assert_no_changes(made)
    return made


def live_of(client: object, kind: Kind) -> dict[Address, Resource]:
    """One kind's live resources, as the reader reads them for a plan."""
    return {r.address: r for r in read_live_state(client, KINDS).resources.values() if r.kind == kind.name}


def desired_of(manifest: Manifest, kind: Kind) -> dict[Address, Resource]:
    return {r.address: r for r in kind.desired(manifest)}


def assert_equal_live(client: object, manifest: Manifest, kind_name: str) -> None:
    """Every declared resource of the kind exists live and compares equal on every managed attr."""
    kind = KINDS_BY_NAME[kind_name]
    live = read_live_state(client, KINDS)
    linked, live_resources = kind.link(kind.desired(manifest), live)
    by_address = {resource.address: resource for resource in live_resources}
    for wanted in linked:
        assert wanted.address in by_address, f"{wanted.address} missing live"
        assert kind.compare(wanted, by_address[wanted.address]) == []


def live_attrs(client: object, address: str) -> dict:
    resource = read_live_state(client, KINDS).get(Address.parse(address))
    assert resource is not None, f"{address} is not live"
    return resource.attrs


def plan_json(made: Plan) -> str:
    return json.dumps(made.to_dict(), default=str)
