"""examples/full (every kind) applied to a fresh emulator, exported, planned: no changes.

Also: both layouts, each kind exported alone, stable output, secrets as placeholders.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from _export_support import EXAMPLE_SECRETS, listed_secrets, tree

from adaptive_plan.kinds import KINDS
from adaptive_plan.schema_files import MANIFEST, schema_bytes

FULL = Path(__file__).resolve().parents[2] / "examples" / "full"


@pytest.fixture(scope="module")
def applied(cli) -> None:
    result = cli("apply", str(FULL), "--auto-approve", "--no-color")
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def exported(cli, applied, tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("single")
    result = cli.export(out)
    return out, result.stdout


def test_export_then_plan_shows_no_changes(cli, exported) -> None:
    out, _ = exported
    validated = cli("validate", str(out))
    assert validated.exit_code == 0, validated.output
    cli.assert_no_changes(out)


def test_every_kind_is_exported(exported) -> None:
    out, _ = exported
    document = yaml.safe_load((out / "manifest.yaml").read_text())
    project = document["projects"][0]
    assert {"teams", "roles", "users", "models", "projects", "integrations"} <= set(document)
    assert {"shares", "models", "metrics", "graders", "recipes"} <= set(project)
    assert {g["key"] for g in project["graders"]} == {
        "politeness", "faithful", "toxicity", "csat", "short-answer", "cites-order-id"
    }


def test_built_ins_and_server_noise_are_left_out(exported) -> None:
    out, _ = exported
    text = (out / "manifest.yaml").read_text()
    document = yaml.safe_load(text)
    assert "default" not in {t["key"] for t in document["teams"]}
    assert not {"admin", "editor", "read-only"} & {r["key"] for r in document["roles"]}
    models = {m["key"]: m for m in document["models"]}
    assert "qwen3-8b" not in models  # a catalogue model at its defaults
    # one whose settings examples/full changed: a settings entry with just what differs
    changed = {"key": "llama-3.1-8b-instruct", "compute_config": {"max_seq_len": 16384}}
    assert models["llama-3.1-8b-instruct"] == changed
    assert "admin@adaptive.local" not in text  # the exporting key's own user
    assert "adaptive-plan/content-hash" not in text
    for noise in ("id", "createdAt", "created_at", "status", "archived", "content_hash"):
        assert not re.search(rf"^\s*(- )?{noise}:", text, re.MULTILINE), noise


def test_secrets_are_placeholders_listed_at_the_end(exported) -> None:
    out, output = exported
    text = (out / "manifest.yaml").read_text()
    for value in EXAMPLE_SECRETS.values():
        assert value not in text and value not in output
    names = listed_secrets(output)
    assert "GPT_4O_JUDGE_API_KEY" in names and "QWEN3_8B_SUPPORT_HF_TOKEN" in names
    for name in names:
        assert f"\"{{{{ secret('{name}') }}}}\"  # write-only: set {name}" in text


def test_header_names_source_and_pinned_time(cli, exported) -> None:
    out, _ = exported
    head = (out / "manifest.yaml").read_text().splitlines()[:2]
    assert head[0].startswith("# yaml-language-server: $schema=")
    source = cli.env["ADAPTIVE_URL"]
    assert head[1] == f"# Exported by adaptive-plan export from {source} at 2025-01-01T00:00:00Z."


def test_recipes_are_unpacked_so_the_hash_matches(exported) -> None:
    out, _ = exported
    files = tree(out / "recipes")
    recipes = FULL / "recipes"
    assert files["support-bot/grpo-support/main.py"] == (recipes / "grpo_support/main.py").read_bytes()
    assert files["support-bot/eval-support/eval_support.py"] == (recipes / "eval_support.py").read_bytes()


def test_exporting_twice_gives_identical_files(cli, exported, tmp_path) -> None:
    out, _ = exported
    cli.export(tmp_path)
    assert tree(tmp_path) == tree(out)


def test_per_project_layout_round_trips(cli, applied, tmp_path) -> None:
    cli.export(tmp_path, "--layout", "per-project")
    assert sorted(tree(tmp_path)) == sorted(
        ["manifest.schema.json", "manifest.yaml", "projects/support-bot.yaml",
         "recipes/support-bot/eval-support/eval_support.py",
         "recipes/support-bot/grpo-support/config.py", "recipes/support-bot/grpo-support/main.py"]
    )
    assert "path: ../recipes/support-bot/grpo-support" in (tmp_path / "projects/support-bot.yaml").read_text()
    cli.assert_no_changes(tmp_path)


def test_the_schema_is_written_beside_the_manifests_and_named_relatively(cli, applied, tmp_path) -> None:
    cli.export(tmp_path, "--layout", "per-project")
    schema = tmp_path / "manifest.schema.json"
    assert schema.read_bytes() == schema_bytes(MANIFEST)
    for name, target in (("manifest.yaml", "manifest.schema.json"),
                         ("projects/support-bot.yaml", "../manifest.schema.json")):
        first = (tmp_path / name).read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema={target}", name
        assert ((tmp_path / name).parent / target).resolve() == schema.resolve()
    # the schema language servers load: the exported source validates against it
    editor = jsonschema.Draft202012Validator(json.loads(schema.read_text()))
    for name in ("manifest.yaml", "projects/support-bot.yaml"):
        assert list(editor.iter_errors(yaml.safe_load((tmp_path / name).read_text()))) == [], name


def test_an_identical_schema_already_there_needs_no_force(cli, applied, tmp_path) -> None:
    assert cli("schema", "--out", str(tmp_path / "same")).exit_code == 0
    cli.export(tmp_path / "same")  # asserts exit 0
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "manifest.schema.json").write_text("{}")
    refused = cli("export", "--out", str(tmp_path / "other"))
    assert refused.exit_code == 1 and "manifest.schema.json" in refused.stderr
    assert (tmp_path / "other" / "manifest.schema.json").read_text() == "{}"


def test_export_to_stdout_names_the_schema_and_says_how_to_write_it(
    cli, applied, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", "--out", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "# yaml-language-server: $schema=manifest.schema.json"
    assert "adaptive-plan schema --out DIR" in result.stderr
    assert not (tmp_path / "manifest.schema.json").exists()


@pytest.mark.parametrize("kind", [kind.name for kind in KINDS])
def test_each_kind_alone_round_trips(cli, applied, tmp_path, kind) -> None:
    cli.export(tmp_path, "--kind", kind)
    assert (tmp_path / "manifest.yaml").is_file()
    cli.assert_no_changes(tmp_path)
