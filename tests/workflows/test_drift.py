"""``adaptive-plan drift`` against the real emulator: changes made by hand with the official
SDK are each caught (exit 2, live value against declared value), and ``apply`` brings the
instance back in sync (exit 0). Also: every format, secrets, unmanaged objects, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CANARY = "canary-drift-8c1f0e2d"
ENV = {"DRIFT_OPENAI_KEY": CANARY}
MANIFEST = """\
version: 1
teams:
  - {key: owners-{{ vars.sfx }}, name: Owners}
  - {key: support-{{ vars.sfx }}, name: Support}
  - {key: other-{{ vars.sfx }}, name: Other}
models:
  - key: judge-{{ vars.sfx }}
    external:
      provider: open_ai
      external_model_id: gpt-4o
      api_key: "{{ secret('DRIFT_OPENAI_KEY') }}"
projects:
  - key: drift-{{ vars.sfx }}
    name: Drift
    team: owners-{{ vars.sfx }}
    shares: [{team: support-{{ vars.sfx }}, role: read-only}]
    models:
      - {model: llama-3.1-8b-instruct, default: true, online: true}
    graders:
      - key: politeness
        locked: false
        judge: {model: judge-{{ vars.sfx }}, criteria: The reply is polite.}
    recipes:
      - key: sft
        description: Fine-tune on resolved conversations.
        path: sft.py
"""


@pytest.fixture
def manifest(tmp_path: Path, sfx: str) -> tuple[list[str], str]:
    """The manifest directory's CLI arguments (path + ``--var sfx``) and the project key."""
    (tmp_path / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "sft.py").write_text("async def main(ctx) -> None:\n    ctx.log('sft')\n", encoding="utf-8")
    return [str(tmp_path), "--var", f"sfx={sfx}"], f"drift-{sfx}"


@pytest.fixture
def applied(run, manifest) -> tuple[list[str], str]:
    """The manifest, applied; drift then reports nothing."""
    args, project = manifest
    result = run("apply", *args, "--auto-approve", "--no-color", connect=True, env=ENV)
    assert result.exit_code == 0, result.output
    assert_in_sync(run, args)
    return args, project


def drift(run, args: list[str], fmt: str = "json"):
    return run("drift", *args, "--format", fmt, "--no-color", connect=True, env=ENV)


def drift_json(run, args: list[str]) -> dict:
    result = drift(run, args)
    assert result.exit_code == 2, result.output
    return json.loads(result.stdout)


def assert_in_sync(run, args: list[str]) -> None:
    result = drift(run, args, "text")
    assert result.exit_code == 0, result.output
    assert "No drift" in result.stdout


def only_entry(report: dict, address: str) -> dict:
    assert [item["address"] for item in report["drifted"]] == [address], report
    return report["drifted"][0]


def attribute(entry: dict, path: str) -> dict:
    found = [attr for attr in entry["attributes"] if attr["path"] == path]
    assert found, entry
    return found[0]


def reconverge(run, args: list[str]) -> None:
    result = run("apply", *args, "--auto-approve", "--allow-delete", "--no-color", connect=True, env=ENV)
    assert result.exit_code == 0, result.output
    assert_in_sync(run, args)


def test_a_share_added_by_hand_is_extra_drift(run, sdk, applied, sfx) -> None:
    args, project = applied
    sdk.projects.share(project=project, team=f"other-{sfx}", role="editor")
    entry = only_entry(drift_json(run, args), f"project.{project}/share.other-{sfx}")
    assert (entry["status"], entry["fix"]) == ("extra", "delete")
    role = attribute(entry, "role")
    assert role == {"path": "role", "live": "editor", "declared": None, "sensitive": False}
    reconverge(run, args)


def test_a_grader_locked_by_hand_is_changed_drift(run, sdk, applied) -> None:
    args, project = applied
    sdk.graders.lock(grader_key="politeness", locked=True, project=project)
    entry = only_entry(drift_json(run, args), f"project.{project}/grader.politeness")
    assert (entry["status"], entry["fix"]) == ("changed", "update")
    locked = attribute(entry, "locked")
    assert locked == {"path": "locked", "live": True, "declared": False, "sensitive": False}
    elsewhere = drift(run, [*args, "--target", f"project.{project}/recipe.sft"])
    assert elsewhere.exit_code == 0, elsewhere.output  # --target narrows the check
    reconverge(run, args)


def test_a_deployment_taken_offline_by_hand_is_changed_drift(run, sdk, applied) -> None:
    args, project = applied
    sdk.models.update(model="llama-3.1-8b-instruct", desired_online=False, project=project)
    entry = only_entry(drift_json(run, args), f"project.{project}/model.llama-3.1-8b-instruct")
    assert entry["status"] == "changed"
    assert attribute(entry, "online")["live"] is False
    assert attribute(entry, "online")["declared"] is True
    reconverge(run, args)


