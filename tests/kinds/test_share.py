"""Shares against the real emulator: one shareProject with the complete list, owner always kept."""

from __future__ import annotations

from _engine import actions, apply, assert_equal_live, assert_no_changes, load, plan


def _manifest(project: str, shares: str | None, teams: tuple[str, ...] = (), owner: str = "") -> str:
    text = "teams:\n" + "".join(f"  - key: {t}\n" for t in teams) if teams else ""
    text += f"projects:\n  - key: {project}\n"
    if owner:
        text += f"    team: {owner}\n"
    if shares is not None:
        text += f"    shares: [{shares}]\n"
    return text


def _shares(client, project: str) -> dict[str, tuple[str, bool]]:
    data = client.execute(
        "query($p: IdOrKey!) { project(idOrKey: $p) { shares { team { key } role { key } isOwner } } }",
        {"p": project},
    )
    return {s["team"]["key"]: (s["role"]["key"], s["isOwner"]) for s in data["project"]["shares"]}


def test_new_project_with_shares_is_one_share_call_keeping_the_owner(client, uniq, tmp_path) -> None:
    project, owner, a, b = uniq("proj"), uniq("own"), uniq("ta"), uniq("tb")
    text = _manifest(
        project, f"{{team: {a}, role: editor}}, {{team: {b}, role: read-only}}", (owner, a, b), owner
    )
    manifest = load(tmp_path, text)
    made = apply(client, manifest)
    assert actions(made)[f"project.{project}/share.{a}"] == "create"
    share_steps = {s.id for c in made.changes for s in c.steps if s.operation == "ShareProject"}
    assert len(share_steps) == 1
    assert _shares(client, project) == {owner: ("admin", True), a: ("editor", False), b: ("read-only", False)}
    assert_equal_live(client, manifest, "share")
    assert_no_changes(client, manifest)


def test_add_change_and_remove_shares_on_an_existing_project(sdk, client, uniq, tmp_path) -> None:
    project, a, b, c = uniq("proj"), uniq("ta"), uniq("tb"), uniq("tc")
    apply(
        client,
        load(
            tmp_path / "a",
            _manifest(project, f"{{team: {a}, role: editor}}, {{team: {b}, role: editor}}", (a, b, c)),
        ),
    )
    manifest = load(
        tmp_path / "b",
        _manifest(project, f"{{team: {a}, role: read-only}}, {{team: {c}, role: editor}}", (a, b, c)),
    )
    made = plan(client, manifest)
    assert actions(made) == {
        f"project.{project}/share.{a}": "update",
        f"project.{project}/share.{b}": "delete",
        f"project.{project}/share.{c}": "create",
    }
    assert len({s.id for ch in made.changes for s in ch.steps}) == 1
    apply(client, manifest)
    assert _shares(client, project) == {
        "default": ("admin", True),
        a: ("read-only", False),
        c: ("editor", False),
    }
    assert_no_changes(client, manifest)


def test_shares_made_outside_are_removed_when_declared_and_ignored_when_not(
    sdk, client, uniq, tmp_path
) -> None:
    project, a, b = uniq("proj"), uniq("ta"), uniq("tb")
    declared = load(tmp_path / "a", _manifest(project, f"{{team: {a}, role: editor}}", (a, b)))
    apply(client, declared)
    sdk.projects.share(project=project, team=b, role="read-only")
    assert actions(plan(client, declared)) == {f"project.{project}/share.{b}": "delete"}
    undeclared = load(tmp_path / "b", _manifest(project, None, (a, b)))
    made = assert_no_changes(client, undeclared)
    assert not [u for u in made.unmanaged if "/share." in u]
    apply(client, declared)
    assert _shares(client, project) == {"default": ("admin", True), a: ("editor", False)}


def test_an_empty_list_removes_every_share_but_the_owner(client, uniq, tmp_path) -> None:
    project, a = uniq("proj"), uniq("ta")
    apply(client, load(tmp_path / "a", _manifest(project, f"{{team: {a}, role: editor}}", (a,))))
    manifest = load(tmp_path / "b", _manifest(project, "", (a,)))
    apply(client, manifest)
    assert _shares(client, project) == {"default": ("admin", True)}
    assert_no_changes(client, manifest)


def test_declaring_the_owner_team_manages_its_role(client, uniq, tmp_path) -> None:
    project, owner = uniq("proj"), uniq("own")
    apply(client, load(tmp_path / "a", _manifest(project, None, (owner,), owner)))
    manifest = load(tmp_path / "b", _manifest(project, f"{{team: {owner}, role: editor}}", (owner,), owner))
    assert actions(plan(client, manifest)) == {f"project.{project}/share.{owner}": "update"}
    apply(client, manifest)
    assert _shares(client, project) == {owner: ("editor", True)}
    assert_no_changes(client, manifest)
