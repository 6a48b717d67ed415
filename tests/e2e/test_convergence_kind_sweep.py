"""Every kind, tested the same way (issue 10, "Done when"): after ``apply``, ``plan`` is empty.

For each kind an object is made out of band with the official SDK, ``export`` adopts it (the
first plan is empty), and then, through the real CLI against a fresh emulator:

- (a) one field is changed in the exported manifest: apply, the plan is empty, the SDK reads the
  new value;
- (b) the SDK changes that field back out of band: ``drift`` and ``plan`` show exactly that one
  change, apply restores it, the plan is empty;
- (d) ``--replace ADDR``: apply converges and nothing else changes;
- (c) the entry leaves the manifest: without ``prune`` it is unmanaged (or, for a kind nobody
  lists, nothing); with ``prune: true`` the plan deletes it (``--allow-delete``), says it cannot,
  or removes access; apply converges; declared again, it converges back.

Each test has its own emulator (``own``), so top-level ``prune: true`` sees only its objects.
Combinations (two changes to one object, a parent and a child in one plan) are at the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from _e2e import Cli, mutations

from tests import sdk_hand as hand

JUDGE = "llama-3.3-70b-instruct"
BASE = "qwen3-8b"
OTHER = "llama-3.1-8b-instruct"
ROWS = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n'


@dataclass
class Ctx:
    """One test's names and hands: the SDK, the suffix, the project its child objects live in."""

    sdk: Any
    sfx: str
    tmp: Path
    project: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"k-{self.sfx}"


@dataclass(frozen=True)
class Sweep:
    """How one kind is made, found in the export, edited, changed by hand and read back.

    ``section``: the manifest list holding the entry (under ``projects[0]`` when ``child``).
    ``ident``: the entry field naming it. ``edit`` changes one field of the entry; ``landed(ctx)``
    is True when the SDK reads the edited value. ``hand`` changes it back out of band.
    ``removal``: ``delete`` (unmanaged, pruned), ``cannot`` (unmanaged; prune says it cannot
    delete), ``never`` (nobody lists it: removing the entry stops managing it), ``access``
    (removing it from the declared list withdraws it, no flag needed).
    """

    kind: str
    section: str
    child: bool
    address: Callable[[Ctx], str]
    make: Callable[[Ctx], None]
    ident: str
    name: Callable[[Ctx], str]
    edit: Callable[[dict[str, Any], Ctx], None]
    landed: Callable[[Ctx], bool]
    hand: Callable[[Ctx], None] | None
    removal: str
    export: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------------------- reading back
def _role_perms(ctx: Ctx) -> set[str]:
    return set(next(r for r in ctx.sdk.roles.list() if r.key == ctx.key).permissions)


def _user(ctx: Ctx) -> Any:
    return next(u for u in ctx.sdk.users.list() if u.email == f"{ctx.key}@x.example")


def _share_role(ctx: Ctx) -> str | None:
    shares = {s.team.key: s.role.key for s in ctx.sdk.projects.get(ctx.project).shares}
    return shares.get(ctx.key)


def _grader(ctx: Ctx) -> Any:
    return ctx.sdk.graders.get(grader_key=ctx.key, project=ctx.project)


def _metric(ctx: Ctx) -> Any:
    return ctx.sdk.feedback.get_key(project=ctx.project, feedback_key=ctx.key)


def _recipe(ctx: Ctx) -> Any:
    return ctx.sdk.recipes.get(recipe_key=ctx.key, project=ctx.project)


def _remote_env(ctx: Ctx) -> Any:
    envs = ctx.sdk._gql_client.list_remote_envs().remote_envs
    return next((env for env in envs if env.key == ctx.key), None)


def _pool_size(ctx: Ctx) -> set[int]:
    from adaptive_sdk.graphql_client.custom_fields import ComputePoolFields, HarmonyGroupFields
    from adaptive_sdk.graphql_client.custom_queries import Query

    pools = Query.compute_pools().fields(
        ComputePoolFields.key,
        ComputePoolFields.harmony_groups().fields(HarmonyGroupFields.inference_partition_size),
    )
    listed = ctx.sdk._gql_client.query(pools, operation_name="ListPoolSizes")["computePools"]
    pool = next(p for p in listed if p["key"] == ctx.notes["pool"])
    return {group["inferencePartitionSize"] for group in pool["harmonyGroups"]}


def _service_name(ctx: Ctx) -> str | None:
    return hand.service(ctx.sdk, ctx.project, BASE)["name"]


# ----------------------------------------------------------------------------- making
def _project(ctx: Ctx) -> None:
    ctx.sdk.projects.create(key=ctx.project, name="Sweep", description="made by hand")


def _make_user(ctx: Ctx) -> None:
    ctx.sdk.teams.create(key=f"t-{ctx.sfx}", name="Team")
    ctx.sdk.users.create(
        email=f"{ctx.key}@x.example", name="Ana", teams_with_role=[(f"t-{ctx.sfx}", "read-only")]
    )


def _make_model(ctx: Ctx) -> None:
    ctx.sdk.models.add_external(
        name=ctx.key, external_model_id="gpt-4o", api_key="sk-hand", provider="open_ai"
    )


def _make_deployment(ctx: Ctx) -> None:
    _project(ctx)
    ctx.sdk.models.attach(model=BASE, project=ctx.project, wait=True)


