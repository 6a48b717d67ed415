"""Custom recipes through the SDK: upload, get, list, update, upsert and delete, for a single file
and for a directory (sent as an in-memory zip)."""

from __future__ import annotations

from pathlib import Path

import pytest
from adaptive_sdk.graphql_client import CustomRecipeData

from .support import API_ERRORS

RECIPE_V1 = "from adaptive_harmony import recipe_main\n\n\n@recipe_main\nasync def main(ctx):\n    return 1\n"
RECIPE_V2 = RECIPE_V1.replace("return 1", "return 2")


def _labels(recipe: CustomRecipeData) -> dict[str, str]:
    return {label.key: label.value for label in recipe.labels}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _recipe_dir(root: Path, name: str, body: str = RECIPE_V1) -> Path:
    directory = root / name
    _write(directory / "main.py", body)
    _write(directory / "config.py", "class InputConfig:\n    steps: int = 1\n")
    _write(directory / "train.py", body)
    _write(directory / "lib" / "util.py", "X = 1\n")
    _write(directory / "debug.log", "ignored\n")
    _write(directory / ".gitignore", "*.log\n")
    return directory


def _keys(sdk, project: str) -> set[str | None]:
    return {recipe.key for recipe in sdk.recipes.list(project=project)}


def test_upload_single_file_infers_a_slug_key(sdk, project, tmp_path, uniq) -> None:
    stem = uniq("my_recipe").replace("-", "_")
    path = _write(tmp_path / f"{stem}.py", RECIPE_V1)
    created = sdk.recipes.upload(str(path), description="Trains", labels={"team": "ml"}, project=project)
    assert isinstance(created, CustomRecipeData)
    expected_key = stem.replace("_", "-")
    assert (created.key, created.name, created.description) == (expected_key, expected_key, "Trains")
    assert _labels(created).get("team") == "ml"
    assert created.content == RECIPE_V1
    assert created.content_hash
    assert created.created_at > 0

    fetched = sdk.recipes.get(expected_key, project=project)
    assert fetched is not None
    assert (fetched.id, fetched.content_hash, fetched.content) == (
        created.id,
        created.content_hash,
        RECIPE_V1,
    )
    assert expected_key in _keys(sdk, project)


def test_name_wins_over_the_path_for_the_key(sdk, project, tmp_path, uniq) -> None:
    path = _write(tmp_path / "whatever.py", RECIPE_V1)
    name = f"My Fancy {uniq('Recipe')}"
    created = sdk.recipes.upload(str(path), name=name, project=project)
    assert created.name == name
    assert created.key == name.lower().replace(" ", "-")


def test_update_metadata_only_keeps_the_code(sdk, project, tmp_path, uniq) -> None:
    key = uniq("meta")
    path = _write(tmp_path / "meta.py", RECIPE_V1)
    created = sdk.recipes.upload(str(path), recipe_key=key, project=project)
    updated = sdk.recipes.update(
        key, name="Renamed", description="New text", labels=[("stage", "prod")], project=project
    )
    assert (updated.key, updated.name, updated.description) == (key, "Renamed", "New text")
    assert _labels(updated).get("stage") == "prod"
    assert updated.content_hash == created.content_hash
    assert updated.content == RECIPE_V1

    only_name = sdk.recipes.update(key, name="Renamed again", project=project)
    assert only_name.description == "New text"  # explicit nulls mean "unchanged"
    assert _labels(only_name).get("stage") == "prod"
    fetched = sdk.recipes.get(key, project=project)
    assert fetched is not None
    assert (fetched.name, fetched.description) == ("Renamed again", "New text")


