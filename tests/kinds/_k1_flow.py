"""Test support for the team/role/user/model/project/share/integration kind tests.

The real flow, end to end below the CLI: YAML text -> ``load_manifests`` -> ``read_live_state``
-> ``make_plan`` (with the K1 kinds) -> ``execute_plan`` against the real emulator. No mocks.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from pathlib import Path

from adaptive_plan.apply.executor import execute_plan
from adaptive_plan.kinds import KINDS, KINDS_BY_NAME
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.manifest.load import load_manifests
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import Action, Change, Plan
from adaptive_plan.plan.planner import PlanOptions, make_plan

K1_KINDS = tuple(
    KINDS_BY_NAME[name] for name in ("team", "role", "user", "model", "project", "share", "integration")
)


def load(directory: Path, text: str, environ: Mapping[str, str] | None = None) -> Manifest:
    """Write ``text`` (a manifest without ``version``) to ``directory`` and load it."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.yaml").write_text("version: 1\n" + textwrap.dedent(text), encoding="utf-8")
    return load_manifests([str(directory)], mode="plan", environ=environ or {}).manifest


def plan(client: object, manifest: Manifest) -> Plan:
    live = read_live_state(client, KINDS)
    return make_plan(manifest, live, K1_KINDS, PlanOptions(allow_delete=True))


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
    assert actions(made) == {}, {a: [x.path for x in c.attributes] for a, c in changes(made).items()}
    return made


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
