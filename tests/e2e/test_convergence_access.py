"""Removing access is not a deletion (issue 10 item 7, DESIGN.md section 3).

A share or a team membership added by hand (official SDK) to a project or user whose list the
manifests declare is drift; ``apply`` removes it without ``--allow-delete``, the plan marks it
``-``, and the next plan is empty. ``--allow-delete`` still guards deletions of objects, even in
the same plan as an unshare.
"""

from __future__ import annotations

from typing import Any

from _e2e import Cli, assert_plan_shows, lines_of, mutations

DELETE_NOTE = "apply refuses it unless the plan is made with --allow-delete"


def _manifest(sfx: str, *, metrics: bool = True, prune: bool = False) -> str:
    metric = "    metrics:\n      - {key: thumbs, kind: bool}\n" if metrics else ""
    return (
        f"teams:\n  - key: own-{sfx}\n  - key: guests-{sfx}\n"
        f"users:\n  - email: ana-{sfx}@x.example\n    name: Ana\n"
        f"    teams: [{{team: own-{sfx}, role: editor}}]\n"
        f"projects:\n  - key: acc-{sfx}\n    team: own-{sfx}\n"
        + ("    prune: true\n" if prune else "")
        + f"    shares: [{{team: guests-{sfx}, role: read-only}}]\n"
        + metric
    )


def test_hand_made_share_and_membership_are_removed_without_allow_delete(cli: Cli, sdk: Any) -> None:
    sfx = cli.sfx
    cli.write(_manifest(sfx))
    cli.apply_ok()
    sdk.teams.create(key=f"extra-{sfx}", name="Extra")
    sdk.projects.share(project=f"acc-{sfx}", team=f"extra-{sfx}", role="editor")
    sdk.users.add_to_team(email=f"ana-{sfx}@x.example", team=f"extra-{sfx}", role="read-only")

    drifted = cli.run("drift", str(cli.dir), "--no-color")
    assert drifted.exit_code == 2, drifted
    assert f"- project.acc-{sfx}/share.extra-{sfx}" in drifted.stdout, drifted

    planned = cli.plan("--detailed-exitcode")
    assert planned.exit_code == 2, planned
    assert_plan_shows(planned, "-", f"project.acc-{sfx}/share.extra-{sfx}", ['- role: "editor"'])
    assert_plan_shows(planned, "~", f"user.ana-{sfx}@x.example", [f'- teams.extra-{sfx}: "read-only"'])
    assert DELETE_NOTE not in planned.stdout, planned

    applied = cli.apply()  # no --allow-delete
    assert applied.exit_code == 0, applied
    assert sorted(mutations(applied)) == ["RemoveTeamMember", "ShareProject"], applied
    cli.assert_no_changes()
    shares = {s.team.key for s in sdk.projects.get(f"acc-{sfx}").shares}
    assert shares == {f"own-{sfx}", f"guests-{sfx}"}
    ana = next(u for u in sdk.users.list() if u.email == f"ana-{sfx}@x.example")
    assert {m.team.key for m in ana.teams} == {f"own-{sfx}"}


def test_allow_delete_still_guards_object_deletions_beside_an_unshare(cli: Cli, sdk: Any) -> None:
    sfx = cli.sfx
    cli.write(_manifest(sfx))
    cli.apply_ok()
    sdk.teams.create(key=f"extra-{sfx}", name="Extra")
    sdk.projects.share(project=f"acc-{sfx}", team=f"extra-{sfx}", role="editor")
    cli.write(_manifest(sfx, metrics=False, prune=True))  # the metric is pruned: a deletion

    planned = cli.plan()
    assert DELETE_NOTE in planned.stdout, planned
    assert lines_of(planned, f"project.acc-{sfx}/metric.thumbs").startswith("  - "), planned
    refused = cli.apply()
    assert refused.exit_code == 1, refused
    assert f"the plan deletes project.acc-{sfx}/metric.thumbs;" in refused.stderr, refused
    assert "share" not in refused.stderr.split("the plan deletes", 1)[1].split(";", 1)[0]
    assert mutations(refused) == [], refused

    applied = cli.apply("--allow-delete")
    assert applied.exit_code == 0, applied
    assert sorted(mutations(applied)) == ["DeleteMetric", "ShareProject"], applied
    cli.assert_no_changes()