def test_update_with_a_new_file_replaces_the_code(sdk, project, tmp_path, uniq) -> None:
    key = uniq("code")
    created = sdk.recipes.upload(str(_write(tmp_path / "v1.py", RECIPE_V1)), recipe_key=key, project=project)
    updated = sdk.recipes.update(key, path=str(_write(tmp_path / "v2.py", RECIPE_V2)), project=project)
    assert updated.content == RECIPE_V2
    assert updated.content_hash != created.content_hash
    assert updated.name == created.name
    fetched = sdk.recipes.get(key, project=project)
    assert fetched is not None
    assert fetched.content_hash == updated.content_hash


def test_upsert_creates_then_updates(sdk, project, tmp_path, uniq) -> None:
    key = uniq("upsert")
    created = sdk.recipes.upsert(str(_write(tmp_path / "a.py", RECIPE_V1)), recipe_key=key, project=project)
    assert created.key == key
    updated = sdk.recipes.upsert(
        str(_write(tmp_path / "b.py", RECIPE_V2)), recipe_key=key, description="v2", project=project
    )
    assert (updated.id, updated.description, updated.content) == (created.id, "v2", RECIPE_V2)
    assert [r.key for r in sdk.recipes.list(project=project)].count(key) == 1


def test_delete(sdk, project, tmp_path, uniq) -> None:
    key = uniq("del")
    sdk.recipes.upload(str(_write(tmp_path / "d.py", RECIPE_V1)), recipe_key=key, project=project)
    assert sdk.recipes.delete(key, project=project) is True
    assert sdk.recipes.get(key, project=project) is None
    assert key not in _keys(sdk, project)


def test_get_of_a_missing_recipe_is_none(sdk, project, uniq) -> None:
    assert sdk.recipes.get(uniq("none"), project=project) is None


def test_upload_directory(sdk, project, tmp_path, uniq) -> None:
    name = uniq("pipeline")
    directory = _recipe_dir(tmp_path, name)
    created = sdk.recipes.upload(str(directory), project=project)
    assert created.key == name
    assert created.content_hash
    fetched = sdk.recipes.get(name, project=project)
    assert fetched is not None
    assert fetched.content_hash == created.content_hash
    assert name in _keys(sdk, project)


def test_upload_directory_with_entrypoint(sdk, project, tmp_path, uniq) -> None:
    name = uniq("multi")
    directory = _recipe_dir(tmp_path, name)
    created = sdk.recipes.upload(
        str(directory), entrypoint="train.py", entrypoint_config="config.py", project=project
    )
    assert created.key == f"{name}/train"
    assert sdk.recipes.get(f"{name}/train", project=project) is not None


def test_update_and_upsert_directory(sdk, project, tmp_path, uniq) -> None:
    name = uniq("dirup")
    created = sdk.recipes.upsert(str(_recipe_dir(tmp_path / "v1", name)), project=project)
    assert created.key == name
    updated = sdk.recipes.update(
        name, path=str(_recipe_dir(tmp_path / "v2", name, RECIPE_V2)), project=project
    )
    assert updated.content_hash != created.content_hash
    upserted = sdk.recipes.upsert(
        str(_recipe_dir(tmp_path / "v3", name, RECIPE_V1 + "# v3\n")), description="third", project=project
    )
    assert upserted.id == created.id
    assert upserted.description == "third"
    assert upserted.content_hash not in {created.content_hash, updated.content_hash}


def test_recipes_are_scoped_to_their_project(sdk, project, tmp_path, uniq) -> None:
    other = uniq("proj2")
    sdk.projects.create(key=other)
    key = uniq("scoped")
    sdk.recipes.upload(str(_write(tmp_path / "s.py", RECIPE_V1)), recipe_key=key, project=project)
    assert sdk.recipes.get(key, project=other) is None
    assert key not in _keys(sdk, other)


def test_duplicate_recipe_key_is_rejected(sdk, project, tmp_path, uniq) -> None:
    key = uniq("dup")
    path = str(_write(tmp_path / "dup.py", RECIPE_V1))
    sdk.recipes.upload(path, recipe_key=key, project=project)
    with pytest.raises(API_ERRORS):
        sdk.recipes.upload(path, recipe_key=key, project=project)
