"""Projects against the real emulator: create, description null == "", creation-only team, archive."""

from __future__ import annotations

import pytest
from _engine import actions, apply, assert_equal_live, assert_no_changes, changes, live_attrs, load, plan

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.emulator.server import run_emulator
from adaptive_plan.model.errors import PlanError


def _project(key: str, extra: str = "") -> str:
    return f"projects:\n  - key: {key}\n{extra}"


def test_create_with_team_then_plan_is_empty(client, uniq, tmp_path) -> None:
    key, team = uniq("proj"), uniq("team")
    text = f"teams:\n  - key: {team}\n" + _project(
        key, f"    name: Bot\n    description: Helps\n    team: {team}\n"
    )
    manifest = load(tmp_path, text)
    made = apply(client, manifest)
    assert actions(made) == {f"team.{team}": "create", f"project.{key}": "create"}
    assert changes(made)[f"project.{key}"].depends_on == (f"team.{team}",)
    assert live_attrs(client, f"project.{key}") == {
        "name": "Bot",
        "description": "Helps",
        "team": team,
        "archived": False,
    }
    assert_equal_live(client, manifest, "project")
    assert_no_changes(client, manifest)


def test_empty_description_equals_none_and_name_defaults_to_key(sdk, client, uniq, tmp_path) -> None:
    key = uniq("proj")
    sdk.projects.create(key=key)
    assert_no_changes(client, load(tmp_path, _project(key, f'    name: {key}\n    description: ""\n')))


def test_name_and_description_update_in_place(client, uniq, tmp_path) -> None:
    key = uniq("proj")
    apply(client, load(tmp_path / "a", _project(key, "    name: Old\n")))
    manifest = load(tmp_path / "b", _project(key, "    name: New\n    description: Now described\n"))
    change = changes(plan(client, manifest))[f"project.{key}"]
    assert [(s.operation, s.variables["input"]) for s in change.steps] == [
        ("UpdateProject", {"name": "New", "description": "Now described"})
    ]
    apply(client, manifest)
    assert_no_changes(client, manifest)


def test_team_is_creation_only(client, uniq, tmp_path) -> None:
    key, team = uniq("proj"), uniq("team")
    apply(client, load(tmp_path / "a", _project(key, "    team: default\n")))
    moved = load(tmp_path / "b", f"teams:\n  - key: {team}\n" + _project(key, f"    team: {team}\n"))
    with pytest.raises(PlanError) as caught:  # it could never be sent: the plan refuses it
        plan(client, moved)
    assert "creation only" in str(caught.value) and 'team: "default"' in str(caught.value)


def test_prune_archives_then_declaring_it_again_unarchives(tmp_path) -> None:
    with run_emulator() as emu, AdaptiveClient(emu.url, emu.api_key) as api:
        kept = load(tmp_path / "a", _project("kept") + _project("gone").replace("projects:\n", ""))
        apply(api, kept)
        pruned = load(tmp_path / "b", "prune: true\n" + _project("kept"))
        made = plan(api, pruned)
        assert actions(made) == {"project.gone": "delete"}
        assert [s.verb for s in changes(made)["project.gone"].steps] == ["archive"]
        apply(api, pruned)
        archived = api.execute("query { projects(filter: {isArchived: true}) { key } }")["projects"]
        assert archived == [{"key": "gone"}]
        made = assert_no_changes(api, pruned)
        assert "project.gone" not in made.unmanaged
        unarchive = plan(api, kept)
        assert [s.verb for s in changes(unarchive)["project.gone"].steps] == ["unarchive"]
        apply(api, kept)
        assert_no_changes(api, kept)


def test_a_project_made_with_the_sdk_is_adopted_and_differences_show(sdk, client, uniq, tmp_path) -> None:
    key = uniq("proj")
    sdk.projects.create(key=key, name="By Hand", description="written in the UI")
    manifest = load(tmp_path, _project(key, "    name: By Hand\n    description: managed\n"))
    [attr] = changes(plan(client, manifest))[f"project.{key}"].attributes
    assert (attr.path, attr.before, attr.after) == ("description", "written in the UI", "managed")
