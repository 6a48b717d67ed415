"""Custom recipes of a project (``project.K/recipe.K``), ADAPTIVE_API.md §4.9.

Owns: desired recipes from ``projects[].recipes`` plus the files the manifest loader
resolved (``manifest.recipe_sources[(project, key)]``), live ones from
``customRecipes(project:)`` (request 2, once per project; built-in and global recipes are
not ours and are skipped), their normalisation and the ``createCustomRecipe`` /
``updateCustomRecipe`` / ``deleteCustomRecipe`` steps.

The uploaded code is not readable in a comparable form, so the content hash computed at
load time is kept in the label ``adaptive-plan/content-hash`` and compared as the
``content_hash`` attribute: only a code change shows as a (re-upload) update. Beside it, the
label ``adaptive-plan/server-content-hash`` records the server's own ``contentHash`` of what
we uploaded (taken from the upload's response by a follow-up label step: the server's
algorithm is its own, so it cannot be predicted). The live read selects ``contentHash``
(no extra request); when it still equals the recorded one, our label is trusted. When it
differs (the code was re-uploaded out of band, e.g. the SDK's ``recipes.update(path=...)``,
which keeps the labels), when either label is missing (uploaded by the SDK or by hand, or by
an adaptive-plan that did not record the server hash yet), the recipe is downloaded instead
(``live_downloads``) and hashed the same way as the manifest's files: drift sees the new
code, and adopting it plans no re-upload of identical code (until the next upload or label
update records both labels again, each plan downloads that recipe). ``labels`` is the user's
labels without those two, read with ``withProtected: false`` so server-set labels never show.
``entrypoint``/``config_entrypoint`` default to ``main.py``/``config.py`` and ``description``
null is ``""``. Imports only ``model`` and ``kinds.base``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from adaptive_plan.kinds._shared import step
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import ConfigError
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll, output_of
from adaptive_plan.model.recipe_content import digest, is_recipe_file, unpack_zip
from adaptive_plan.model.resource import Resource

ALIAS = "recipe"
HASH_LABEL = "adaptive-plan/content-hash"
SERVER_HASH_LABEL = "adaptive-plan/server-content-hash"
OWN_LABELS = (HASH_LABEL, SERVER_HASH_LABEL)
DEFAULT_ENTRYPOINT = "main.py"
DEFAULT_CONFIG_ENTRYPOINT = "config.py"

CREATE_RECIPE = Operation(
    "CreateCustomRecipe",
    """mutation CreateCustomRecipe(
  $project: IdOrKey!, $input: CreateRecipeInput!, $file: Upload!
) {
  createCustomRecipe(project: $project, input: $input, file: $file) { id key contentHash }
}""",
)

UPDATE_RECIPE = Operation(
    "UpdateCustomRecipe",
    """mutation UpdateCustomRecipe(
  $project: IdOrKey!, $id: IdOrKey!, $input: UpdateRecipeInput!, $file: Upload
) {
  updateCustomRecipe(project: $project, id: $id, input: $input, file: $file) { id key contentHash }
}""",
)

DELETE_RECIPE = Operation(
    "DeleteCustomRecipe",
    """mutation DeleteCustomRecipe($project: IdOrKey!, $id: IdOrKey!) {
  deleteCustomRecipe(project: $project, id: $id)
}""",
)

GET_RECIPE = Operation(
    "GetCustomRecipe",
    """query GetCustomRecipe($project: IdOrKey!, $id: IdOrKey!) {
  customRecipe(idOrKey: $id, project: $project) { id key }
}""",
)

# manifest attribute -> ``CreateRecipeInput``/``UpdateRecipeInput`` field
FIELDS = {
    "name": "name",
    "description": "description",
    "entrypoint": "entrypoint",
    "config_entrypoint": "configEntrypoint",
}


class RecipeKind(Kind):
    name = "recipe"
    parent = "project"
    section = "recipes"
    ownership = "prune"
    live_scope = "project"
    scoped_type = "CustomRecipe"
    scoped_query = """customRecipes(project: $KEY, filter: {}) {
    id key name description entrypoint configEntrypoint builtin global contentHash
    labels(withProtected: false) { key value }
  }"""

    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for p_index, project in enumerate(manifest.section("projects")):
            project_address = Address("project", project["key"])
            for r_index, entry in enumerate(project.get("recipes") or []):
                key = entry["key"]
                source = manifest.recipe_sources.get((project["key"], key))
                attrs: dict[str, Any] = {"content_hash": source.content_hash if source else None}
                for field in FIELDS:
                    if field in entry:
                        attrs[field] = (entry[field] or "") if field == "description" else entry[field]
                if "labels" in entry:
                    attrs["labels"] = _user_labels(entry["labels"] or {})
                resources.append(
                    Resource(
                        address=project_address.child("recipe", key),
                        kind=self.name,
                        attrs=attrs,
                        refs=(project_address,),
                        identity={
                            "project": project["key"],
                            "key": key,
                            "path": source.path if source else entry.get("path"),
                        },
                        source=manifest.mark(("projects", p_index, "recipes", r_index)),
                    )
                )
        return resources

    def live_downloads(self, data: LiveData) -> list[str]:
        """The recipes whose hash label cannot be trusted (see the module docstring)."""
        return [
            download_path(project_key, recipe["key"])
            for project_key, recipe in _own_recipes(data)
            if _recorded_hash(recipe) is None
        ]

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = []
        for project_key, recipe in _own_recipes(data):
            project_address = Address("project", project_key)
            labels = {label["key"]: label["value"] for label in recipe.get("labels") or []}
            for own in OWN_LABELS:
                labels.pop(own, None)
            content_hash = _recorded_hash(recipe)
            if content_hash is None:
                content_hash = _downloaded_hash(data, project_key, recipe["key"])
            resources.append(
                Resource(
                    address=project_address.child("recipe", recipe["key"]),
                    kind=self.name,
                    attrs={
                        "content_hash": content_hash,
                        "name": recipe.get("name"),
                        "description": recipe.get("description") or "",
                        "entrypoint": recipe.get("entrypoint") or DEFAULT_ENTRYPOINT,
                        "config_entrypoint": recipe.get("configEntrypoint") or DEFAULT_CONFIG_ENTRYPOINT,
                        "labels": labels,
                    },
                    identity={
                        "project": project_key,
                        "key": recipe["key"],
                        "id": recipe.get("id"),
                        "server_hash": recipe.get("contentHash"),
                    },
                )
            )
        return resources

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        project, key = desired.identity["project"], desired.identity["key"]
        attrs = desired.attrs
        recipe_input: dict[str, Any] = {"name": attrs.get("name") or key, "key": key}
        for attr, field in FIELDS.items():
            if attr != "name" and attrs.get(attr):
                recipe_input[field] = attrs[attr]
        labels = attrs.get("labels") or {}
        recipe_input["labels"] = _label_input(labels, attrs.get("content_hash"))
        return (
            step(
                "create",
                CREATE_RECIPE,
                {"project": project, "input": recipe_input, "file": None},
                f"upload recipe {key} to project {project}",
                uploads={"file": desired.identity["path"]},
                idempotent=False,
                probe=Poll(GET_RECIPE, {"project": project, "id": key}, "customRecipe.id", until=()),
            ),
            _record_server_hash(project, key, labels, attrs.get("content_hash"), "createCustomRecipe"),
        )

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        project, key = actual.identity["project"], actual.identity["key"]
        paths = {change.path.split(".")[0] for change in changes}
        update: dict[str, Any] = {}
        for attr, field in FIELDS.items():
            if attr in paths:
                update[field] = desired.attrs[attr]
        code_changed = "content_hash" in paths
        labels = desired.attrs["labels"] if "labels" in desired.attrs else actual.attrs.get("labels") or {}
        content_hash = desired.attrs.get("content_hash")
        if code_changed or "labels" in paths:
            # unchanged code: the live code is what we hash, so the server's hash of it is recorded now
            server_hash = None if code_changed else actual.identity.get("server_hash")
            update["labels"] = _label_input(labels, content_hash, server_hash)
        if not update and not code_changed:
            return ()
        changed = step(
            "upload" if code_changed else "update",
            UPDATE_RECIPE,
            {"project": project, "id": key, "input": update, "file": None},
            f"{'re-upload' if code_changed else 'update'} recipe {key} in project {project}",
            uploads={"file": desired.identity["path"]} if code_changed else {},
        )
        if not code_changed:
            return (changed,)
        return (changed, _record_server_hash(project, key, labels, content_hash, "updateCustomRecipe"))

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        project, key = actual.identity["project"], actual.identity["key"]
        return (
            step(
                "delete",
                DELETE_RECIPE,
                {"project": project, "id": key},
                f"delete recipe {key} from project {project}",
            ),
        )

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """Everything but ``path`` (the exporter unpacks the code and sets it) and the
        content-hash label; defaults (name = key, ``main.py``/``config.py``) left out."""
        key, attrs = resource.address.key, resource.attrs
        entry: dict[str, Any] = {"key": key}
        if attrs.get("name") not in (None, key):
            entry["name"] = attrs["name"]
        if attrs.get("description"):
            entry["description"] = attrs["description"]
        if attrs.get("entrypoint") not in (None, DEFAULT_ENTRYPOINT):
            entry["entrypoint"] = attrs["entrypoint"]
        if attrs.get("config_entrypoint") not in (None, DEFAULT_CONFIG_ENTRYPOINT):
            entry["config_entrypoint"] = attrs["config_entrypoint"]
        labels = _user_labels(attrs.get("labels") or {})
        if labels:
            entry["labels"] = labels
        return entry


def _user_labels(labels: dict[str, Any]) -> dict[str, str]:
    """Declared labels as strings, without our own content-hash labels."""
    return {str(key): str(value) for key, value in sorted(labels.items()) if key not in OWN_LABELS}


def _label_input(
    labels: dict[str, str], content_hash: str | None, server_hash: Any = None
) -> list[dict[str, Any]]:
    """The full ``[LabelInput]`` list: the user's labels plus our content-hash labels
    (``server_hash`` may be an ``output_of`` reference to the upload's response)."""
    items: list[dict[str, Any]] = [{"key": key, "value": value} for key, value in sorted(labels.items())]
    if content_hash:
        items.append({"key": HASH_LABEL, "value": content_hash})
        if server_hash:
            items.append({"key": SERVER_HASH_LABEL, "value": server_hash})
    return items


def _record_server_hash(
    project: str, key: str, labels: dict[str, str], content_hash: str | None, mutation: str
) -> StepSpec:
    """After an upload: label the recipe with the server's ``contentHash`` of it (from step 1's
    response), so the live read can tell our upload from a later one made out of band."""
    # "" when the upload's answer was lost (a probe found it applied): recorded as unknown, so
    # the live read downloads the recipe until its next upload records the hash
    server_hash = output_of(1, f"{mutation}.contentHash", default="")
    return step(
        "update(labels)",
        UPDATE_RECIPE,
        {
            "project": project,
            "id": key,
            "input": {"labels": _label_input(labels, content_hash, server_hash)},
            "file": None,
        },
        f"record the server's content hash of recipe {key} in project {project}",
    )


def _recorded_hash(recipe: dict[str, Any]) -> str | None:
    """Our content-hash label, when the server's hash recorded beside it is still the live one."""
    labels = {label["key"]: label["value"] for label in recipe.get("labels") or []}
    ours, recorded = labels.get(HASH_LABEL), labels.get(SERVER_HASH_LABEL)
    if ours is None or recorded is None or recorded != recipe.get("contentHash"):
        return None
    return ours


def download_path(project: str, key: str) -> str:
    """The REST route serving a recipe's zip (``CustomRecipe.downloadUrl`` without ``/api/v1``)."""
    return f"/projects/{quote(project, safe='')}/recipes/{quote(key, safe='')}/download"


def _own_recipes(data: LiveData) -> list[tuple[str, dict[str, Any]]]:
    """(project key, recipe) for every recipe of ours: built-in and global ones are not."""
    return [
        (project_key, recipe)
        for project_key, recipes in data.scoped("project", ALIAS).items()
        for recipe in recipes or []
        if not recipe.get("builtin") and not recipe.get("global") and recipe.get("key")
    ]


def _downloaded_hash(data: LiveData, project: str, key: str) -> str | None:
    """The content hash of a recipe's downloaded zip, computed like the manifest side's (the
    same files counted), or None when there is no usable download (then a plan re-uploads)."""
    body = data.downloads.get(download_path(project, key))
    if not body:
        return None
    try:
        files = unpack_zip(body, f"recipe {key!r} of project {project!r}")
    except ConfigError:
        return None
    return digest((name, content) for name, content in files.items() if is_recipe_file(name))