def _make_settings(ctx: Ctx) -> None:
    from adaptive_sdk.graphql_client.input_types import EmojiInput, ProjectMetadataInput

    _project(ctx)
    ctx.sdk.feedback.register_key(project=ctx.project, key=ctx.key, kind="bool")
    hand.update_project(ctx.sdk, ctx.project, metadata=ProjectMetadataInput(emoji=EmojiInput(native="🎧")))


def _make_share(ctx: Ctx) -> None:
    _project(ctx)
    ctx.sdk.teams.create(key=ctx.key, name="Guests")
    ctx.sdk.projects.share(project=ctx.project, team=ctx.key, role="read-only")


def _make_grader(ctx: Ctx) -> None:
    _project(ctx)
    ctx.sdk.graders.create.binary_judge(
        key=ctx.key, criteria="Polite?", judge_model=JUDGE, project=ctx.project
    )


def _make_metric(ctx: Ctx) -> None:
    _project(ctx)
    ctx.sdk.feedback.register_key(project=ctx.project, key=ctx.key, kind="bool", description="by hand")


def _make_recipe(ctx: Ctx) -> None:
    _project(ctx)
    code = ctx.tmp / "code"
    code.mkdir()
    (code / "main.py").write_text("print('train')\n")
    ctx.sdk.recipes.upload(path=str(code), recipe_key=ctx.key, name="Train", project=ctx.project)


def _make_dataset(ctx: Ctx) -> None:
    _project(ctx)
    rows = ctx.tmp / "rows.jsonl"
    rows.write_text(ROWS)
    ctx.sdk.datasets.upload(file_path=str(rows), dataset_key=ctx.key, name="Rows", project=ctx.project)


def _add_remote_env(ctx: Ctx, description: str) -> None:
    from adaptive_sdk.graphql_client.input_types import RemoteEnvCreate

    made = RemoteEnvCreate(url="https://env.example/v1", key=ctx.key, name="Env", description=description)
    ctx.sdk._gql_client.add_remote_env(made)


def _make_tool_provider(ctx: Ctx) -> None:
    _project(ctx)
    hand.create_tool_provider(ctx.sdk, ctx.project, ctx.key, "https://tools.example/v1", name="Tools")


def _make_pool(ctx: Ctx) -> None:
    pool = ctx.sdk.compute_pools.list()[0].key
    ctx.notes["pool"] = pool
    ctx.sdk.compute_pools.resize_inference_partition(compute_pool_key=pool, size=2)


def _make_ab_test(ctx: Ctx) -> None:
    _project(ctx)
    ctx.sdk.feedback.register_key(project=ctx.project, key="won", kind="bool")
    ctx.sdk.models.attach(model=BASE, project=ctx.project, wait=True)
    ctx.sdk.models.attach(model=OTHER, project=ctx.project, wait=True)
    ctx.sdk.ab_tests.create(
        ab_test_key=ctx.key, feedback_key="won", models=[BASE, OTHER], project=ctx.project
    )


def _set(name: str, value: Any) -> Callable[[dict[str, Any], Ctx], None]:
    def edit(entry: dict[str, Any], ctx: Ctx) -> None:
        entry[name] = value

    return edit


def _child(kind: str) -> Callable[[Ctx], str]:
    segment = {"deployment": "model", "project_settings": "settings"}.get(kind, kind)
    return lambda ctx: f"project.{ctx.project}/{segment}.{ctx.key}"


def _keyed_child(
    kind: str,
    section: str,
    make: Callable[[Ctx], None],
    edit: Callable[[dict[str, Any], Ctx], None],
    landed: Callable[[Ctx], bool],
    hand: Callable[[Ctx], None] | None,
    export: tuple[str, ...] = (),
) -> Sweep:
    """A project child keyed by ``ctx.key`` (its ``key`` field) that prune deletes."""
    return Sweep(
        kind, section, True, _child(kind), make, "key", lambda c: c.key, edit, landed, hand, "delete", export
    )


