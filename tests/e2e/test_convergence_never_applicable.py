"""Changes the API can never make are refused at plan time, never planned forever (issue 10 item 6).

Each object is made out of band with the official SDK; the manifest then declares a value the
API has no call to set (a team rename, another external model id, a project's team, a user's
type). ``plan --detailed-exitcode`` must not exit 2 forever with an update that sends nothing:
it exits 1 naming FILE:LINE:COL, the address and the live value to declare, and sends nothing;
``apply`` refuses the same way, and ``drift`` reports it (exit 2) with that reason. Declaring
the live value gives an empty plan.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from _e2e import Cli, mutations


@dataclass(frozen=True)
class Case:
    make: Callable[[Any, str], None]  # (sdk, sfx): the live object, made by hand
    wanted: str  # a manifest declaring a value that can never be applied (``{s}`` = sfx)
    live: str  # the same manifest declaring the live value instead
    address: str
    says: tuple[str, ...]  # fragments the refusal must hold


def _team(sdk: Any, s: str) -> None:
    sdk.teams.create(key=f"t-{s}", name="Live name")


def _model(sdk: Any, s: str) -> None:
    sdk.models.add_external(name=f"judge-{s}", external_model_id="gpt-4o", api_key="sk-x", provider="open_ai")


def _project(sdk: Any, s: str) -> None:
    sdk.teams.create(key=f"t-{s}", name=f"t-{s}")
    sdk.projects.create(key=f"p-{s}", name=f"p-{s}", team="default")


def _user(sdk: Any, s: str) -> None:
    sdk.users.create(email=f"u-{s}@x.example", name="u", teams_with_role=[("default", "read-only")])


MODEL = (
    "models:\n  - key: judge-{s}\n    external:\n      provider: open_ai\n"
    "      external_model_id: {id}\n      api_key: \"{{{{ secret('K') }}}}\"\n"
)
CASES = {
    "team rename": Case(
        _team,
        "teams:\n  - {{key: t-{s}, name: New name}}\n",
        "teams:\n  - {{key: t-{s}, name: Live name}}\n",
        "team.t-{s}",
        ("cannot be renamed", 'name: "Live name"'),
    ),
    "external model id": Case(
        _model,
        MODEL.replace("{id}", "gpt-4.1"),
        MODEL.replace("{id}", "gpt-4o"),
        "model.judge-{s}",
        ("provider settings cannot be changed", 'external.external_model_id: "gpt-4o"', "new key"),
    ),
    "project team": Case(
        _project,
        "teams:\n  - key: t-{s}\nprojects:\n  - {{key: p-{s}, team: t-{s}}}\n",
        "teams:\n  - key: t-{s}\nprojects:\n  - {{key: p-{s}, team: default}}\n",
        "project.p-{s}",
        ("creation only", 'team: "default"'),
    ),
    "user type": Case(
        _user,
        "users:\n  - {{email: u-{s}@x.example, name: u, service_account: true}}\n",
        "users:\n  - {{email: u-{s}@x.example, name: u, service_account: false}}\n",
        "user.u-{s}@x.example",
        ("a user's type", 'service_account: false'),
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_a_change_that_can_never_be_applied_is_a_plan_error(cli: Cli, sdk: Any, case: Case) -> None:
    sfx = cli.sfx
    case.make(sdk, sfx)
    path = cli.write(case.wanted.format(s=sfx))
    address = case.address.format(s=sfx)
    env = {"K": "sk-canary-never"}

    planned = cli.plan("--detailed-exitcode", env=env)
    assert planned.exit_code == 1, planned
    assert f"{path}:" in planned.stderr and f": {address}: " in planned.stderr, planned
    for fragment in case.says:
        assert fragment in planned.stderr, (fragment, planned)
    assert "Traceback" not in planned.output and mutations(planned) == [], planned
    refused = cli.apply(env=env)
    assert refused.exit_code == 1 and mutations(refused) == [], refused
    # drift reports every difference (exit 2), each with what to declare, and sends nothing
    drifted = cli.run("drift", str(cli.dir), "--format", "json", env=env)
    assert drifted.exit_code == 2 and mutations(drifted) == [], drifted
    [item] = json.loads(drifted.stdout)["drifted"]
    assert item["address"] == address and all(f in item["reason"] for f in case.says), item

    cli.write(case.live.format(s=sfx))
    cli.assert_no_changes(env=env)
