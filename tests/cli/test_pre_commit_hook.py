"""The ``validate`` pre-commit hook: whatever batches pre-commit splits the changed files into,
each batch validates the whole manifest set its files belong to, once, and ignores other YAML.

The hook is run as pre-commit runs it: the ``entry`` of ``.pre-commit-hooks.yaml``, split with
shlex, followed by the file names of one batch, from the repository root.
"""

from __future__ import annotations

import json
import shlex
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from adaptive_plan.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

FILES = {
    "deploy/manifest.yaml": """\
        version: 1
        teams:
          - key: ml-platform
    """,
    "deploy/projects/bot.yaml": """\
        version: 1
        projects:
          - key: bot
            team: ml-platform
    """,
    "deploy/projects/eval.yaml": """\
        version: 1
        projects:
          - key: eval
            team: ml-platform
    """,
    "sandbox/manifest.yaml": """\
        version: 1
        teams:
          - key: sandbox
    """,
    "envs/prod.yaml": "replicas: 3\n",  # a var file: no version, not a manifest
    ".github/workflows/ci.yml": "on: push\njobs: {}\n",
    "docs/notes.yaml": "version_note: not a manifest either\n",
}


def test_the_hook_is_declared_for_yaml_files() -> None:
    [hook] = HOOKS
    assert hook["id"] == "validate" and hook["language"] == "python" and hook["types"] == ["yaml"]
    assert hook.get("pass_filenames", True) is True
    assert shlex.split(hook["entry"])[:2] == ["adaptive-plan", "validate"]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def hook(*files: str) -> Result:
    [declared] = HOOKS
    words = shlex.split(declared["entry"])
    assert words[0] == "adaptive-plan"
    result = CliRunner().invoke(cli, [*words[1:], *files])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.mark.parametrize(
    "batches",
    [
        [list(FILES)],                                   # one batch
        [[name] for name in FILES],                      # one file per batch
        [["deploy/projects/bot.yaml", "sandbox/manifest.yaml"], ["deploy/projects/eval.yaml"]],
    ],
    ids=["one-batch", "file-by-file", "mixed"],
)
def test_every_batch_validates_whole_sets(repo: Path, batches: list[list[str]]) -> None:
    for batch in batches:
        result = hook(*batch)
        assert result.exit_code == 0, result.output
        assert "not declared" not in result.output  # a project file never checked without its team
        if "deploy/projects/bot.yaml" in batch:
            assert "deploy: Valid: 3 files, 3 resources." in result.output
    assert hook("deploy/projects/eval.yaml").output.count("Valid:") == 1


def test_a_set_is_validated_once_however_many_of_its_files_changed(repo: Path) -> None:
    result = hook("deploy/manifest.yaml", "deploy/projects/bot.yaml", "deploy/projects/eval.yaml")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["deploy: Valid: 3 files, 3 resources."]


def test_other_yaml_alone_is_nothing_to_validate(repo: Path) -> None:
    result = hook(".github/workflows/ci.yml", "envs/prod.yaml", "docs/notes.yaml")
    assert result.exit_code == 0 and result.output == ""


def test_an_error_elsewhere_in_the_set_fails_the_batch_that_touches_the_set(repo: Path) -> None:
    (repo / "deploy/projects/bot.yaml").write_text(
        "version: 1\nprojects:\n  - key: bot\n    team: ml-platfrom\n"
    )
    (repo / "deploy/projects/eval.yaml").write_text("version: 1\nteams:\n  - key: ml-platform\n")
    result = hook("deploy/projects/eval.yaml")  # only this file changed in the batch
    assert result.exit_code == 1
    assert "deploy/projects/eval.yaml:3:10: team.ml-platform: declared twice" in result.output
    assert "deploy: Invalid: 1 error, 1 warning." in result.output
    sandbox = hook("sandbox/manifest.yaml")
    assert sandbox.exit_code == 0 and sandbox.output.splitlines() == ["sandbox: Valid: 1 file, 1 resource."]


def test_without_the_option_paths_are_still_one_manifest(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "deploy/projects/bot.yaml"])
    assert result.exit_code == 0
    assert "do not declare (team 'ml-platform') must already exist live" in result.output


def test_json_gives_one_report_per_set(repo: Path) -> None:
    args = ["--whole-set", "--format", "json", "deploy/projects/bot.yaml", "sandbox/manifest.yaml"]
    result = CliRunner().invoke(cli, ["validate", *args])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    summary = [(r["set"], r["valid"], r["resources"]) for r in reports]
    assert summary == [("deploy", True, 3), ("sandbox", True, 1)]
    assert reports[0]["files"] == [
        "deploy/manifest.yaml", "deploy/projects/bot.yaml", "deploy/projects/eval.yaml"
    ]
