"""Registry models (ADAPTIVE_API.md 4.6): address ``model.KEY``.

Attrs: ``name``; ``external`` ({provider, external_model_id, endpoint, extra_params}, only the
declared keys managed) with ``api_key`` write-only; ``huggingface`` ({model_id, compute_pool},
creation-only and unreadable, so never compared) with ``hf_token`` write-only;
``compute_config`` (only the declared keys managed: the server fills the rest);
``published`` and ``stable``.

Identity and keys: ``addExternalModel`` takes no key; the server derives it from ``name`` with
the SDK's slugify. So the manifest ``key`` is the identity and we send ``name = key`` when no
name is declared; a declared name whose slug is not the key is a manifest error (the model
would land under another key and be created again on every apply). HF imports take
``outputModelKey`` directly.

``from_live`` returns *every* registry model, catalogue ones included, so references to base
models resolve; ``ownership = "never"``: an undeclared model is never listed or deleted
(``deleteModel`` removes it from every project and from storage).

Settings entries: an entry with neither ``external`` nor ``huggingface`` names a model the
manifests do not create (a catalogue model, a trained one, one made by hand) and manages only
what it declares: ``compute_config``, ``published``, ``stable`` (the API cannot rename a model
or give it a description). ``link`` makes a missing one a plan error, never a create. Removing
the entry leaves the settings as they are. Export writes one for each catalogue model whose
settings differ from ``CATALOGUE_DEFAULTS``: the API has no read of a model's defaults, so
these are the values the catalogue ships with (published, stable, the seeded compute config).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from adaptive_plan.kinds._shared import (
    camel,
    compare_attrs,
    create,
    entries,
    exists_probe,
    expand,
    fail,
    keep_live_hint,
    live_list,
    lower,
    pick,
    slugify,
    step,
)
from adaptive_plan.kinds.base import DeleteBehaviour, Kind, LiveData, Operation, StepSpec, export_secret
from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import ManifestError, PlanError
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

CAPABILITIES = "{any: [Embedding, TextGeneration, ImageUnderstanding, Reasoning, Regression]}"
MODEL_FIELDS = (
    "id key name isExternal isPublished isStable sourceModelKey computeConfig { tp kvCacheLen maxSeqLen } "
    "externalProviderData { provider externalModelId endpointUrl extraParams }"
)
ADD_EXTERNAL = Operation(
    "AddExternalModel",
    "mutation AddExternalModel($input: AddExternalModelInput!) "
    "{ addExternalModel(input: $input) { id key } }",
)
IMPORT_HF = Operation(
    "AddHFModel",
    "mutation AddHFModel($input: AddHFModelInput!) { importHfModel(input: $input) { id status } }",
)
UPDATE_COMPUTE = Operation(
    "UpdateModelComputeConfig",
    "mutation UpdateModelComputeConfig($idOrKey: IdOrKey!, $input: ModelComputeConfigInput!) "
    "{ updateModelComputeConfig(idOrKey: $idOrKey, input: $input) { id key } }",
)
UPDATE_MODEL = Operation(
    "UpdateModelRegistry",
    "mutation UpdateModelRegistry($input: UpdateModelInput!) { updateModel(input: $input) { id key } }",
)
DELETE_MODEL = Operation(
    "DeleteModel",
    "mutation DeleteModel($input: DeleteModelInput!) { deleteModel(input: $input) }",
)
DESCRIBE_MODEL = Operation(
    "DescribeModel",
    "query DescribeModel($input: IdOrKey!) { model(idOrKey: $input) { key } }",
)

PROVIDER_MEMBER = {
    "open_ai": "openAI",
    "legacy_open_ai": "legacyOpenAI",
    "google": "google",
    "anthropic": "anthropic",
}
COMPUTE_KEYS = ("tp", "kv_cache_len", "max_seq_len")
CATALOGUE_DEFAULTS: dict[str, Any] = {
    "published": True,
    "stable": True,
    "compute_config": {"tp": 1, "kv_cache_len": 32768, "max_seq_len": 8192},
}


class ModelKind(Kind):
    name = "model"
    section = "models"
    catalog = "models"
    ownership = "never"
    write_only = frozenset({"api_key", "hf_token"})
    create_only = write_only  # no mutation takes them after addExternalModel / importHfModel
    live_query = (
        f"model_models: models(filter: {{viewAll: true, capabilities: {CAPABILITIES}}}) {{ {MODEL_FIELDS} }}"
    )
    delete_behaviour = DeleteBehaviour(
        True, "deleteModel removes the model from every project and from storage"
    )

    # --- reading ------------------------------------------------------------
    def unlisted(self, resource: Resource) -> bool:
        """Catalogue models (neither external nor imported from Hugging Face) ship with the
        instance: left out unless their settings differ from ``CATALOGUE_DEFAULTS``."""
        return _is_catalogue(resource) and not _changed_settings(resource)

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        """A settings entry must name a live model, and only one Adaptive serves may take a
        ``compute_config``: otherwise a ``PlanError`` naming the entry (never a create)."""
        problems = []
        models = {r.address: r for r in live.of_kind(self.name)}
        for resource in desired:
            if not resource.identity.get("settings_only"):
                continue
            where = f"{resource.source}: " if resource.source is not None else ""
            actual = models.get(resource.address)
            if actual is None:
                keys = [a.key for a in models]
                close = difflib.get_close_matches(resource.address.key, keys, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    f"{where}{resource.address}: declared settings for model {resource.address.key!r}, which "
                    f"does not exist{hint}; an entry without external or huggingface never creates a model"
                )
            elif "compute_config" in resource.attrs and actual.identity.get("external"):
                problems.append(
                    f"{where}{resource.address}: compute_config applies to models Adaptive serves; "
                    f"{resource.address.key!r} is an external model and has none"
                )
        if problems:
            raise PlanError("\n".join(problems))
        return list(desired), list(live.of_kind(self.name))

    def desired(self, manifest: Manifest) -> list[Resource]:
        resources, problems = [], []
        for path, entry in entries(manifest, "models"):
            try:
                resources.append(self._desired(manifest, path, entry))
            except ManifestError as error:
                problems += error.diagnostics
        if problems:
            raise ManifestError(problems)
        return resources

    def _desired(self, manifest: Manifest, path: tuple[str | int, ...], entry: dict[str, Any]) -> Resource:
        key = str(entry["key"])
        address = Address("model", key)
        attrs = pick(entry, "name", "published", "stable")
        if "external" in entry:
            name = str(entry.get("name", key))
            if slugify(name) != key:
                where = (*path, "name") if "name" in entry else (*path, "key")
                raise fail(
                    manifest,
                    where,
                    address,
                    f"the server derives an external model's key from its name (slug {slugify(name)!r}), "
                    f"which must equal the key {key!r}: use a name whose slug is the key, or a key like "
                    f"{slugify(name)!r}",
                )
            external = entry["external"]
            attrs["external"] = {
                "provider": lower(external["provider"]),
                **pick(external, "external_model_id", "endpoint"),
            }
            if "extra_params" in external:
                attrs["external"]["extra_params"] = external["extra_params"] or {}
            attrs["api_key"] = external.get("api_key")
        if "huggingface" in entry:
            hf = entry["huggingface"]
            attrs["huggingface"] = pick(hf, "model_id", "compute_pool")
            attrs["hf_token"] = hf.get("hf_token")
        if "compute_config" in entry and "external" in entry:
            raise fail(
                manifest,
                (*path, "compute_config"),
                address,
                "compute_config applies to models Adaptive serves (huggingface); an external model has none",
            )
        if "compute_config" in entry:
            attrs["compute_config"] = pick(entry["compute_config"] or {}, *COMPUTE_KEYS)
        settings_only = "external" not in entry and "huggingface" not in entry
        identity = {"settings_only": True} if settings_only else {}
        return Resource(address, self.name, attrs, identity=identity, source=manifest.mark(path))

    def from_live(self, data: LiveData) -> list[Resource]:
        return [self._live(model) for model in live_list(data.first, "model_models")]

    def _live(self, model: dict[str, Any]) -> Resource:
        attrs: dict[str, Any] = {
            "name": model["name"],
            "published": bool(model.get("isPublished")),
            "stable": bool(model.get("isStable")),
        }
        provider = model.get("externalProviderData")
        if model.get("isExternal") and provider:
            attrs["external"] = {
                "provider": lower(provider.get("provider")),
                "external_model_id": provider.get("externalModelId"),
                "endpoint": provider.get("endpointUrl"),
                "extra_params": provider.get("extraParams") or {},
            }
        config = model.get("computeConfig")
        if config:
            attrs["compute_config"] = {key: config.get(camel(key)) for key in COMPUTE_KEYS}
        identity = {
            "id": model["id"],
            "external": bool(model.get("isExternal")),
            "source": model.get("sourceModelKey"),  # the HF repo of an import (export reads it)
        }
        return Resource(Address("model", model["key"]), self.name, attrs, identity=identity)

    def compare(self, desired: Resource, actual: Resource) -> list[AttrChange]:
        return compare_attrs(
            desired.attrs,
            actual.attrs,
            skip=self.write_only | {"huggingface"},
            partial=frozenset({"external", "compute_config"}),
        )

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        key = desired.address.key
        probe = exists_probe(DESCRIBE_MODEL, "model.key", key, {"input": key})
        if "huggingface" in desired.attrs:
            first = create(
                "import", IMPORT_HF, {"input": _hf_input(desired)}, probe, f"import {key} from Hugging Face"
            )
            wait = Poll(DESCRIBE_MODEL, {"input": key}, "model.key", until=(key,))
            first = replace(first, poll=wait)
        else:
            first = create(
                "create",
                ADD_EXTERNAL,
                {"input": _external_input(desired)},
                probe,
                f"add external model {key}",
            )
        return [first, *self._settings_steps(desired, set(desired.attrs))]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        return self._settings_steps(desired, {change.path.split(".", 1)[0] for change in changes})

    def _settings_steps(self, desired: Resource, changed: set[str]) -> list[StepSpec]:
        key = desired.address.key
        steps = []
        config = desired.attrs.get("compute_config")
        if "compute_config" in changed and config:
            variables = {"idOrKey": key, "input": {camel(name): value for name, value in config.items()}}
            steps.append(step("update", UPDATE_COMPUTE, variables, f"compute config of {key}"))
        flags = {
            attr: desired.attrs[attr]
            for attr in ("published", "stable")
            if attr in changed and attr in desired.attrs
        }
        if flags:
            steps.append(
                step("update", UPDATE_MODEL, {"input": {"model": key, **flags}}, f"publish/stable {key}")
            )
        return steps

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        key = actual.address.key
        return [step("delete", DELETE_MODEL, {"input": {"model": key}}, f"delete {key} everywhere")]

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        if desired is None or actual is None:
            return []
        changed = {change.path for change in self.compare(desired, actual)}
        if "published" in changed and desired.attrs.get("published") is False:
            return [
                f"{desired.address}: once unpublished, the model is deleted from storage when the last "
                "project it is bound to detaches it (publish it, or keep it bound, to keep it)"
            ]
        return []

    def cannot_apply(self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]) -> list[str]:
        """A rename and an external model's provider settings: no mutation takes them after
        ``addExternalModel``. A replace (deleteModel + addExternalModel) is not planned: deleteModel
        removes the model from every project, taking its deployments and graders' judge with it."""
        problems = []
        renamed = [change for change in changes if change.path == "name"]
        if renamed:
            problems.append(f"a registry model cannot be renamed through the API: {keep_live_hint(renamed)}")
        provider = [leaf for change in changes if change.path == "external" for leaf in expand(change)]
        if provider:
            problems.append(
                "an external model's provider settings cannot be changed through the API: "
                f"{keep_live_hint(provider)}; for another model, declare it under a new key and "
                "point its deployments and judges at it"
            )
        return problems

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """External models and Hugging Face imports (``identity.source`` is the repo id).

        ``api_key``/``hf_token`` are write-only: ``secret()`` placeholders. A name equal to
        the key, ``published``/``stable`` false and an external model's empty extras are the
        defaults and left out.
        """
        key, attrs = resource.address.key, resource.attrs
        if _is_catalogue(resource):
            return {"key": key, **_changed_settings(resource)}
        entry: dict[str, Any] = {"key": key}
        if attrs.get("name") not in (None, key):
            entry["name"] = attrs["name"]
        external = attrs.get("external")
        if external:
            entry["external"] = {
                "provider": external["provider"],
                "external_model_id": external["external_model_id"],
                "api_key": export_secret(key, "api_key"),
            }
            if external.get("endpoint"):
                entry["external"]["endpoint"] = external["endpoint"]
            if external.get("extra_params") and external["provider"] != "google":
                entry["external"]["extra_params"] = dict(sorted(external["extra_params"].items()))
        else:
            entry["huggingface"] = {
                "model_id": resource.identity.get("source") or key,
                "hf_token": export_secret(key, "hf_token"),
            }
            if attrs.get("compute_config"):
                entry["compute_config"] = {
                    name: value for name, value in attrs["compute_config"].items() if value is not None
                }
        for flag in ("published", "stable"):
            if attrs.get(flag):
                entry[flag] = True
        return entry


