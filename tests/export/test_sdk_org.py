"""Adversarial adoption sweep: teams, roles, users, projects, shares and recipes made only with
the official SDK's public methods (every option, odd-but-valid values) export, and the first
plan is empty; exporting twice gives identical files; a change made with the SDK afterwards
shows up as exactly that change.

The SDK has no method that archives a project, so the one archived project is archived with
the API's own ``updateProject`` mutation over plain HTTP, as a UI would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from _export_support import tree

UNICODE_NAME = "Équipe Données 🚀 — ünïcödé"
MULTILINE = "First line\n  indented second line\nthird: with colon\n"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return root


def _archive(emu: Any, project: str) -> None:
    """Archive through the API (the SDK has no method for it)."""
    document = (
        "mutation Archive($p: IdOrKey!) { updateProject(idOrKey: $p, input: {isArchived: true}) { id } }"
    )
    response = httpx.post(
        f"{emu.url}/api/graphql",
        json={"query": document, "variables": {"p": project}},
        headers={"Authorization": f"Bearer {emu.api_key}"},
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text


def _make_access(sdk: Any) -> None:
    """Teams, roles and users with every option the SDK takes."""
    sdk.teams.create(key="ops", name="Operations")
    sdk.teams.create(key="ml")  # name defaults to the key
    sdk.teams.create(key="data-science", name=UNICODE_NAME)
    sdk.teams.create(key="templating", name="{{ team }} {% raw %} {# note #}")
    sdk.teams.create(key="yaml-ish", name="yes")
    sdk.teams.create(key="Mixed.Case_9", name="Ops: night shift  ")
    every_permission = list(sdk.permissions.list())
    sdk.roles.create(key="superuser", permissions=every_permission, name="Super user")
    sdk.roles.create(key="auditor", permissions=["project:read", "grader:read", "project:read"])
    sdk.roles.create(key="reviseur", permissions=["project:read"], name="Réviseur · 検査")
    sdk.roles.create(key="nobody", permissions=[], name="nobody")
    sdk.users.create(
        email="ana@ops.example",
        name="Ana",
        teams_with_role=[("ops", "auditor"), ("ml", "editor"), ("data-science", "read-only")],
    )
    sdk.users.create(email="zoe@ops.example", name="Zoë Ñúñez", teams_with_role=[])
    sdk.users.create(email="noname@ops.example", name="", teams_with_role=[("ml", "read-only")])
    sdk.users.create(email="zoë+tag@exämple.org", name="  ", teams_with_role=[("Mixed.Case_9", "nobody")])
    sdk.users.create(email="Bob.Smith@Ops.Example", name="bob", teams_with_role=[("ops", "admin")])
    sdk.users.add_to_team(email="Bob.Smith@Ops.Example", team="ml", role="superuser")
    sdk.users.add_to_team(email="Bob.Smith@Ops.Example", team="ops", role="reviseur")
    sdk.users.create(email="leaver@ops.example", name="Leaver", teams_with_role=[("ops", "editor")])
    sdk.users.add_to_team(email="leaver@ops.example", team="ml", role="editor")
    sdk.users.remove_from_team(email="leaver@ops.example", team="ops")
    sdk.users.create(email="gone@ops.example", name="Gone", teams_with_role=[("ops", "editor")])
    sdk.users.delete(email="gone@ops.example")
    sdk.users.create_service_account(name="ops-bot", teams_with_role=[("ops", "editor"), ("ml", "auditor")])
    sdk.users.create_service_account(name="ci_runner_2", teams_with_role=[])


def _make_projects(sdk: Any, emu: Any) -> None:
    """Projects with every create option, shares with every role and owner flag, unshares."""
    sdk.projects.create(key="plain")  # name = key, no description, default team
    sdk.projects.create(key="empty-desc", name="Empty description", description="", team="ops")
    sdk.projects.create(key="unicode", name=UNICODE_NAME, description=MULTILINE, team="data-science")
    sdk.projects.create(key="templated", name="{{ name }}", description="Uses {{criteria}} and {%x%}")
    sdk.projects.create(key="odd-text", name=" padded", description="\ttab\u2028line sep\r\nkept\n\n")
    sdk.projects.create(key="shared", name="Shared", description="Shared with everyone", team="ml")
    for team, role in (("ops", "admin"), ("data-science", "editor"), ("templating", "read-only"),
                       ("yaml-ish", "auditor"), ("Mixed.Case_9", "superuser"), ("default", "nobody")):
        sdk.projects.share(project="shared", team=team, role=role)
    sdk.projects.share(project="shared", team="yaml-ish", role="reviseur")  # role changed in place
    sdk.projects.unshare(project="shared", team="templating")
    sdk.projects.create(key="co-owned", team="ops")
    sdk.projects.share(project="co-owned", team="ml", role="editor", is_owner=True)
    sdk.projects.share(project="co-owned", team="data-science", role="read-only", is_owner=False)
    sdk.projects.create(key="owner-demoted", team="ml")
    sdk.projects.share(project="owner-demoted", team="ml", role="editor")  # the owner's own role
    sdk.projects.share(project="owner-demoted", team="ops", role="auditor")
    sdk.projects.create(key="orphan", team="ops")
    sdk.projects.share(project="orphan", team="ml", role="editor")
    sdk.projects.unshare(project="orphan", team="ops")  # no owner left
    roles = ("admin", "editor", "read-only", "auditor", "reviseur", "superuser", "nobody")
    sdk.projects.create(key="crowded", team="ops")
    sdk.users.create(email="busy@ops.example", name="Busy", teams_with_role=[])
    for index in range(25):
        sdk.teams.create(key=f"bulk-{index:02d}", name=f"Bulk {index}")
        sdk.projects.share(project="crowded", team=f"bulk-{index:02d}", role=roles[index % len(roles)])
        sdk.users.add_to_team(email="busy@ops.example", team=f"bulk-{index:02d}", role=roles[-1 - index % 7])
    sdk.projects.create(key="retired", name="Retired", description="archived by hand")
    sdk.projects.share(project="retired", team="ops", role="editor")
    _archive(emu, "retired")


def _make_recipes(sdk: Any, code: Path) -> None:
    """Single files, directories (nested, with ignored and non-Python files), entrypoints,
    labels, keys inferred from file names, and updates of code and labels."""
    single = _write(code / "single", {"score_replies.py": "def main():\n    return 'score'\n"})
    sdk.recipes.upload(path=str(single / "score_replies.py"), project="shared")  # key score-replies
    main_only = _write(code / "main_only", {"main.py": "print('only main')\n"})
    sdk.recipes.upload(path=str(main_only), recipe_key="main-only", project="shared")
    nested = _write(
        code / "nested",
        {
            "main.py": "from pkg.sub import helper\n",
            "config.py": "EPOCHS = 2\n",
            "pkg/__init__.py": "",
            "pkg/sub/helper.py": "def helper():\n    return 'ünïcödé'\n",
            "data/prompts.json": '{"greeting": "hi"}\n',
            "README.md": "# Nested\n",
            "données/é t.txt": "unicode and a space in the path\n",
        },
    )
    sdk.recipes.upload(
        path=str(nested), recipe_key="nested", name="Nested · 入れ子", description=MULTILINE,
        labels={"owner": "ops", "tier": "", "team/area": "ünï"}, project="shared",
    )
    custom = _write(code / "custom", {"train.py": "print('train')\n", "settings/cfg.py": "LR = 1e-4\n"})
    sdk.recipes.upload(
        path=str(custom), recipe_key="custom-entry", entrypoint="train.py",
        entrypoint_config="settings/cfg.py", description="", project="shared",
    )
    ignored = _write(
        code / "with_ignores",
        {"main.py": "print('main')\n", ".gitignore": "*.log\nbuild/\n", "debug.log": "noise\n",
         "build/out.py": "x = 1\n", ".hidden/secret.py": "S = 1\n"},
    )
    sdk.recipes.upload(path=str(ignored), recipe_key="with-ignores", project="shared")
    v1 = _write(code / "evolving_v1", {"main.py": "VERSION = 1\n"})
    v2 = _write(code / "evolving_v2", {"main.py": "VERSION = 2\n", "extra.py": "X = 2\n"})
    sdk.recipes.upload(path=str(v1), recipe_key="evolving", labels={"stage": "dev"}, project="shared")
    sdk.recipes.update(recipe_key="evolving", path=str(v2), labels=[("stage", "prod"), ("rev", "2")],
                       name="Evolving", project="shared")
    sdk.recipes.upsert(path=str(v1), recipe_key="upserted", name="upserted", project="unicode")
    renamed = _write(code / "renamed", {"other_name.py": "print('renamed')\n"})
    sdk.recipes.upload(path=str(single / "score_replies.py"), recipe_key="renamed", project="unicode")
    sdk.recipes.update(recipe_key="renamed", path=str(renamed / "other_name.py"), project="unicode")
    sdk.recipes.upsert(path=str(v2), recipe_key="upserted", description="second", project="unicode")
    sdk.recipes.upload(path=str(single / "score_replies.py"), name="Score the replies", project="plain")
    trainer = _write(code / "trainer", {"main.py": "print('main')\n", "run.py": "print('run')\n"})
    sdk.recipes.upload(path=str(trainer), entrypoint="run.py", project="plain")  # key trainer/run
    sdk.recipes.upload(path=str(trainer), project="plain")  # key trainer: a sibling of trainer/run
    sdk.recipes.upload(path=str(trainer), name="Entraînement d'été", project="plain")  # key entraînement-dété


@pytest.fixture(scope="module")
def org(sdk, emu, tmp_path_factory) -> Path:
    """Everything, made through the SDK; returns the directory holding the recipe sources."""
    code = tmp_path_factory.mktemp("sdk-org-code")
    _make_access(sdk)
    _make_projects(sdk, emu)
    _make_recipes(sdk, code)
    return code


def _plan_json(cli: Any, path: Path) -> dict[str, Any]:
    result = cli("plan", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("layout", ["single", "per-project"])
def test_everything_made_by_the_sdk_adopts_with_an_empty_plan(cli, org, tmp_path, layout) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    cli.export(first, "--layout", layout)
    cli.assert_no_changes(first)
    cli.export(second, "--layout", layout)
    assert tree(first) == tree(second)


def test_the_export_declares_what_the_sdk_made(cli, org, tmp_path) -> None:
    cli.export(tmp_path)
    text = (tmp_path / "manifest.yaml").read_text()
    for expected in (
        "name: Équipe Données 🚀 — ünïcödé", "name: 'yes'", "permissions: []", "name: ''",
        "email: Bob.Smith@Ops.Example", "  - name: ci_runner_2\n    service_account: true\n    teams: []",
        "key: trainer/run\n        path: recipes/plain/trainer--run\n        entrypoint: run.py",
        "key: entraînement-dété", "config_entrypoint: settings/cfg.py", "tier: ''",
        "email: zoë+tag@exämple.org\n    name: '  '", "path: recipes/unicode/renamed/other_name.py",
    ):
        assert expected in text, expected
    for absent in ("gone@ops.example", "key: retired", "team: templating\n        role: read-only"):
        assert absent not in text, absent
    co_owned = text.split("key: co-owned", 1)[1].split("  - key:", 1)[0]
    assert "team: ml\n        role: editor" in co_owned  # the second owner is declared like any share
    assert tree(tmp_path / "recipes/shared/nested") == tree(org / "nested")
    assert tree(tmp_path / "recipes/plain/trainer") == tree(org / "trainer")
    ignoring = set(tree(tmp_path / "recipes/shared/with-ignores"))
    assert ignoring == {".gitignore", ".hidden/secret.py", "main.py"}  # what the SDK zipped


@pytest.mark.parametrize("kinds", [("team", "role", "user"), ("share",), ("recipe",), ("project",)])
def test_an_export_of_some_kinds_adopts_with_an_empty_plan(cli, org, tmp_path, kinds) -> None:
    cli.export(tmp_path, "--layout", "per-project", *(arg for kind in kinds for arg in ("--kind", kind)))
    cli.assert_no_changes(tmp_path)


def _changes(cli: Any, path: Path) -> list[tuple[str, str, list[str]]]:
    """(address, action, changed attributes) of every change that is not a no-op, sorted;
    an attribute is named by the first part of its path (``teams`` for ``teams.ops``)."""
    result = cli("plan", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    return sorted(
        (change["address"], change["action"], sorted({a["path"].split(".")[0] for a in change["attributes"]}))
        for change in json.loads(result.stdout)["changes"]
        if change["action"] != "no-op"
    )


def test_a_membership_change_made_with_the_sdk_is_exactly_one_user_update(cli, org, sdk, tmp_path) -> None:
    cli.export(tmp_path)
    cli.assert_no_changes(tmp_path)
    sdk.users.add_to_team(email="zoe@ops.example", team="yaml-ish", role="auditor")
    sdk.users.remove_from_team(email="Bob.Smith@Ops.Example", team="ops")
    assert _changes(cli, tmp_path) == [
        ("user.Bob.Smith@Ops.Example", "update", ["teams"]),
        ("user.zoe@ops.example", "update", ["teams"]),
    ]


def test_a_share_made_with_the_sdk_is_exactly_one_unshare(cli, org, sdk, tmp_path) -> None:
    cli.export(tmp_path)
    cli.assert_no_changes(tmp_path)
    sdk.projects.share(project="owner-demoted", team="yaml-ish", role="read-only")
    assert _changes(cli, tmp_path) == [("project.owner-demoted/share.yaml-ish", "delete", ["role"])]


def test_recipe_changes_made_with_the_sdk_are_exactly_those_updates(cli, org, sdk, tmp_path) -> None:
    cli.export(tmp_path)
    cli.assert_no_changes(tmp_path)
    sdk.recipes.update(
        recipe_key="nested", labels=[("owner", "ml")], description="now short", project="shared"
    )
    newer = _write(org / "custom_v2", {"train.py": "print('train v2')\n", "settings/cfg.py": "LR = 1e-4\n"})
    sdk.recipes.update(
        recipe_key="custom-entry", path=str(newer), entrypoint="train.py",
        entrypoint_config="settings/cfg.py", project="shared",
    )
    sdk.recipes.update(recipe_key="trainer/run", name="Trainer run", labels=[("a", "b")], project="plain")
    assert _changes(cli, tmp_path) == [
        # name and labels were not declared (the export leaves defaults out): unmanaged
        ("project.shared/recipe.custom-entry", "update", ["content_hash"]),
        ("project.shared/recipe.nested", "update", ["description", "labels"]),
    ]


def test_a_declared_share_change_keeps_a_co_owner_an_owner(cli, org, sdk, tmp_path) -> None:
    cli.export(tmp_path, "--project", "co-owned")
    manifest = tmp_path / "manifest.yaml"
    exported = manifest.read_text()
    applied = exported.replace("team: data-science\n        role: read-only",
                               "team: data-science\n        role: editor")
    manifest.write_text(applied)
    result = cli("apply", str(manifest), "--auto-approve")
    assert result.exit_code == 0, result.output
    shares = {s.team.key: (s.role.key, s.is_owner) for s in sdk.projects.get("co-owned").shares}
    assert shares == {"ops": ("admin", True), "ml": ("editor", True), "data-science": ("editor", False)}
    cli.assert_no_changes(manifest)
    manifest.write_text(applied.replace("      - team: ml\n        role: editor\n", ""))
    assert _changes(cli, manifest) == [("project.co-owned/share.ml", "delete", ["role"])]


def test_code_re_uploaded_by_the_sdk_over_an_adaptive_plan_recipe(cli, org, sdk, tmp_path) -> None:
    source = _write(tmp_path / "managed", {"code/main.py": "VERSION = 1\n"})
    (source / "m.yaml").write_text(
        "version: 1\nprojects:\n  - key: plain\n    recipes:\n      - {key: managed, path: code}\n"
    )
    assert cli("apply", str(source / "m.yaml"), "--auto-approve").exit_code == 0
    newer = _write(tmp_path / "newer", {"main.py": "VERSION = 2\n"})
    sdk.recipes.update(recipe_key="managed", path=str(newer), project="plain")
    out = tmp_path / "out"
    cli.export(out, "--project", "plain")
    cli.assert_no_changes(out)
