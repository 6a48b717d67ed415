"""Roles against the real emulator: permissions as a set, updates, no delete, drift from the SDK."""

from __future__ import annotations

from _engine import actions, apply, assert_equal_live, assert_no_changes, changes, load, plan


def _role(key: str, permissions: str, name: str = "") -> str:
    named = f"\n    name: {name}" if name else ""
    return f"roles:\n  - key: {key}{named}\n    permissions: [{permissions}]\n"


def test_create_then_plan_is_empty_whatever_the_permission_order(client, uniq, tmp_path) -> None:
    key = uniq("role")
    made = apply(client, load(tmp_path / "a", _role(key, "project:read, interaction:read")))
    assert actions(made) == {f"role.{key}": "create"}
    manifest = load(tmp_path / "b", _role(key, "interaction:read, project:read"))
    assert_equal_live(client, manifest, "role")
    assert_no_changes(client, manifest)


def test_permission_and_name_changes_are_updated_in_place(client, uniq, tmp_path) -> None:
    key = uniq("role")
    apply(client, load(tmp_path / "a", _role(key, "project:read")))
    manifest = load(tmp_path / "b", _role(key, "project:read, project:share", name="Sharer"))
    change = changes(plan(client, manifest))[f"role.{key}"]
    assert {a.path for a in change.attributes} == {"name", "permissions"}
    assert [step.operation for step in change.steps] == ["UpdateRole"]
    apply(client, manifest)
    assert_no_changes(client, manifest)


def test_a_role_changed_outside_shows_as_drift(sdk, client, uniq, tmp_path) -> None:
    key = uniq("role")
    sdk.roles.create(key=key, permissions=["project:read", "model:read"])
    change = changes(plan(client, load(tmp_path, _role(key, "project:read"))))[f"role.{key}"]
    [attr] = change.attributes
    assert (attr.path, attr.before, attr.after) == (
        "permissions",
        ["model:read", "project:read"],
        ["project:read"],
    )


def test_undeclared_roles_are_never_listed_or_deleted(client, uniq, tmp_path) -> None:
    made = plan(client, load(tmp_path, "prune: true\n" + _role(uniq("role"), "project:read")))
    assert not [a for a in made.unmanaged if a.startswith("role.")]
    assert not [a for a, c in changes(made).items() if a.startswith("role.") and c.action.value == "delete"]
