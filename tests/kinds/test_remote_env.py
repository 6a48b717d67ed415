"""Remote envs end to end through the CLI: add, replace on any change, prune, drift, export.

The official SDK (its generated client: 0.14.2 has no public method for remote envs) makes and
removes envs out of band."""

from __future__ import annotations

import pytest
from _cli import Cli, write
from adaptive_sdk.graphql_client import RemoteEnvCreate


@pytest.fixture(scope="module")
def cli(emu) -> Cli:
    return Cli(emu)


def _env(key: str, url: str, extra: str = "") -> str:
    return f"remote_envs:\n  - key: {key}\n    url: {url}\n{extra}"


def _live(sdk) -> dict[str, object]:
    return {env.key: env for env in sdk._gql_client.list_remote_envs().remote_envs}


def test_add_then_plan_is_empty(cli, sdk, uniq, tmp_path) -> None:
    key = uniq("sim")
    manifest = write(
        tmp_path, _env(key, "https://sim.example/v1", "    name: Sim\n    description: RL rollouts\n")
    )
    changes = cli.changes(manifest)
    assert changes[f"remote_env.{key}"]["action"] == "create"
    assert [s["operation"] for s in changes[f"remote_env.{key}"]["steps"]] == ["AddRemoteEnv"]
    cli.apply(manifest)
    env = _live(sdk)[key]
    assert (env.url, env.name, env.description) == ("https://sim.example/v1", "Sim", "RL rollouts")
    cli.assert_no_changes(manifest)
    assert "cannot be changed in place" not in cli("plan", str(manifest)).output  # nothing to replace


def test_name_left_to_the_server_is_not_managed(cli, sdk, uniq, tmp_path) -> None:
    key = uniq("bare")
    manifest = write(tmp_path, _env(key, "http://reward.internal:8080"))
    cli.apply(manifest)
    assert _live(sdk)[key].name  # filled in by the server
    cli.assert_no_changes(manifest)


@pytest.mark.parametrize("field", ["url", "description"])
def test_any_change_is_a_replace(cli, sdk, uniq, tmp_path, field) -> None:
    key = uniq("env")
    cli.apply(write(tmp_path / "a", _env(key, "https://a.example", "    description: one\n")))
    before = _live(sdk)[key].id
    changed = (
        _env(key, "https://b.example", "    description: one\n")
        if field == "url"
        else _env(key, "https://a.example", "    description: two\n")
    )
    manifest = write(tmp_path / "b", changed)
    change = cli.changes(manifest)[f"remote_env.{key}"]
    assert change["action"] == "replace"
    assert [s["operation"] for s in change["steps"]] == ["RemoveRemoteEnv", "AddRemoteEnv"]
    assert [a["path"] for a in change["attributes"]] == [field]
    assert any("cannot be changed in place" in w for w in change["warnings"])
    text = cli("plan", str(manifest)).output
    assert f"-/+ remote_env.{key}" in text and "cannot be changed in place" in text
    assert cli("apply", str(manifest), "--auto-approve").exit_code == 1  # a replace deletes
    assert _live(sdk)[key].id == before
    cli.apply(manifest, "--allow-delete")
    after = _live(sdk)[key]
    assert after.id != before
    cli.assert_no_changes(manifest)


def test_sdk_made_env_is_unmanaged_and_pruned_only_when_asked(cli, sdk, uniq, tmp_path) -> None:
    key = uniq("stray")
    sdk._gql_client.add_remote_env(RemoteEnvCreate(url="https://stray.example", key=key))
    manifest = write(tmp_path / "a", "remote_envs: []\n")
    assert f"remote_env.{key}" in cli.plan_json(manifest)["unmanaged"]
    status, report = cli.drift(manifest)
    assert status == 0  # unmanaged is not drift
    assert f"remote_env.{key}" in report["unmanaged"]
    pruned = write(tmp_path / "b", "prune: true\nremote_envs: []\n")
    change = cli.changes(pruned)[f"remote_env.{key}"]
    assert change["action"] == "delete"
    assert any("can no longer reach https://stray.example" in w for w in change["warnings"])
    refused = cli("apply", str(pruned), "--auto-approve", "--target", f"remote_env.{key}")
    assert refused.exit_code == 1 and key in _live(sdk)
    cli.apply(pruned, "--allow-delete", "--target", f"remote_env.{key}")
    assert key not in _live(sdk)


def test_drift_reports_an_env_removed_or_replaced_out_of_band(cli, sdk, uniq, tmp_path) -> None:
    key = uniq("gone")
    manifest = write(tmp_path, _env(key, "https://gone.example"))
    cli.apply(manifest)
    sdk._gql_client.remove_remote_env(key)
    status, report = cli.drift(manifest)
    assert status == 2
    assert {(d["address"], d["status"]) for d in report["drifted"]} == {(f"remote_env.{key}", "missing")}
    sdk._gql_client.add_remote_env(RemoteEnvCreate(url="https://elsewhere.example", key=key))
    status, report = cli.drift(manifest)
    [item] = report["drifted"]
    assert (status, item["status"], item["fix"]) == (2, "changed", "replace")
    assert item["attributes"] == [
        {
            "path": "url",
            "live": "https://elsewhere.example",
            "declared": "https://gone.example",
            "sensitive": False,
        }
    ]


def test_export_round_trips(cli, sdk, uniq, tmp_path) -> None:
    key = uniq("exp")
    sdk._gql_client.add_remote_env(
        RemoteEnvCreate(url="https://exp.example", key=key, name="Exported", description="from the SDK")
    )
    out = tmp_path / "out"
    result = cli("export", "--kind", "remote_env", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = (out / "manifest.yaml").read_text()
    assert f"key: {key}" in text and "url: https://exp.example" in text and "name: Exported" in text
    cli.assert_no_changes(out)


def test_bad_input_is_a_validate_error_with_its_place(cli, tmp_path) -> None:
    manifest = write(
        tmp_path,
        "remote_envs:\n  - key: a\n    url: ftp://nope\n  - key: b\n    url: https://b.example\n"
        "  - key: b\n    url: https://c.example\n",
    )
    result = cli("validate", str(manifest))
    assert result.exit_code == 1
    assert "manifest.yaml:4:10: remote_env.a: 'ftp://nope' is not an http(s) URL" in result.output
    assert "manifest.yaml:7:10: remote_env.b: declared twice" in result.output
