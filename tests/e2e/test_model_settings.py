"""Settings entries: ``models:`` entries with neither ``external`` nor ``huggingface`` manage the
compute config and published/stable flags of a model the manifests do not create, through the
real CLI against a real emulator. A missing model is a plan error (never a create), bad shapes
are validate errors with file:line, changes made with the official SDK show in ``drift``, and
``export`` writes an entry for each catalogue model whose settings differ from the defaults.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from _e2e import Cli, assert_plan_shows, mutations
from click.testing import CliRunner

from adaptive_plan.cli.main import cli as adaptive_plan
from tests import sdk_hand as hand


def _validate(cli: Cli) -> Any:
    return CliRunner().invoke(adaptive_plan, ["validate", str(cli.dir), "--var", f"sfx={cli.sfx}"])


def test_settings_of_a_catalogue_model_apply_drift_and_converge(cli: Cli, sdk: Any) -> None:
    cli.write("""\
models:
  - key: qwen3-32b
    compute_config: {tp: 2, max_seq_len: 16384}
    stable: false
""")
    applied = cli.apply_ok()
    block = assert_plan_shows(applied, "~", "model.qwen3-32b", [
        "~ compute_config.tp: 1 → 2", "~ compute_config.max_seq_len: 8192 → 16384", "~ stable: true → false",
    ])
    assert "kv_cache_len" not in block  # only the declared keys are managed
    assert sorted(mutations(applied)) == ["UpdateModelComputeConfig", "UpdateModelRegistry"]
    assert "+ model.qwen3-32b" not in applied.stdout
    config = sdk.models.get("qwen3-32b").compute_config
    assert (config.tp, config.kv_cache_len, config.max_seq_len) == (2, 32768, 16384)
    cli.assert_no_changes()

    sdk.models.update_compute_config("qwen3-32b", {"max_seq_len": 4096, "kv_cache_len": 1024})
    hand.set_model_flags(sdk, "qwen3-32b", stable=True)
    drift = cli.run("drift", str(cli.dir), "--format", "json")
    assert drift.exit_code == 2, drift
    [entry] = json.loads(drift.stdout)["drifted"]
    assert entry["address"] == "model.qwen3-32b"
    assert {a["path"]: (a["live"], a["declared"]) for a in entry["attributes"]} == {
        "compute_config.max_seq_len": (4096, 16384), "stable": (True, False),
    }
    cli.apply_ok()
    cli.assert_no_changes()  # kv_cache_len, not declared, stays as the SDK left it
    assert sdk.models.get("qwen3-32b").compute_config.kv_cache_len == 1024

    # removing the entry stops managing the settings; nothing is deleted or reset
    cli.write("teams: []\n")
    quiet = cli.apply()
    assert quiet.exit_code == 0 and "No changes." in quiet.stdout, quiet
    assert mutations(quiet) == []
    assert sdk.models.get("qwen3-32b") is not None


def test_a_missing_model_is_a_plan_error_never_a_create(cli: Cli) -> None:
    cli.write("""\
models:
  - key: qwen3-32c-{{ vars.sfx }}
    published: true
""")
    planned = cli.plan()
    assert planned.exit_code == 1, planned
    key = f"qwen3-32c-{cli.sfx}"
    assert f"model.{key}: declared settings for model '{key}', which does not exist" in planned.output
    assert "manifest.yaml:3:5" in planned.output
    assert mutations(planned) == [] and planned.exception is None


def test_compute_config_of_an_external_model_is_a_plan_error(cli: Cli, sdk: Any) -> None:
    key = sdk.models.add_external(
        name=f"ext-{cli.sfx}", external_model_id="gpt-4o", api_key="sk-canary-00", provider="open_ai"
    ).key
    cli.write(f"models:\n  - key: {key}\n    compute_config: {{tp: 2}}\n")
    planned = cli.plan()
    assert planned.exit_code == 1, planned
    assert f"'{key}' is an external model and has none" in planned.output
    cli.write(f"models:\n  - key: {key}\n    published: true\n")  # its flags are fine
    applied = cli.apply_ok()
    assert mutations(applied) == ["UpdateModelRegistry"]
    cli.assert_no_changes()


def test_bad_settings_entries_are_validate_errors_with_file_and_line(cli: Cli) -> None:
    cli.write("""\
models:
  - key: qwen3-8b
    name: Renamed
    stable: true
  - key: both
    external: {provider: open_ai, external_model_id: m, api_key: "{{ secret('K') }}"}
    huggingface: {model_id: Qwen/Qwen3-8B, hf_token: "{{ secret('T') }}"}
""")
    result = _validate(cli)
    assert result.exit_code == 1, result.output
    assert "manifest.yaml:4:11: model.qwen3-8b: this entry creates no model" in result.output
    assert "manifest.yaml:8:18: model.both: only one of external, huggingface may be set" in result.output


def test_unpublishing_warns_in_every_format(cli: Cli) -> None:
    cli.write("models:\n  - key: bge-m3\n    published: false\n")
    warning = "model.bge-m3: once unpublished, the model is deleted from storage when the last project"
    assert warning in cli.plan().stdout
    document = json.loads(cli.plan("--format", "json").stdout)
    [change] = [c for c in document["changes"] if c["address"] == "model.bge-m3"]
    assert any(warning in w for w in change["warnings"]), change
    assert warning in cli.plan("--format", "markdown").stdout


def test_export_writes_changed_catalogue_settings_and_round_trips(
    own: tuple[Cli, Any], tmp_path: Path
) -> None:
    cli, sdk = own
    sdk.models.update_compute_config("llama-3.3-70b-instruct", {"tp": 4})
    hand.set_model_flags(sdk, "qwen3-8b", published=False)
    out = tmp_path / "export"
    connect = ["--url", cli.emu.url, "--api-key", cli.emu.api_key]
    result = CliRunner().invoke(adaptive_plan, ["export", "--kind", "model", "--out", str(out), *connect])
    assert result.exit_code == 0, result.output
    models = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))["models"]
    assert models == [
        {"key": "llama-3.3-70b-instruct", "compute_config": {"tp": 4}},
        {"key": "qwen3-8b", "published": False},
    ]
    planned = CliRunner().invoke(adaptive_plan, ["plan", str(out), "--detailed-exitcode", *connect])
    assert planned.exit_code == 0, planned.output
