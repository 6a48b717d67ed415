"""examples/full (every kind) applied to a fresh emulator, exported, planned: no changes.

Also: both layouts, each kind exported alone, stable output, secrets as placeholders.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from _export_support import EXAMPLE_SECRETS, listed_secrets, tree

from adaptive_plan.kinds import KINDS

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
    assert "llama-3.1-8b-instruct" not in {m["key"] for m in document["models"]}  # catalogue
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
        ["manifest.yaml", "projects/support-bot.yaml", "recipes/support-bot/eval-support/eval_support.py",
         "recipes/support-bot/grpo-support/config.py", "recipes/support-bot/grpo-support/main.py"]
    )
    assert "path: ../recipes/support-bot/grpo-support" in (tmp_path / "projects/support-bot.yaml").read_text()
    cli.assert_no_changes(tmp_path)


@pytest.mark.parametrize("kind", [kind.name for kind in KINDS])
def test_each_kind_alone_round_trips(cli, applied, tmp_path, kind) -> None:
    cli.export(tmp_path, "--kind", kind)
    assert (tmp_path / "manifest.yaml").is_file()
    cli.assert_no_changes(tmp_path)
