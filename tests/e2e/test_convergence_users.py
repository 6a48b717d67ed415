"""A deleted user declared again is reactivated, not created (issue 10 item 4).

``deleteUser`` is a soft delete and the email stays taken, so ``createUser`` would be refused
forever. The plan shows the reactivation (``deleted: true → false``, verb ``reactivate``) and the
membership changes against what the deleted user had; one apply converges.
"""

from __future__ import annotations

from typing import Any

from _e2e import Cli, assert_plan_shows, mutations


def _user(sfx: str, *teams: tuple[str, str]) -> str:
    listed = ", ".join(f"{{team: {team}, role: {role}}}" for team, role in teams)
    return f"users:\n  - email: ana-{sfx}@x.example\n    name: Ana\n    teams: [{listed}]\n"


def test_a_pruned_user_declared_again_is_reactivated(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    sfx, email = cli.sfx, f"ana-{cli.sfx}@x.example"
    sdk.teams.create(key=f"ops-{sfx}", name=f"ops-{sfx}")
    sdk.users.create(email=email, name="Ana", teams_with_role=[(f"ops-{sfx}", "editor")])
    teams = f"teams:\n  - key: ops-{sfx}\n"

    cli.write(f"prune: true\n{teams}")  # the user is pruned (a soft delete)
    pruned = cli.apply("--allow-delete")
    assert pruned.exit_code == 0 and mutations(pruned) == ["DeleteUser"], pruned
    cli.assert_no_changes()  # a deleted user is neither unmanaged nor pruned again

    cli.write(f"prune: true\n{teams}" + _user(sfx, ("default", "read-only")))
    planned = cli.plan("--detailed-exitcode")
    assert planned.exit_code == 2, planned
    block = assert_plan_shows(
        planned, "~", f"user.{email}",
        ["reactivate → set-member → remove-member", "~ deleted: true → false",
         '+ teams.default: "read-only"', f'- teams.ops-{sfx}: "editor"'],
    )
    assert "+ user." not in block
    applied = cli.apply()
    assert applied.exit_code == 0, applied
    assert mutations(applied) == ["ReactivateUser", "UpdateUser", "RemoveTeamMember"], applied
    cli.assert_no_changes()
    user = next(u for u in sdk.users.list() if u.email == email)
    assert {m.team.key: m.role.key for m in user.teams} == {"default": "read-only"}


def test_a_user_deleted_by_hand_and_still_declared_is_reactivated(cli: Cli, sdk: Any) -> None:
    email = f"ana-{cli.sfx}@x.example"
    cli.write(_user(cli.sfx, ("default", "editor")))
    cli.apply_ok()
    sdk.users.delete(email=email)
    drifted = cli.run("drift", str(cli.dir), "--no-color")
    assert drifted.exit_code == 2 and "deleted: live true, declared false" in drifted.stdout, drifted
    applied = cli.apply()
    assert applied.exit_code == 0 and mutations(applied) == ["ReactivateUser"], applied
    cli.assert_no_changes()