def _is_catalogue(resource: Resource) -> bool:
    return not (resource.identity.get("external") or resource.identity.get("source"))


def _changed_settings(resource: Resource) -> dict[str, Any]:
    """The settings entry fields of a live model that differ from ``CATALOGUE_DEFAULTS``."""
    attrs, entry = resource.attrs, {}
    config = {
        name: value
        for name, value in (attrs.get("compute_config") or {}).items()
        if value is not None and value != CATALOGUE_DEFAULTS["compute_config"][name]
    }
    if config:
        entry["compute_config"] = config
    for flag in ("published", "stable"):
        if attrs.get(flag) is not None and attrs[flag] != CATALOGUE_DEFAULTS[flag]:
            entry[flag] = attrs[flag]
    return entry


def _external_input(desired: Resource) -> dict[str, Any]:
    external = desired.attrs["external"]
    data: dict[str, Any] = {
        "apiKey": desired.attrs.get("api_key"),
        "externalModelId": external["external_model_id"],
    }
    if external.get("endpoint") is not None:
        data["endpoint"] = external["endpoint"]
    if "extra_params" in external and external["provider"] != "google":
        data["extraParams"] = external["extra_params"]
    return {
        "name": desired.attrs.get("name", desired.address.key),
        "provider": external["provider"].upper(),
        "providerData": {PROVIDER_MEMBER[external["provider"]]: data},
    }


def _hf_input(desired: Resource) -> dict[str, Any]:
    hf = desired.attrs["huggingface"]
    return {
        "modelId": hf["model_id"],
        "outputModelName": desired.attrs.get("name", desired.address.key),
        "outputModelKey": desired.address.key,
        "hfToken": desired.attrs.get("hf_token"),
        "computePool": hf.get("compute_pool"),
    }
