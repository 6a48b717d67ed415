"""Teams against the real emulator: create, no spurious diff, rename and delete cannot be applied."""

from __future__ import annotations

import pytest
from _engine import actions, apply, assert_equal_live, assert_no_changes, load, plan

from adaptive_plan.apply.waiting import make_probe
from adaptive_plan.kinds.team import TeamKind
from adaptive_plan.model.errors import PlanError


def test_create_then_plan_is_empty(client, uniq, tmp_path) -> None:
    key = uniq("team")
    manifest = load(tmp_path, f"teams:\n  - key: {key}\n    name: Team {key}\n")
    made = apply(client, manifest)
    assert actions(made) == {f"team.{key}": "create"}
    assert_equal_live(client, manifest, "team")
    assert_no_changes(client, manifest)


def test_name_defaults_to_key_and_undeclared_name_is_unmanaged(client, uniq, tmp_path) -> None:
    key = uniq("team")
    apply(client, load(tmp_path / "a", f"teams:\n  - key: {key}\n"))
    assert client.execute("query { teams { key name } }")["teams"][-1] == {"key": key, "name": key}
    assert_no_changes(client, load(tmp_path / "b", f"teams:\n  - key: {key}\n"))


def test_rename_is_refused_with_the_live_name_to_declare(client, uniq, tmp_path) -> None:
    key = uniq("team")
    apply(client, load(tmp_path / "a", f"teams:\n  - key: {key}\n    name: Old\n"))
    with pytest.raises(PlanError) as caught:
        plan(client, load(tmp_path / "b", f"teams:\n  - key: {key}\n    name: New\n"))
    assert "cannot be renamed" in str(caught.value) and 'name: "Old"' in str(caught.value)


def test_team_made_with_the_sdk_is_adopted_and_undeclared_teams_are_listed_not_deleted(
    sdk, client, uniq, tmp_path
) -> None:
    key, other = uniq("team"), uniq("other")
    sdk.teams.create(key=key, name="Made By Hand")
    sdk.teams.create(key=other, name="Someone else's")
    made = assert_no_changes(client, load(tmp_path, f"teams:\n  - key: {key}\n    name: Made By Hand\n"))
    assert f"team.{other}" in made.unmanaged and "team.default" not in made.unmanaged
    pruning = plan(client, load(tmp_path / "p", f"prune: true\nteams:\n  - key: {key}\n"))
    notes = {change.address: change for change in pruning.changes}
    assert notes[f"team.{other}"].steps == ()
    assert any("cannot be deleted" in warning for warning in notes[f"team.{other}"].warnings)
    assert "team.default" not in notes


def test_create_probe_sees_the_team_once_it_exists(client, uniq) -> None:
    from adaptive_plan.model.address import Address
    from adaptive_plan.model.resource import Resource

    key = uniq("team")
    [create] = TeamKind().create_steps(Resource(Address("team", key), "team", {}))
    probe = make_probe(client, create.probe, {})
    assert probe() is False
    client.execute(create.document, create.variables)
    assert probe() is True