SWEEPS = [
    Sweep(
        "role",
        "roles",
        False,
        lambda c: f"role.{c.key}",
        lambda c: c.sdk.roles.create(key=c.key, permissions=["project:read"], name="Reader"),
        "key",
        lambda c: c.key,
        _set("permissions", ["grader:read", "project:read"]),
        lambda c: _role_perms(c) == {"project:read", "grader:read"},
        lambda c: hand.update_role(c.sdk, c.key, permissions=["project:read"]),
        "cannot",
        ("--kind", "role"),
    ),
    Sweep(
        "user",
        "users",
        False,
        lambda c: f"user.{c.key}@x.example",
        _make_user,
        "email",
        lambda c: f"{c.key}@x.example",
        _set("name", "Ana Bell"),
        lambda c: _user(c).name == "Ana Bell",
        lambda c: hand.update_user(c.sdk, f"{c.key}@x.example", name="Ana"),
        "delete",
        ("--kind", "user", "--kind", "team"),
    ),
    Sweep(
        "model",
        "models",
        False,
        lambda c: f"model.{c.key}",
        _make_model,
        "key",
        lambda c: c.key,
        _set("published", True),
        lambda c: hand.model_flags(c.sdk, c.key)["isPublished"] is True,
        lambda c: hand.set_model_flags(c.sdk, c.key, published=False),
        "never",
        ("--kind", "model"),
        {"K_{SFX}_API_KEY": "sk-env"},
    ),
    Sweep(
        "project",
        "projects",
        False,
        lambda c: f"project.{c.project}",
        _project,
        "key",
        lambda c: c.project,
        _set("description", "edited"),
        lambda c: c.sdk.projects.get(c.project).description == "edited",
        lambda c: hand.update_project(c.sdk, c.project, description="made by hand"),
        "archive",
        ("--kind", "project"),
    ),
    Sweep(
        "deployment",
        "models",
        True,
        lambda c: f"project.{c.project}/model.{BASE}",
        _make_deployment,
        "model",
        lambda c: BASE,
        _set("name", "Served"),
        lambda c: _service_name(c) == "Served",
        lambda c: hand.update_service(c.sdk, c.project, BASE, name="by hand"),
        "delete",
    ),
    Sweep(
        "project_settings",
        "settings",
        True,
        lambda c: f"project.{c.project}/settings.project",
        _make_settings,
        "",
        lambda c: "",
        _set("emoji", "🚀"),
        lambda c: hand.project_settings(c.sdk, c.project)["metadata"]["emoji"]["native"] == "🚀",
        lambda c: hand.update_project_emoji(c.sdk, c.project, "🎧"),
        "never",
    ),
    Sweep(
        "share",
        "shares",
        True,
        lambda c: f"project.{c.project}/share.{c.key}",
        _make_share,
        "team",
        lambda c: c.key,
        _set("role", "editor"),
        lambda c: _share_role(c) == "editor",
        lambda c: c.sdk.projects.share(project=c.project, team=c.key, role="read-only"),
        "access",
    ),
    _keyed_child(
        "grader",
        "graders",
        _make_grader,
        _set("name", "Polite judge"),
        lambda c: _grader(c).name == "Polite judge",
        lambda c: hand.update_grader(c.sdk, c.project, c.key, name="by hand"),
    ),
    _keyed_child(
        "metric",
        "metrics",
        _make_metric,
        _set("description", "edited"),
        lambda c: _metric(c).description == "edited",
        lambda c: hand.update_metric(c.sdk, c.project, c.key, description="by hand"),
    ),
    _keyed_child(
        "recipe",
        "recipes",
        _make_recipe,
        _set("description", "edited"),
        lambda c: _recipe(c).description == "edited",
        lambda c: c.sdk.recipes.update(recipe_key=c.key, description="by hand", project=c.project),
    ),
    _keyed_child(
        "dataset",
        "datasets",
        _make_dataset,
        _set("name", "Renamed rows"),
        lambda c: c.sdk.datasets.get(key=c.key, project=c.project).name == "Renamed rows",
        None,  # no update in the API: a changed name is a replace, tested by the edit itself
        export=("--kind", "dataset", "--kind", "project"),
    ),
    Sweep(
        "remote_env",
        "remote_envs",
        False,
        lambda c: f"remote_env.{c.key}",
        lambda c: _add_remote_env(c, "by hand"),
        "key",
        lambda c: c.key,
        _set("description", "edited"),
        lambda c: _remote_env(c).description == "edited",
        None,  # no update in the API (remove + add), covered by the edit's replace
        "delete",
        ("--kind", "remote_env"),
    ),
    _keyed_child(
        "tool_provider",
        "tool_providers",
        _make_tool_provider,
        _set("uri", "https://tools.example/v2"),
        lambda c: hand.tool_provider(c.sdk, c.project, c.key)["uri"] == "https://tools.example/v2",
        lambda c: hand.update_tool_provider(c.sdk, c.project, c.key, uri="https://tools.example/v1"),
    ),
    Sweep(
        "compute_pool",
        "compute_pools",
        False,
        lambda c: f"compute_pool.{c.notes['pool']}",
        _make_pool,
        "key",
        lambda c: c.notes["pool"],
        _set("inference_partition_size", 1),
        lambda c: _pool_size(c) == {1},
        lambda c: c.sdk.compute_pools.resize_inference_partition(compute_pool_key=c.notes["pool"], size=2),
        "never",
        ("--kind", "compute_pool"),
    ),
]


# ----------------------------------------------------------------------------- the harness
def _plan(cli: Cli, *args: str) -> tuple[dict[str, tuple[str, list[str]]], list[str]]:
    """(address -> (action, changed paths) of every change that does something, unmanaged)."""
    run = cli.plan("--format", "json", *args)
    assert run.exit_code == 0, run
    document = json.loads(run.stdout)
    doing = {
        change["address"]: (change["action"], sorted(a["path"] for a in change["attributes"]))
        for change in document["changes"]
        if change["action"] != "no-op"
    }
    return doing, document["unmanaged"]


def _adopt(cli: Cli, sweep: Sweep, ctx: Ctx) -> dict[str, Any]:
    """Export what the SDK made, keep this test's entry (and its project), write it."""
    args = sweep.export or ("--project", ctx.project)
    result = cli.export("--out", str(cli.dir), "--force", *args)
    assert result.exit_code == 0, result.output
    document = yaml.safe_load((cli.dir / "manifest.yaml").read_text())
    if not sweep.child and sweep.section != "projects":
        document[sweep.section] = [e for e in document[sweep.section] if _ident(e, sweep) == sweep.name(ctx)]
    return document


def _ident(entry: dict[str, Any], sweep: Sweep) -> Any:
    return entry.get(sweep.ident)


