"""The recipe kind against the real emulator: upload (a file, a zipped directory) → equal on
re-read, the content-hash label so only a code change re-uploads, label and description
updates, recipes made with the official SDK (matched by their downloaded code), delete."""

from __future__ import annotations

from _engine import actions, apply, assert_no_changes, changes, desired_of, live_of, load, plan

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
    return load(tmp_path, text, files={**FILES, **(files or {})})


def _address(project: str, key: str) -> Address:
    return Address("recipe", key, Address("project", project))


def test_upload_then_every_managed_attribute_is_equal(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    create, record = changes(plan(client, manifest))[str(_address(project, "sft"))].steps
    assert record.verb == "update(labels)" and not record.uploads  # the server's contentHash, recorded
    assert create.uploads == {"file": str(tmp_path / "recipes" / "sft")}
    assert create.idempotent is False and create.probe is not None
    apply(client, manifest)
    assert_no_changes(client, manifest)
    live = live_of(client, KIND)
    grpo = live[_address(project, "grpo")]
    assert grpo.attrs["labels"] == {"team": "ml", "stage": "dev"}, "no protected or content-hash label"
    assert grpo.attrs["content_hash"] == manifest.recipe_sources[(project, "grpo")].content_hash
    assert live[_address(project, "sft")].attrs["name"] == "SFT"


def test_only_a_code_change_reuploads(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    assert_no_changes(client, _manifest(tmp_path, project))  # re-loading the same files: no change
    changed = _manifest(tmp_path, project, files={"recipes/sft/config.py": "EPOCHS = 3\n"})
    address = _address(project, "sft")
    wanted = desired_of(changed, KIND)[address]
    upload = changes(apply(client, changed))[str(address)]
    assert [line.path for line in upload.attributes] == ["content_hash"]
    step, record = upload.steps
    assert step.verb == "upload" and step.uploads == {"file": str(tmp_path / "recipes" / "sft")}
    assert {"key": HASH_LABEL, "value": wanted.attrs["content_hash"]} in step.variables["input"]["labels"]
    assert record.verb == "update(labels)"
    assert_no_changes(client, changed)


def test_label_and_description_changes_update_without_upload(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, stage="prod", description="''")
    live = live_of(client, KIND)
    grpo, sft = _address(project, "grpo"), _address(project, "sft")
    updated = changes(apply(client, changed))
    (label_step,) = updated[str(grpo)].steps
    assert label_step.verb == "update" and label_step.uploads == {}
    assert [(line.path, line.after) for line in updated[str(sft)].attributes] == [("description", "")]
    assert_no_changes(client, changed)
    after = live_of(client, KIND)
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
    apply(client, manifest)
    assert_no_changes(client, manifest)


def test_recipe_changed_with_the_sdk_shows_a_code_change(client, sdk, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    apply(client, manifest)
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
    apply(client, manifest)
    assert_no_changes(client, manifest)


def test_delete(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    pruning = load(tmp_path, f"projects:\n  - key: {project}\n    prune: true\n")
    deleted = apply(client, pruning)
    assert actions(deleted) == {str(_address(project, key)): "delete" for key in ("grpo", "sft")}
    assert [step.operation for step in changes(deleted)[str(_address(project, "grpo"))].steps] == [
        "DeleteCustomRecipe"
    ]
    assert _address(project, "grpo") not in live_of(client, KIND)
    assert_no_changes(client, pruning)
