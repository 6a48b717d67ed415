"""Users and service accounts against the real emulator: memberships as a map, prune, the caller."""

from __future__ import annotations

from _engine import actions, apply, assert_equal_live, assert_no_changes, changes, live_attrs, load, plan

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.emulator.server import run_emulator


def _user(email: str, teams: str, name: str = "Ann") -> str:
    return f"users:\n  - email: {email}\n    name: {name}\n    teams: [{teams}]\n"


def test_create_with_memberships_then_plan_is_empty(client, uniq, tmp_path) -> None:
    team, email = uniq("team"), f"{uniq('ann')}@example.com"
    manifest = load(tmp_path, f"teams:\n  - key: {team}\n" + _user(email, f"{{team: {team}, role: editor}}"))
    made = apply(client, manifest)
    assert actions(made) == {f"team.{team}": "create", f"user.{email}": "create"}
    assert live_attrs(client, f"user.{email}")["teams"] == {team: "editor"}
    assert_equal_live(client, manifest, "user")
    assert_no_changes(client, manifest)


def test_membership_and_name_changes(client, uniq, tmp_path) -> None:
    email = f"{uniq('bob')}@example.com"
    apply(client, load(tmp_path / "a", _user(email, "{team: default, role: read-only}")))
    team = uniq("team")
    text = f"teams:\n  - key: {team}\n" + _user(email, f"{{team: {team}, role: admin}}", name="Bob")
    manifest = load(tmp_path / "b", text)
    change = changes(plan(client, manifest))[f"user.{email}"]
    assert [s.verb for s in change.steps] == ["update", "set-member", "remove-member"]
    apply(client, manifest)
    assert live_attrs(client, f"user.{email}") == {
        "name": "Bob",
        "service_account": False,
        "teams": {team: "admin"},
    }
    assert_no_changes(client, manifest)


def test_a_membership_made_with_the_sdk_shows_as_drift(sdk, client, uniq, tmp_path) -> None:
    email = f"{uniq('cat')}@example.com"
    manifest = load(tmp_path, _user(email, "{team: default, role: read-only}"))
    apply(client, manifest)
    sdk.users.add_to_team(email=email, team="default", role="editor")
    change = changes(plan(client, manifest))[f"user.{email}"]
    [attr] = change.attributes
    assert (attr.path, attr.before, attr.after) == ("teams.default", "editor", "read-only")


def test_service_account_is_created_without_a_key_and_says_so(client, uniq, tmp_path) -> None:
    name = uniq("svc")
    manifest = load(
        tmp_path,
        f"users:\n  - name: {name}\n    service_account: true\n"
        "    teams: [{team: default, role: read-only}]\n",
    )
    made = apply(client, manifest)
    change = changes(made)[f"user.{name}@system.adaptive.local"]
    assert any("createApiKey" in warning for warning in change.warnings)
    assert change.steps[0].variables["input"]["userType"] == "SYSTEM"
    assert live_attrs(client, f"user.{name}@system.adaptive.local")["service_account"] is True
    assert_no_changes(client, manifest)


def test_prune_deletes_undeclared_users_but_never_the_caller(tmp_path) -> None:
    with run_emulator() as emu, AdaptiveClient(emu.url, emu.api_key) as api:
        apply(api, load(tmp_path / "a", _user("gone@example.com", "{team: default, role: read-only}")))
        manifest = load(
            tmp_path / "b", "prune: true\n" + _user("kept@example.com", "{team: default, role: editor}")
        )
        made = plan(api, manifest)
        assert actions(made) == {"user.gone@example.com": "delete", "user.kept@example.com": "create"}
        assert "user.admin@adaptive.local" not in made.unmanaged
        apply(api, manifest)
        listed = api.execute("query { users { email deleted } }")["users"]
        active = {u["email"] for u in listed if not u["deleted"]}
        assert active == {"admin@adaptive.local", "kept@example.com"}
        assert_no_changes(api, manifest)