def test_a_recipe_description_edited_by_hand_is_changed_drift(run, sdk, applied) -> None:
    args, project = applied
    sdk.recipes.update(recipe_key="sft", description="Edited in the UI.", project=project)
    report = drift_json(run, args)
    entry = only_entry(report, f"project.{project}/recipe.sft")
    described = attribute(entry, "description")
    assert described["live"] == "Edited in the UI."
    assert described["declared"] == "Fine-tune on resolved conversations."
    summary = {k: v for k, v in report["summary"].items() if k != "unmanaged"}
    assert summary == {"drifted": 1, "changed": 1, "missing": 0, "extra": 0}
    assert report["target"].startswith("http://127.0.0.1") and report["format_version"] == 1
    reconverge(run, args)


def test_every_format_shows_live_against_declared_and_never_a_secret(run, sdk, applied) -> None:
    args, project = applied
    sdk.graders.lock(grader_key="politeness", locked=True, project=project)
    text, markdown, as_json = (drift(run, args, fmt) for fmt in ("text", "markdown", "json"))
    for result in (text, markdown, as_json):
        assert result.exit_code == 2, result.output
        assert CANARY not in result.output
    address = f"project.{project}/grader.politeness"
    assert f"~ {address}" in text.stdout
    assert "locked: live true, declared false" in text.stdout
    assert "Drift: 1 address (1 changed, 0 missing, 0 extra)." in text.stdout
    assert markdown.stdout.startswith("### adaptive-plan drift: 1 drifted\n")
    assert "| changed | 1 |" in markdown.stdout
    assert f"<summary><code>~ {address}</code>" in markdown.stdout
    assert "| `locked` | `true` | `false` |" in markdown.stdout
    assert json.loads(as_json.stdout)["in_sync"] is False
    reconverge(run, args)


def test_undeclared_objects_are_missing_and_unmanaged_ones_are_not_drift(run, sdk, manifest) -> None:
    args, project = manifest
    report = drift_json(run, args)
    assert {item["status"] for item in report["drifted"]} == {"missing"}
    assert f"project.{project}/grader.politeness" in {item["address"] for item in report["drifted"]}
    secret_model = next(i for i in report["drifted"] if i["address"].startswith("model.judge-"))
    assert attribute(secret_model, "api_key")["declared"] == "(sensitive)"
    assert CANARY not in json.dumps(report)
    result = run("apply", *args, "--auto-approve", "--no-color", connect=True, env=ENV)
    assert result.exit_code == 0, result.output
    sdk.feedback.register_key(project=project, key="made-by-hand", kind="bool")
    result = drift(run, args)
    assert result.exit_code == 0, result.output  # unmanaged is listed, never drift
    report = json.loads(result.stdout)
    assert report["in_sync"] is True and report["drifted"] == []
    assert f"project.{project}/metric.made-by-hand" in report["unmanaged"]
    assert report["summary"]["unmanaged"] == len(report["unmanaged"])


def test_drift_errors_exit_1_without_traceback(run, emu, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("version: 1\nteams:\n  - {key: x, nmae: X}\n", encoding="utf-8")
    bad = run("drift", str(tmp_path), connect=True)
    assert bad.exit_code == 1, bad.output
    assert "Traceback" not in bad.output and "nmae" in bad.output
    (tmp_path / "bad.yaml").write_text("version: 1\nteams:\n  - {key: x, name: X}\n", encoding="utf-8")
    refused = run("drift", str(tmp_path), "--url", emu.url, "--api-key", "wrong-key-5e1a")
    assert refused.exit_code == 1, refused.output
    assert "Traceback" not in refused.output and "wrong-key-5e1a" not in refused.output


def test_a_large_drift_report_fits_a_github_issue_with_its_summary(run, tmp_path: Path, sfx: str) -> None:
    projects = "".join(
        f"  - key: big-{i:03d}-{{{{ vars.sfx }}}}\n    name: Project number {i} with a long name\n"
        f"    description: {'A project whose description is long enough to matter. ' * 3}\n"
        for i in range(400)
    )
    (tmp_path / "big.yaml").write_text(f"version: 1\nprojects:\n{projects}", encoding="utf-8")
    args = [str(tmp_path), "--var", f"sfx={sfx}"]
    result = drift(run, args, "markdown")
    assert result.exit_code == 2, result.output
    size = len(result.stdout.encode("utf-8"))
    assert 60_000 < size <= 65_536 - 2_048
    assert result.stdout.startswith("### adaptive-plan drift: 400 drifted\n")
    assert "| missing | 400 |" in result.stdout
    assert "Drift: 400 addresses (0 changed, 400 missing, 0 extra)." in result.stdout
    left_out = re.search(r"_\.\.\. and (\d+) more drifted addresses not shown", result.stdout)
    assert left_out, result.stdout[-500:]
    assert result.stdout.count("<details>") + int(left_out.group(1)) == 400
