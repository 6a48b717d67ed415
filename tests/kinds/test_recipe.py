"""The recipe kind against the real emulator: upload (a file, a zipped directory) → equal on
re-read, the content-hash label so only a code change re-uploads, label and description
updates, recipes made with the official SDK (matched by their downloaded code), delete."""

from __future__ import annotations

from _k2_flow import assert_converged, converge, desired_of, live_of, load, run_steps

from adaptive_plan.kinds.recipe import HASH_LABEL, RecipeKind
from adaptive_plan.model.address import Address

KIND = RecipeKind()

RECIPES = """
version: 1
projects:
  - key: {project}
    recipes:
      - key: grpo
        path: recipes/grpo.py
        labels: {{team: ml, stage: {stage}}}
      - key: sft
        name: SFT
        path: recipes/sft
        description: {description}
        entrypoint: main.py
        config_entrypoint: config.py
"""

FILES = {
    "recipes/grpo.py": "def main():\n    return 'grpo'\n",
    "recipes/sft/main.py": "def main():\n    return 'sft'\n",
    "recipes/sft/config.py": "EPOCHS = 1\n",
}


def _manifest(tmp_path, project, *, stage="dev", description="Supervised fine-tuning", files=None):
    text = RECIPES.format(project=project, stage=stage, description=description)
    return load(tmp_path, text, {**FILES, **(files or {})})


def _address(project: str, key: str) -> Address:
    return Address("recipe", key, Address("project", project))


def test_upload_then_every_managed_attribute_is_equal(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    wanted = desired_of(manifest, KIND)[_address(project, "sft")]
    create, record = KIND.create_steps(wanted)
    assert record.verb == "update(labels)" and not record.uploads  # the server's contentHash, recorded
    assert create.uploads == {"file": str(tmp_path / "recipes" / "sft")}
    assert create.idempotent is False and create.probe is not None
    live = converge(client, KIND, manifest)
    assert_converged(client, KIND, manifest)
    grpo = live[_address(project, "grpo")]
    assert grpo.attrs["labels"] == {"team": "ml", "stage": "dev"}, "no protected or content-hash label"
    assert grpo.attrs["content_hash"] == manifest.recipe_sources[(project, "grpo")].content_hash
    assert live[_address(project, "sft")].attrs["name"] == "SFT"


def test_only_a_code_change_reuploads(client, project, tmp_path) -> None:
    converge(client, KIND, _manifest(tmp_path, project))
    assert_converged(client, KIND, _manifest(tmp_path, project)), "re-loading the same files: no change"
    changed = _manifest(tmp_path, project, files={"recipes/sft/config.py": "EPOCHS = 3\n"})
    address = _address(project, "sft")
    wanted, actual = desired_of(changed, KIND)[address], live_of(client, KIND)[address]
    changes = KIND.compare(wanted, actual)
    assert [change.path for change in changes] == ["content_hash"]
    step, record = KIND.update_steps(wanted, actual, changes)
    assert step.verb == "upload" and step.uploads == {"file": str(tmp_path / "recipes" / "sft")}
    assert {"key": HASH_LABEL, "value": wanted.attrs["content_hash"]} in step.variables["input"]["labels"]
    assert record.verb == "update(labels)"
    run_steps(client, [step, record])
    assert_converged(client, KIND, changed)


def test_label_and_description_changes_update_without_upload(client, project, tmp_path) -> None:
    converge(client, KIND, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, stage="prod", description="''")
    live = live_of(client, KIND)
    grpo, sft = _address(project, "grpo"), _address(project, "sft")
    (label_step,) = KIND.update_steps(
        desired_of(changed, KIND)[grpo], live[grpo], KIND.compare(desired_of(changed, KIND)[grpo], live[grpo])
    )
    assert label_step.verb == "update" and label_step.uploads == {}
    sft_changes = KIND.compare(desired_of(changed, KIND)[sft], live[sft])
    assert [(c.path, c.after) for c in sft_changes] == [("description", "")]
    converge(client, KIND, changed)
    after = assert_converged(client, KIND, changed)
    assert after[grpo].attrs["content_hash"] == live[grpo].attrs["content_hash"], "the hash label is kept"


def test_sdk_recipe_is_matched_by_its_downloaded_code(client, sdk, project, tmp_path) -> None:
    """No hash label: the live side hashes the downloaded zip, so identical code is no change."""
    manifest = _manifest(tmp_path, project)
    sdk.recipes.upload(
        path=str(tmp_path / "recipes" / "grpo.py"), recipe_key="grpo", labels={"team": "ml"}, project=project
    )
    sdk.recipes.upload(path=str(tmp_path / "recipes" / "sft"), recipe_key="sft", name="SFT", project=project)
    grpo, sft = _address(project, "grpo"), _address(project, "sft")
    live = live_of(client, KIND)
    wanted = desired_of(manifest, KIND)
    assert [c.path for c in KIND.compare(wanted[grpo], live[grpo])] == ["labels"], "only the stage label"
    assert [c.path for c in KIND.compare(wanted[sft], live[sft])] == ["description"]
    converge(client, KIND, manifest)
    assert_converged(client, KIND, manifest)


def test_recipe_changed_with_the_sdk_shows_a_code_change(client, sdk, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    converge(client, KIND, manifest)
    other = tmp_path / "elsewhere" / "grpo.py"
    other.parent.mkdir()
    other.write_text("def main():\n    return 'changed by hand'\n")
    sdk.recipes.update(recipe_key="grpo", path=str(other), labels=[("team", "ops")], project=project)
    address = _address(project, "grpo")
    drifted = live_of(client, KIND)[address]
    assert [c.path for c in KIND.compare(desired_of(manifest, KIND)[address], drifted)] == [
        "content_hash",
        "labels",
    ]
    converge(client, KIND, manifest)
    assert_converged(client, KIND, manifest)


def test_delete(client, project, tmp_path) -> None:
    converge(client, KIND, _manifest(tmp_path, project))
    actual = live_of(client, KIND)[_address(project, "grpo")]
    run_steps(client, KIND.delete_steps(actual))
    assert _address(project, "grpo") not in live_of(client, KIND)
