"""Custom recipes: create from an uploaded ``.py`` file or ``.zip``, update, patch, duplicate,
delete, get, list (label filters) and the files behind the download route.

Stored shape: ``{id key name description labels entrypoint configEntrypoint files:[paths]
isMultifile contentHash projectId createdAt updatedAt createdBy}``; file bytes live in blobs
``recipe:<id>:<path>``. ``contentHash`` is the sha256 of the sorted ``path NUL bytes NUL``
records. A protected label ``adaptive.protected/uploaded-by`` (the uploader's email) is shown
only with ``labels(withProtected: true)`` (the default, as in the reference).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    insert,
    must,
    new_id,
    now_ms,
    project_of,
    slugify,
)

R = Resolvers()
PROTECTED_LABEL = "adaptive.protected/uploaded-by"
SERVER_FIELDS = {
    "editable": True,
    "hidden": False,
    "builtin": False,
    "global": False,
    "inputSchema": {},
    "jsonSchema": {},
    "deletedAt": None,
}


def _files_of(upload: Any) -> dict[str, bytes]:
    name = upload.filename or "recipe.py"
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
                return {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
        except zipfile.BadZipFile:
            raise ApiError(f"Invalid input: '{name}' is not a valid zip archive") from None
    if not name.endswith(".py"):
        raise ApiError(f"Invalid input: a single-file recipe must be a .py file, got '{name}'")
    return {name: upload.data}


def content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path] + b"\0")
    return digest.hexdigest()


def _labels(values: list[dict] | None) -> list[dict]:
    out: dict[str, str] = {}
    for label in values or []:
        if label["key"].startswith("adaptive.protected/"):
            raise ApiError(f"Invalid input: label '{label['key']}' is protected")
        out[label["key"]] = label["value"]
    return [{"key": k, "value": v} for k, v in out.items()]


def _store_files(store: Any, recipe: dict, files: dict[str, bytes], entrypoint: str | None) -> None:
    multi = len(files) > 1 or any("/" in p for p in files) or not next(iter(files)).endswith(".py")
    # A single file is its own entrypoint, also when a re-upload renames it.
    kept = recipe.get("entrypoint") if multi else None
    recipe["entrypoint"] = entrypoint or kept or ("main.py" if multi else next(iter(files)))
    if multi and recipe["entrypoint"] not in files:
        raise ApiError(f"Invalid input: entrypoint '{recipe['entrypoint']}' is not in the uploaded files")
    if recipe.get("configEntrypoint") is None and "config.py" in files and multi:
        recipe["configEntrypoint"] = "config.py"
    store.delete_blobs(f"recipe:{recipe['id']}:")
    for path, data in files.items():
        store.put_blob(f"recipe:{recipe['id']}:{path}", data)
    recipe.update(files=sorted(files), isMultifile=multi, contentHash=content_hash(files))


def recipe_files(store: Any, recipe: dict) -> dict[str, bytes]:
    return {p: store.get_blob(f"recipe:{recipe['id']}:{p}") or b"" for p in recipe["files"]}


def _recipe(store: Any, project: str, ref: str) -> tuple[dict, dict]:
    owner = project_of(store, project)
    return owner, must(store, "recipe", ref, scope=owner["id"], label="recipe")


@R.query
def customRecipes(_: Any, info: Any, project: str, filter: dict) -> list[dict]:
    context = ctx(info)
    context.require("recipe:read")
    found = context.store.list("recipe", project_of(context.store, project)["id"])
    for wanted in filter.get("labels") or []:
        found = [r for r in found if _has_label(r, wanted)]
    return found


def _has_label(recipe: dict, wanted: dict) -> bool:
    values = [label["value"] for label in recipe["labels"] if label["key"] == wanted["key"]]
    return bool(values) and (not wanted.get("value") or any(v in wanted["value"] for v in values))


@R.query
def customRecipe(_: Any, info: Any, idOrKey: str, project: str) -> dict | None:
    context = ctx(info)
    context.require("recipe:read")
    return context.store.find("recipe", idOrKey, project_of(context.store, project)["id"])


@R.mutation
def createCustomRecipe(_: Any, info: Any, project: str, input: dict, file: Any) -> dict:
    context = ctx(info)
    context.require("recipe:create")
    store = context.store
    owner = project_of(store, project)
    key = input.get("key") or slugify(input["name"])
    if store.by_key("recipe", key, owner["id"]) is not None:
        raise ApiError(f"Conflict: recipe with key '{key}' already exists")
    recipe = {
        "id": new_id(),
        "key": key,
        "name": input["name"],
        "description": input.get("description") or "",
        "labels": _labels(input.get("labels")),
        "configEntrypoint": input.get("configEntrypoint"),
        "projectId": owner["id"],
        "createdAt": now_ms(),
        "updatedAt": None,
        "createdBy": context.user["id"],
        "uploadedBy": context.user["email"],
        **SERVER_FIELDS,
    }
    _store_files(store, recipe, _files_of(file), input.get("entrypoint"))
    return insert(store, "recipe", recipe, key=key, scope=owner["id"], label="recipe")


@R.mutation
def updateCustomRecipe(_: Any, info: Any, project: str, id: str, input: dict, file: Any = None) -> dict:
    context = ctx(info)
    context.require("recipe:update")
    _, recipe = _recipe(context.store, project, id)
    for name in ("name", "description", "configEntrypoint"):
        if input.get(name) is not None:
            recipe[name] = input[name]
    if input.get("labels") is not None:
        recipe["labels"] = _labels(input["labels"])
    if file is not None:
        _store_files(context.store, recipe, _files_of(file), input.get("entrypoint"))
    elif input.get("entrypoint") is not None:
        recipe["entrypoint"] = input["entrypoint"]
    recipe["updatedAt"] = now_ms()
    return context.store.save("recipe", recipe)


@R.mutation
def patchCustomRecipe(_: Any, info: Any, project: str, id: str, input: dict, files: list[Any]) -> dict:
    context = ctx(info)
    context.require("recipe:update")
    _, recipe = _recipe(context.store, project, id)
    current = recipe_files(context.store, recipe)
    for path in input.get("filesToDelete") or []:
        current.pop(path, None)
    for upload in files:
        current[upload.filename] = upload.data
    if not current:
        raise ApiError("Invalid input: a recipe needs at least one file")
    _store_files(context.store, recipe, current, None)
    recipe["updatedAt"] = now_ms()
    return context.store.save("recipe", recipe)


@R.mutation
def duplicateCustomRecipe(_: Any, info: Any, project: str, id: str, input: dict) -> dict:
    context = ctx(info)
    context.require("recipe:create")
    owner, source = _recipe(context.store, project, id)
    name = input.get("name") or f"{source['name']} (copy)"
    key = input.get("key") or slugify(name)
    copy = {
        **source,
        "id": new_id(),
        "key": key,
        "name": name,
        "createdAt": now_ms(),
        "updatedAt": None,
        "description": input.get("description") or source["description"],
        "createdBy": context.user["id"],
    }
    files = recipe_files(context.store, source)
    insert(context.store, "recipe", copy, key=key, scope=owner["id"], label="recipe")
    _store_files(context.store, copy, files, source["entrypoint"])
    return context.store.save("recipe", copy)


@R.mutation
def deleteCustomRecipe(_: Any, info: Any, project: str, id: str) -> bool:
    context = ctx(info)
    context.require("recipe:delete")
    _, recipe = _recipe(context.store, project, id)
    context.store.delete_blobs(f"recipe:{recipe['id']}:")
    return context.store.delete("recipe", recipe["id"])


# ---------------------------------------------------------------------------- fields
@R.field("CustomRecipe", "labels")
def recipe_labels(recipe: dict, info: Any, withProtected: bool) -> list[dict]:
    labels = list(recipe["labels"])
    if withProtected:
        labels.append({"key": PROTECTED_LABEL, "value": recipe.get("uploadedBy") or ""})
    return labels


@R.field("CustomRecipe", "content")
def recipe_content(recipe: dict, info: Any, fileEntry: str | None = None) -> str | None:
    path = fileEntry or (None if recipe["isMultifile"] else recipe["files"][0])
    data = ctx(info).store.get_blob(f"recipe:{recipe['id']}:{path}") if path else None
    try:
        return data.decode() if data is not None else None
    except UnicodeDecodeError:
        return None


@R.field("CustomRecipe", "contentFiles")
def recipe_content_files(recipe: dict, info: Any) -> list[str]:
    return recipe["files"]


@R.field("CustomRecipe", "createdBy")
def recipe_created_by(recipe: dict, info: Any) -> dict | None:
    return ctx(info).store.get("user", recipe["createdBy"]) if recipe.get("createdBy") else None


@R.field("CustomRecipe", "downloadUrl")
def recipe_download_url(recipe: dict, info: Any) -> str:
    owner = ctx(info).store.get("project", recipe["projectId"])
    return f"/api/v1/projects/{owner['key']}/recipes/{recipe['key']}/download"