def _holder(document: dict[str, Any], sweep: Sweep, ctx: Ctx) -> dict[str, Any]:
    """The mapping whose ``section`` holds the entry: the document or the project's entry."""
    if not sweep.child:
        return document
    return next(p for p in document["projects"] if p["key"] == ctx.project)


def _entry(document: dict[str, Any], sweep: Sweep, ctx: Ctx) -> dict[str, Any]:
    held = _holder(document, sweep, ctx)[sweep.section]
    if isinstance(held, dict):
        return held
    return next(e for e in held if _ident(e, sweep) == sweep.name(ctx))


class _Dumper(yaml.SafeDumper):
    """Templates stay double-quoted: Jinja renders before YAML parses, so ``''`` would break them."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if "{{" in value else None)


_Dumper.add_representer(str, _text)


def _write(cli: Cli, document: dict[str, Any]) -> None:
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    (cli.dir / "manifest.yaml").write_text(text)


def _without(document: dict[str, Any], sweep: Sweep, ctx: Ctx) -> dict[str, Any]:
    """A copy of the document without the entry (a single mapping section: without the section)."""
    copy = json.loads(json.dumps(document))
    holder = _holder(copy, sweep, ctx)
    if isinstance(holder[sweep.section], dict):
        del holder[sweep.section]
    else:
        holder[sweep.section] = [e for e in holder[sweep.section] if _ident(e, sweep) != sweep.name(ctx)]
    return copy


def _pruning(document: dict[str, Any], sweep: Sweep, ctx: Ctx) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    _holder(copy, sweep, ctx).__setitem__("prune", True) if sweep.child else copy.__setitem__("prune", True)
    return copy


@pytest.mark.parametrize("sweep", SWEEPS, ids=[s.kind for s in SWEEPS])
def test_kind_adopts_edits_restores_replaces_and_leaves(
    own: tuple[Cli, Any], tmp_path: Path, sweep: Sweep
) -> None:
    cli, sdk = own
    ctx = Ctx(sdk=sdk, sfx=cli.sfx, tmp=tmp_path, project=f"p-{cli.sfx}")
    cli.env.update({name.replace("{SFX}", cli.sfx.upper()): value for name, value in sweep.env.items()})
    sweep.make(ctx)
    address = sweep.address(ctx)
    document = _adopt(cli, sweep, ctx)
    _write(cli, document)
    cli.assert_no_changes()

    # (a) one field changed in the manifest lands, and the plan is empty afterwards
    sweep.edit(_entry(document, sweep, ctx), ctx)
    _write(cli, document)
    doing, _ = _plan(cli, "--allow-delete")
    assert list(doing) == [address], doing
    cli.apply_ok("--allow-delete")
    cli.assert_no_changes()
    assert sweep.landed(ctx)

    # (b) the SDK changes it back: drift and plan show exactly that; apply restores it
    if sweep.hand is not None:
        sweep.hand(ctx)
        drifted = cli.run("drift", str(cli.dir), "--no-color")
        assert drifted.exit_code == 2 and address in drifted.stdout, drifted
        doing, _ = _plan(cli)
        assert list(doing) == [address] and doing[address][0] == "update", doing
        cli.apply_ok()
        cli.assert_no_changes()
        assert sweep.landed(ctx)

    # (d) --replace re-sends write-only values (if any) and converges, nothing else lost
    replaced = cli.apply("--replace", address)
    assert replaced.exit_code == 0 and replaced.exception is None, replaced
    assert not [op for op in mutations(replaced) if op.startswith(("Delete", "Remove"))], replaced
    cli.assert_no_changes()
    assert sweep.landed(ctx)

    # (c) removed from the manifest, without then with prune; declared again
    _leave(cli, sweep, ctx, document, address)
    _write(cli, _pruning(document, sweep, ctx))
    applied = cli.apply("--allow-delete")
    assert applied.exit_code == 0 and applied.exception is None, applied
    cli.assert_no_changes()
    assert sweep.landed(ctx), applied


def _leave(cli: Cli, sweep: Sweep, ctx: Ctx, document: dict[str, Any], address: str) -> None:
    _write(cli, _without(document, sweep, ctx))
    doing, unmanaged = _plan(cli)
    if sweep.removal in ("delete", "cannot", "archive"):
        assert doing == {} and address in unmanaged, (doing, unmanaged)
    elif sweep.removal == "never":
        assert doing == {} and address not in unmanaged, (doing, unmanaged)
    else:  # access: the declared list no longer has it
        assert doing == {address: ("delete", ["role"])}, doing
    _write(cli, _pruning(_without(document, sweep, ctx), sweep, ctx))
    doing, unmanaged = _plan(cli, "--allow-delete")
    if sweep.removal in ("delete", "archive", "access"):
        assert doing.get(address, ("",))[0] == "delete", doing
        assert set(doing) == {address}, doing
        applied = cli.apply_ok() if sweep.removal == "access" else cli.apply_ok("--allow-delete")
        assert mutations(applied), applied
    elif sweep.removal == "cannot":
        run = cli.plan("--allow-delete")
        assert "cannot" in run.stdout, run
        assert address not in doing or doing[address][0] != "delete", doing
    cli.assert_no_changes()


# ----------------------------------------------------------------------------- teams and AB tests
def test_team_adopts_and_prune_says_it_cannot_delete(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    sdk.teams.create(key=f"t-{cli.sfx}", name="Team")
    sweep = Sweep(
        "team",
        "teams",
        False,
        lambda c: f"team.t-{c.sfx}",
        lambda c: None,
        "key",
        lambda c: f"t-{c.sfx}",
        _set("name", "x"),
        lambda c: True,
        None,
        "cannot",
        ("--kind", "team"),
    )
    ctx = Ctx(sdk=sdk, sfx=cli.sfx, tmp=cli.dir)
    document = _adopt(cli, sweep, ctx)
    _write(cli, document)
    cli.assert_no_changes()
    assert cli.apply("--replace", f"team.t-{cli.sfx}").exit_code == 0
    _leave(cli, sweep, ctx, document, f"team.t-{cli.sfx}")
    _write(cli, _pruning(document, sweep, ctx))
    cli.assert_no_changes()


def test_ab_test_adopts_and_prune_cancels_it(own: tuple[Cli, Any], tmp_path: Path) -> None:
    cli, sdk = own
    ctx = Ctx(sdk=sdk, sfx=cli.sfx, tmp=tmp_path, project=f"p-{cli.sfx}")
    _make_ab_test(ctx)
    address = f"project.{ctx.project}/ab_test.{ctx.key}"
    sweep = Sweep(
        "ab_test",
        "ab_tests",
        True,
        lambda c: address,
        lambda c: None,
        "key",
        lambda c: c.key,
        _set("name", "x"),
        lambda c: True,
        None,
        "delete",
    )
    document = _adopt(cli, sweep, ctx)
    _write(cli, document)
    cli.assert_no_changes()
    assert cli.apply("--replace", address).exit_code == 0
    cli.assert_no_changes()
    _leave(cli, sweep, ctx, document, address)
    assert sdk.ab_tests.get(ctx.key).status.value == "CANCELLED"
    _write(cli, document)  # declared again: a cancelled test keeps its key, so it is refused, never
    again = cli.apply()  # an update that sends nothing forever
    assert again.exit_code == 1 and mutations(again) == [], again
    assert "cannot be restarted" in again.stderr, again


# ----------------------------------------------------------------------------- combinations
@dataclass(frozen=True)
class Combo:
    """Several manifest changes in one plan (one object, or a parent and its child)."""

    name: str
    make: Callable[[Ctx], None]
    edit: Callable[[dict[str, Any], Ctx], None]
    landed: Callable[[Ctx], bool]
    changes: Callable[[Ctx], set[str]]


def _changed(*children: str | tuple[str, str]) -> Callable[[Ctx], set[str]]:
    """The addresses a combo must change: ``""`` is the project, ``"grader"`` its child keyed
    ``ctx.key``, ``("model", BASE)`` a child with a fixed key."""

    def addresses(ctx: Ctx) -> set[str]:
        found = set()
        for child in children:
            kind, key = (child, ctx.key) if isinstance(child, str) else child
            found.add(f"project.{ctx.project}" + (f"/{kind}.{key}" if kind else ""))
        return found

    return addresses


def _emoji_and_image_set(ctx: Ctx) -> bool:
    """The project's metadata holds both the emoji and the image (neither half was lost)."""
    metadata = hand.project_settings(ctx.sdk, ctx.project)["metadata"]
    return metadata == {"emoji": {"native": "🎧"}, "imageKey": "img.png"}


def _proj(document: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    return next(p for p in document["projects"] if p["key"] == ctx.project)


def _in(
    document: dict[str, Any], ctx: Ctx, section: str, ident: str = "key", value: str = ""
) -> dict[str, Any]:
    return next(e for e in _proj(document, ctx)[section] if e[ident] == (value or ctx.key))


def _edit_service(document: dict[str, Any], ctx: Ctx) -> None:
    entry = _in(document, ctx, "models", "model", BASE)
    entry.update(name="Served", online=False)


def _edit_grader(document: dict[str, Any], ctx: Ctx) -> None:
    entry = _in(document, ctx, "graders")
    entry["name"] = "Polite judge"
    entry["judge"]["criteria"] = "Very polite?"


def _edit_metric(document: dict[str, Any], ctx: Ctx) -> None:
    _in(document, ctx, "metrics").update(name="Renamed", description="edited", scoring="lower_is_better")


def _edit_recipe(document: dict[str, Any], ctx: Ctx) -> None:
    _in(document, ctx, "recipes").update(description="edited", labels={"owner": "ml"}, name="Trained")


def _edit_project_and_metric(document: dict[str, Any], ctx: Ctx) -> None:
    _proj(document, ctx).update(name="Renamed project", description="edited")
    _in(document, ctx, "metrics")["description"] = "edited"


def _edit_project_and_new_children(document: dict[str, Any], ctx: Ctx) -> None:
    project = _proj(document, ctx)
    project["description"] = "edited"
    project.setdefault("tool_providers", []).append({"key": "t2", "uri": "https://t2.example"})
    project["settings"] = {"default_metric": ctx.key, "emoji": "🚀"}
    entry = _in(document, ctx, "models", "model", BASE)
    entry["tool_providers"] = [ctx.key, "t2"]


def _edit_settings_two(document: dict[str, Any], ctx: Ctx) -> None:
    settings = _proj(document, ctx)["settings"]
    settings.update(image_key="img.png", default_metric=ctx.key)
    settings["widgets"] = [
        {
            "title": "Rate",
            "metric": ctx.key,
            "aggregation": "average",
            "unit": {"symbol": "%", "position": "right"},
        }
    ]


def _edit_model_and_deployment(document: dict[str, Any], ctx: Ctx) -> None:
    model = next(m for m in document["models"] if m["key"] == ctx.key)
    model.update(published=True, stable=True)
    _in(document, ctx, "models", "model", BASE)["default"] = False  # the default moves to the new one
    _proj(document, ctx)["models"].append({"model": ctx.key, "default": True})


def _make_service_and_tools(ctx: Ctx) -> None:
    _make_tool_provider(ctx)
    ctx.sdk.feedback.register_key(project=ctx.project, key=ctx.key, kind="bool")
    ctx.sdk.models.attach(model=BASE, project=ctx.project, wait=True)


def _make_model_and_project(ctx: Ctx) -> None:
    _make_model(ctx)
    _make_deployment(ctx)


def _project_state(ctx: Ctx) -> tuple[str, str]:
    got = ctx.sdk.projects.get(ctx.project)
    return got.name, got.description


def _service_flags(ctx: Ctx) -> Any:
    return next(s for s in ctx.sdk.projects.get(ctx.project).model_services if s.model.key == ctx.key)


COMBOS = [
    Combo(
        "deployment-name-and-online",
        _make_deployment,
        _edit_service,
        lambda c: _service_name(c) == "Served",
        _changed(("model", BASE)),
    ),
    Combo(
        "grader-name-and-criteria",
        _make_grader,
        _edit_grader,
        lambda c: (
            _grader(c).name == "Polite judge" and _grader(c).grader_config.judge_criteria == "Very polite?"
        ),
        _changed("grader"),
    ),
    Combo(
        "metric-three-fields",
        _make_metric,
        _edit_metric,
        lambda c: (_metric(c).name, _metric(c).description) == ("Renamed", "edited"),
        _changed("metric"),
    ),
    Combo(
        "recipe-three-fields",
        _make_recipe,
        _edit_recipe,
        lambda c: (_recipe(c).description, _recipe(c).name) == ("edited", "Trained"),
        _changed("recipe"),
    ),
    Combo(
        "project-and-metric",
        _make_metric,
        _edit_project_and_metric,
        lambda c: _project_state(c) == ("Renamed project", "edited") and _metric(c).description == "edited",
        _changed("", "metric"),
    ),
    Combo(
        "project-settings-tools-and-service",
        _make_service_and_tools,
        _edit_project_and_new_children,
        lambda c: (
            sorted(t["key"] for t in hand.service(c.sdk, c.project, BASE)["toolProviders"])
            == sorted([c.key, "t2"])
        ),
        lambda c: {
            f"project.{c.project}",
            f"project.{c.project}/tool_provider.t2",
            f"project.{c.project}/settings.project",
            f"project.{c.project}/model.{BASE}",
        },
    ),
    Combo(
        "settings-three-fields",
        _make_settings,
        _edit_settings_two,
        _emoji_and_image_set,
        _changed(("settings", "project")),
    ),
    Combo(
        "model-and-its-deployment",
        _make_model_and_project,
        _edit_model_and_deployment,
        lambda c: hand.model_flags(c.sdk, c.key)["isPublished"] and _service_flags(c).is_default,
        lambda c: {
            f"model.{c.key}",
            f"project.{c.project}/model.{c.key}",
            f"project.{c.project}/model.{BASE}",
        },
    ),
]


@pytest.mark.parametrize("combo", COMBOS, ids=[c.name for c in COMBOS])
def test_changes_in_one_plan_converge(own: tuple[Cli, Any], tmp_path: Path, combo: Combo) -> None:
    cli, sdk = own
    ctx = Ctx(sdk=sdk, sfx=cli.sfx, tmp=tmp_path, project=f"p-{cli.sfx}")
    cli.env[f"K_{cli.sfx.upper()}_API_KEY"] = "sk-env"
    combo.make(ctx)
    result = cli.export("--out", str(cli.dir), "--force")
    assert result.exit_code == 0, result.output
    document = yaml.safe_load((cli.dir / "manifest.yaml").read_text())
    _write(cli, document)
    cli.assert_no_changes()
    combo.edit(document, ctx)
    _write(cli, document)
    doing, _ = _plan(cli)
    assert set(doing) == combo.changes(ctx), doing
    cli.apply_ok()
    cli.assert_no_changes()
    assert combo.landed(ctx), combo.name


# ----------------------------------------------------------------------------- out-of-band changes
def _hand(action: Callable[[Ctx], None]) -> Callable[[dict[str, Any], Ctx], None]:
    return lambda document, ctx: action(ctx)


def _image_by_hand(ctx: Ctx) -> None:
    from adaptive_sdk.graphql_client.input_types import EmojiInput, ProjectMetadataInput

    metadata = ProjectMetadataInput(emoji=EmojiInput(native="🐢"), imageKey="hand.png")
    hand.update_project(ctx.sdk, ctx.project, metadata=metadata)


def _two_services(ctx: Ctx) -> None:
    _make_deployment(ctx)
    ctx.sdk.models.attach(model=OTHER, project=ctx.project, wait=True)


def _pool_placement(ctx: Ctx) -> None:
    from adaptive_sdk.graphql_client.input_types import ModelPlacementInput

    pool = ctx.sdk.compute_pools.list()[0].key
    ctx.notes["pool"] = pool
    placement = ModelPlacementInput(computePools=[pool], maxTtftMs=500)
    ctx.sdk.models.update(model=BASE, project=ctx.project, placement=placement)


def _ttft(ctx: Ctx) -> int:
    from adaptive_sdk.graphql_client import custom_fields as f
    from adaptive_sdk.graphql_client.custom_queries import Query

    placement = f.ModelServiceFields.placement().fields(f.ModelPlacementOutputFields.max_ttft_ms)
    field = Query.project(ctx.project).fields(f.ProjectFields.model_service(BASE).fields(placement))
    read = ctx.sdk._gql_client.query(field, operation_name="DescribePlacement")
    return read["project"]["modelService"]["placement"]["maxTtftMs"]


def _make_offline(ctx: Ctx) -> None:
    _make_deployment(ctx)
    ctx.sdk.models.update(model=BASE, project=ctx.project, desired_online=False)


def _make_placed(ctx: Ctx) -> None:
    _make_deployment(ctx)
    _pool_placement(ctx)


def _make_bound(ctx: Ctx) -> None:
    _make_tool_provider(ctx)
    ctx.sdk.models.attach(model=BASE, project=ctx.project, wait=True)
    hand.update_service(ctx.sdk, ctx.project, BASE, toolProviders=[ctx.key])


def _make_sized_model(ctx: Ctx) -> None:
    _make_deployment(ctx)
    ctx.sdk.models.update_compute_config(model=BASE, compute_config={"tp": 2, "max_seq_len": 4096})


def _compute(ctx: Ctx) -> Any:
    return ctx.sdk.models.get(BASE).compute_config


HANDS = [
    Combo(
        "settings-image-and-emoji-by-hand",
        _make_settings,
        _hand(_image_by_hand),
        lambda c: (
            hand.project_settings(c.sdk, c.project)["metadata"]
            == {"emoji": {"native": "🎧"}, "imageKey": "hand.png"}
        ),
        _changed(("settings", "project")),
    ),
    Combo(
        "default-moved-by-hand",
        _two_services,
        _hand(lambda c: c.sdk.models.update(model=OTHER, project=c.project, is_default=True)),
        lambda c: (
            next(s for s in c.sdk.projects.get(c.project).model_services if s.is_default).model.key == BASE
        ),
        _changed(("model", BASE)),
    ),  # the server moves it off the other
    Combo(
        "service-put-online-by-hand",
        _make_offline,
        _hand(lambda c: c.sdk.models.update(model=BASE, project=c.project, desired_online=True)),
        lambda c: _service_flags_of(c, BASE).desired_online is False,
        _changed(("model", BASE)),
    ),
    Combo(
        "placement-changed-by-hand",
        _make_placed,
        _hand(
            lambda c: c.sdk.models.update(
                model=BASE, project=c.project, placement={"computePools": [c.notes["pool"]], "maxTtftMs": 900}
            )
        ),
        lambda c: _ttft(c) == 500,
        _changed(("model", BASE)),
    ),
    Combo(
        "tool-provider-deleted-by-hand",
        _make_bound,
        _hand(
            lambda c: (
                hand.update_service(c.sdk, c.project, BASE, toolProviders=[]),
                hand.delete_tool_provider(c.sdk, c.project, c.key),
            )
        ),
        lambda c: [t["key"] for t in hand.service(c.sdk, c.project, BASE)["toolProviders"]] == [c.key],
        _changed(("model", BASE), "tool_provider"),
    ),
    Combo(
        "compute-config-changed-by-hand",
        _make_sized_model,
        _hand(lambda c: c.sdk.models.update_compute_config(model=BASE, compute_config={"tp": 1})),
        lambda c: (_compute(c).tp, _compute(c).max_seq_len) == (2, 4096),
        lambda c: {f"model.{BASE}"},
    ),
    Combo(
        "share-removed-by-hand",
        _make_share,
        _hand(lambda c: c.sdk.projects.unshare(project=c.project, team=c.key)),
        lambda c: _share_role(c) == "read-only",
        _changed("share"),
    ),
    Combo(
        "dataset-deleted-by-hand",
        _make_dataset,
        _hand(lambda c: c.sdk.datasets.delete(key=c.key, project=c.project)),
        lambda c: c.sdk.datasets.get(key=c.key, project=c.project).name == "Rows",
        _changed("dataset"),
    ),
    Combo(
        "user-left-team-by-hand",
        _make_user,
        _hand(lambda c: c.sdk.users.remove_from_team(email=f"{c.key}@x.example", team=f"t-{c.sfx}")),
        lambda c: [(m.team.key, m.role.key) for m in _user(c).teams] == [(f"t-{c.sfx}", "read-only")],
        lambda c: {f"user.{c.key}@x.example"},
    ),
    Combo(
        "metric-renamed-and-rescored-by-hand",
        _make_metric,
        _hand(
            lambda c: hand.update_metric(
                c.sdk, c.project, c.key, name="by hand", description="", scoring_type="LOWER_IS_BETTER"
            )
        ),
        lambda c: _metric(c).description == "by hand",  # name and scoring were left undeclared
        _changed("metric"),
    ),
]


EVERY_KIND = tuple(
    arg
    for kind in (
        "team",
        "role",
        "user",
        "model",
        "project",
        "project_settings",
        "share",
        "tool_provider",
        "deployment",
        "metric",
        "grader",
        "recipe",
        "dataset",
        "remote_env",
        "compute_pool",
    )
    for arg in ("--kind", kind)
)


def _service_flags_of(ctx: Ctx, model: str) -> Any:
    return next(s for s in ctx.sdk.projects.get(ctx.project).model_services if s.model.key == model)


@pytest.mark.parametrize("combo", HANDS, ids=[c.name for c in HANDS])
def test_out_of_band_changes_show_exactly_and_converge(
    own: tuple[Cli, Any], tmp_path: Path, combo: Combo
) -> None:
    cli, sdk = own
    ctx = Ctx(sdk=sdk, sfx=cli.sfx, tmp=tmp_path, project=f"p-{cli.sfx}")
    combo.make(ctx)
    result = cli.export("--out", str(cli.dir), "--force", *EVERY_KIND)
    assert result.exit_code == 0, result.output
    _write(cli, yaml.safe_load((cli.dir / "manifest.yaml").read_text()))
    cli.assert_no_changes()
    combo.edit({}, ctx)
    doing, _ = _plan(cli)
    assert set(doing) == combo.changes(ctx), doing
    cli.apply_ok()
    cli.assert_no_changes()
    assert combo.landed(ctx), combo.name


# ----------------------------------------------------------------------------- partial declarations
def _make_examples_grader(ctx: Ctx) -> None:
    _project(ctx)
    example = {"input": [{"role": "user", "content": "Hi"}], "output": "Hello!", "passes": True}
    ctx.sdk.graders.create.binary_judge(
        key=ctx.key, criteria="Polite?", judge_model=JUDGE, examples=[example], project=ctx.project
    )


def _drop_examples_rename(document: dict[str, Any], ctx: Ctx) -> None:
    entry = _in(document, ctx, "graders")
    entry["judge"].pop("examples", None)
    entry["name"] = "Renamed"


def _make_labelled_recipe(ctx: Ctx) -> None:
    _make_recipe(ctx)
    ctx.sdk.recipes.update(recipe_key=ctx.key, labels=[("owner", "ops")], project=ctx.project)


def _drop_labels_describe(document: dict[str, Any], ctx: Ctx) -> None:
    entry = _in(document, ctx, "recipes")
    entry.pop("labels", None)
    entry["description"] = "edited"
    code = cli_dir(document) / entry["path"]
    (code if code.is_file() else code / "main.py").write_text("print('train v2')\n")


def cli_dir(document: dict[str, Any]) -> Path:
    return Path(document["__dir__"])


def _drop_ttft_move_pool(document: dict[str, Any], ctx: Ctx) -> None:
    entry = _in(document, ctx, "models", "model", BASE)
    pools = [p.key for p in ctx.sdk.compute_pools.list()]
    entry["placement"] = {"compute_pools": [pools[1]]}


def _drop_emoji_set_image(document: dict[str, Any], ctx: Ctx) -> None:
    _proj(document, ctx)["settings"] = {"image_key": "img.png"}


def _compute_only_seq(document: dict[str, Any], ctx: Ctx) -> None:
    model = next(m for m in document["models"] if m["key"] == BASE)
    model["compute_config"] = {"max_seq_len": 8192}


PARTIAL = [
    Combo(
        "grader-examples-undeclared-kept-on-rename",
        _make_examples_grader,
        _drop_examples_rename,
        lambda c: _grader(c).name == "Renamed" and len(_grader(c).grader_config.examples) == 1,
        _changed("grader"),
    ),
    Combo(
        "recipe-labels-undeclared-kept-on-upload",
        _make_labelled_recipe,
        _drop_labels_describe,
        lambda c: (
            _recipe(c).description == "edited"
            and _recipe(c).labels
            and {label.key: label.value for label in _recipe(c).labels}.get("owner") == "ops"
        ),
        _changed("recipe"),
    ),
    # a declared placement is the whole placement: the plan shows `- placement.max_ttft_ms: 500`
    Combo(
        "placement-declared-whole-on-pool-move",
        _make_placed,
        _drop_ttft_move_pool,
        lambda c: _ttft(c) is None,
        _changed(("model", BASE)),
    ),
    Combo(
        "settings-emoji-undeclared-kept-on-image",
        _make_settings,
        _drop_emoji_set_image,
        _emoji_and_image_set,
        _changed(("settings", "project")),
    ),
    Combo(
        "compute-config-undeclared-kept",
        _make_sized_model,
        _compute_only_seq,
        lambda c: (_compute(c).tp, _compute(c).max_seq_len) == (2, 8192),
        lambda c: {f"model.{BASE}"},
    ),
]


@pytest.mark.parametrize("combo", PARTIAL, ids=[c.name for c in PARTIAL])
def test_an_update_keeps_what_the_manifest_leaves_undeclared(
    own: tuple[Cli, Any], tmp_path: Path, combo: Combo
) -> None:
    cli, sdk = own
    ctx = Ctx(sdk=sdk, sfx=cli.sfx, tmp=tmp_path, project=f"p-{cli.sfx}")
    combo.make(ctx)
    result = cli.export("--out", str(cli.dir), "--force")
    assert result.exit_code == 0, result.output
    document = yaml.safe_load((cli.dir / "manifest.yaml").read_text())
    _write(cli, document)
    cli.assert_no_changes()
    combo.edit({**document, "__dir__": str(cli.dir)}, ctx)
    _write(cli, document)
    doing, _ = _plan(cli)
    assert set(doing) == combo.changes(ctx), doing
    cli.apply_ok()
    cli.assert_no_changes()
    assert combo.landed(ctx), combo.name
