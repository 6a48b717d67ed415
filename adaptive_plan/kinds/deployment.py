"""Model deployments: a registry model bound to and served in a project, ADAPTIVE_API.md §4.7.

Address ``project.K/model.MODELKEY`` (address kind ``model`` under a project; this kind's
``name`` is ``deployment``). Owns: desired deployments from ``projects[].models``, live ones
from ``Project.modelServices`` (request 1, nested under every project), their
normalisation and the steps. Which projects a model is bound to (for the detach warning) is
read once per model, in this kind's own ``models`` field of request 1, not under every
project's services: that nesting returned projects x projects entries for a shared base model.

The steps:

- create = ``addModelsToProject`` (attach) → ``deployModel`` (deploy, ``wait: false``, then
  poll the service status until ONLINE) → ``updateModelService`` when ``default`` is declared
  (the server makes the first deployed model the default, so ``false`` is sent too) or
  ``online: false`` (always with an explicit ``project``: the SDK's ``make_default`` forgets it);
- update = one ``updateModelService`` with only the changed fields (null means unchanged);
  the display ``name``, the bound ``tool_providers`` (keys of the project's tool providers, a
  set: the deployment depends on them) and the ``system_prompt_template`` (a template id: the
  API has no call that lists or creates templates) are only ever sent this way, also as the
  follow-up of a create;
- delete = ``removeModelFromProject`` (detach), with a warning when the model is bound to no
  other project and not published, because the server then deletes it from storage.

Normalisation: ``placement`` is ``{compute_pools: sorted keys, max_ttft_ms}`` (pools may come
back as ids: mapped to keys with the compute-pool catalogue read alongside);
``speculative_decoding`` is write-only (no read-back). Imports only ``model`` and ``kinds.base``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds._shared import COMPUTE_POOLS, every_project, live_projects, step
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.resource import Resource

MODELS_ALIAS = "deployment__models"
PROJECT_FIELDS = """key
  modelServices {
    id key name isDefault desiredOnline status
    placement { computePools maxTtftMs }
    toolProviders { key }
    systemPromptTemplate { id }
    abCampaigns(filter: {active: true}) { key trafficSplit }
    model { key name isPublished }
  }"""
CAPABILITIES = "{any: [Embedding, TextGeneration, ImageUnderstanding, Reasoning, Regression]}"
BINDINGS = (
    f"{MODELS_ALIAS}: models(filter: {{viewAll: true, capabilities: {CAPABILITIES}}}) "
    "{ key projects(filter: {isArchived: null}) { key } }"
)

ADD_MODELS_TO_PROJECT = Operation(
    "AddModelsToProject",
    """mutation AddModelsToProject($input: AddModelsToProjectInput!) {
  addModelsToProject(input: $input) { success failures { model reason } }
}""",
)

DEPLOY_MODEL = Operation(
    "DeployModel",
    """mutation DeployModel($input: DeployModelInput!) {
  deployModel(input: $input) { modelService { id key status desiredOnline } warnings }
}""",
)

UPDATE_MODEL_SERVICE = Operation(
    "UpdateModel",
    """mutation UpdateModel($input: UpdateModelService!) {
  updateModelService(input: $input) { id key isDefault desiredOnline status }
}""",
)

REMOVE_MODEL_FROM_PROJECT = Operation(
    "RemoveModelFromProject",
    """mutation RemoveModelFromProject($input: RemoveModelFromProjectInput!) {
  removeModelFromProject(input: $input)
}""",
)

MODEL_SERVICE_STATUS = Operation(
    "ModelServiceStatus",
    """query ModelServiceStatus($project: IdOrKey!, $model: IdOrKey!) {
  project(idOrKey: $project) { modelService(idOrKey: $model) { status error } }
}""",
)

STATUS_PATH = "project.modelService.status"
FAILED_STATUSES = ("ERROR",)

# manifest attribute -> ``UpdateModelService`` field
UPDATE_FIELDS = {
    "default": "isDefault",
    "online": "desiredOnline",
    "placement": "placement",
    "name": "name",
    "tool_providers": "toolProviders",
    "system_prompt_template": "systemPromptTemplate",
}
# Attributes the deploy step cannot take: a created deployment gets them in its follow-up update.
FOLLOW_UP = ("name", "tool_providers", "system_prompt_template")


def placement_attr(
    placement: dict[str, Any] | None, pools: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """``{compute_pools: sorted unique keys, max_ttft_ms}``; ``pools`` maps pool ids to keys.

    A set: the API takes a list and gives back what it was sent, so a pool named twice (by key
    and by id, or twice by the SDK) would otherwise export as a list the schema rejects."""
    if placement is None:
        return None
    names = placement.get("compute_pools", placement.get("computePools")) or []
    pools = pools or {}
    return {
        "compute_pools": sorted({pools.get(name, name) for name in names}),
        "max_ttft_ms": placement.get("max_ttft_ms", placement.get("maxTtftMs")),
    }


def _pool_refs(entry: dict[str, Any]) -> tuple[Address, ...]:
    """The compute pools a declared placement names (an edge: a pool resized in the same plan
    is resized before the deployment is placed on it; a pool that does not exist is an error)."""
    pools = (entry.get("placement") or {}).get("compute_pools") or []
    return tuple(Address("compute_pool", str(pool)) for pool in sorted(set(pools)))


def placement_input(placement: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ``ModelPlacementInput`` for a normalised placement."""
    if placement is None:
        return None
    return {"computePools": list(placement["compute_pools"]), "maxTtftMs": placement.get("max_ttft_ms")}


def _speculative_input(attrs: dict[str, Any]) -> dict[str, Any] | None:
    value = attrs.get("speculative_decoding")
    return None if value is None else {"numDraftSteps": value["num_draft_steps"]}


def _tool_refs(project: Address, entry: dict[str, Any]) -> tuple[Address, ...]:
    """The project's tool providers a deployment binds (its edges: they must exist first)."""
    keys = sorted({str(key) for key in entry.get("tool_providers") or []})
    return tuple(project.child("tool_provider", key) for key in keys)


def _template_id(service: dict[str, Any]) -> str | None:
    template = service.get("systemPromptTemplate")
    return str(template["id"]).lower() if isinstance(template, dict) and template.get("id") else None


def _status_poll(project: str, model: str) -> Poll:
    return Poll(
        MODEL_SERVICE_STATUS, {"project": project, "model": model}, STATUS_PATH, ("ONLINE",), FAILED_STATUSES
    )


def _bound_elsewhere(bound: set[str], project: str) -> bool:
    """Whether the model is bound to a project other than ``project``: a flag, not the list,
    so a deployment's identity (and fingerprint) stays small and does not change when a
    shared model is bound to one more project elsewhere."""
    return len(bound) > (1 if project in bound else 0)


class DeploymentKind(Kind):
    name = "deployment"
    parent = "project"
    section = "models"
    identity_fields = ("model",)
    address_kind = "model"
    ownership = "prune"
    write_only = frozenset({"speculative_decoding"})
    # Not a secret: shown as a value. Not recordable either: a model service has no label or
    # description field (its ``name`` is what the UI shows), so every plan says it is not compared.
    plain_write_only = write_only
    live_query = "\n".join(
        [
            every_project(PROJECT_FIELDS),
            f"{COMPUTE_POOLS}: computePools {{ id key }}",
            BINDINGS,
        ]
    )

    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for p_index, project in enumerate(manifest.section("projects")):
            project_address = Address("project", project["key"])
            for m_index, entry in enumerate(project.get("models") or []):
                model = entry["model"]
                resources.append(
                    Resource(
                        address=Address("model", model, project_address),
                        kind=self.name,
                        attrs=self._desired_attrs(entry),
                        refs=(
                            project_address,
                            Address("model", model),
                            *_pool_refs(entry),
                            *_tool_refs(project_address, entry),
                        ),
                        identity={"project": project["key"], "model": model},
                        source=manifest.mark(("projects", p_index, "models", m_index)),
                    )
                )
        return resources

    @staticmethod
    def _desired_attrs(entry: dict[str, Any]) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        if "default" in entry:
            attrs["default"] = bool(entry["default"])
        if "online" in entry:
            attrs["online"] = bool(entry["online"])
        if "placement" in entry:
            attrs["placement"] = placement_attr(entry["placement"])
        if "speculative_decoding" in entry:
            attrs["speculative_decoding"] = {
                "num_draft_steps": entry["speculative_decoding"]["num_draft_steps"]
            }
        if "name" in entry:
            attrs["name"] = entry["name"]
        if "tool_providers" in entry:
            attrs["tool_providers"] = sorted({str(key) for key in entry["tool_providers"] or []})
        if "system_prompt_template" in entry:
            attrs["system_prompt_template"] = str(entry["system_prompt_template"]).lower()
        return attrs

    def from_live(self, data: LiveData) -> list[Resource]:
        pools = {pool["id"]: pool["key"] for pool in data.first.get(COMPUTE_POOLS) or []}
        projects = live_projects(data.first)
        bindings: dict[str, set[str]] = {
            model["key"]: {p["key"] for p in model.get("projects") or []}
            for model in data.first.get(MODELS_ALIAS) or []
        }
        for project in projects:
            for service in project.get("modelServices") or []:
                bindings.setdefault(service["model"]["key"], set()).add(project["key"])
        resources = []
        for project in projects:
            project_address = Address("project", project["key"])
            for service in project.get("modelServices") or []:
                model = service["model"]
                tools = sorted({tool["key"] for tool in service.get("toolProviders") or []})
                resources.append(
                    Resource(
                        address=Address("model", model["key"], project_address),
                        kind=self.name,
                        attrs={
                            "default": service.get("isDefault"),
                            "online": service.get("desiredOnline"),
                            "placement": placement_attr(service.get("placement"), pools),
                            "name": service.get("name"),
                            "tool_providers": tools,
                            "system_prompt_template": _template_id(service),
                        },
                        refs=tuple(project_address.child("tool_provider", key) for key in tools),
                        identity={
                            "project": project["key"],
                            "model": model["key"],
                            "id": service.get("id"),
                            "status": service.get("status"),
                            "published": bool(model.get("isPublished")),
                            "model_name": model.get("name"),
                            "bound_elsewhere": _bound_elsewhere(bindings[model["key"]], project["key"]),
                            "ab_tests": _running_tests(service),
                        },
                    )
                )
        return resources

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        project, model = desired.identity["project"], desired.identity["model"]
        attrs = desired.attrs
        online = attrs.get("online", True)
        steps = [
            step(
                "attach",
                ADD_MODELS_TO_PROJECT,
                {"input": {"project": project, "models": [model]}},
                f"bind model {model} to project {project}",
            ),
            step(
                "deploy",
                DEPLOY_MODEL,
                {
                    "input": {
                        "project": project,
                        "model": model,
                        "placement": placement_input(attrs.get("placement")),
                        "wait": False,
                        "speculativeDecoding": _speculative_input(attrs),
                    }
                },
                f"deploy model {model} in project {project}",
                poll=_status_poll(project, model) if online else None,
            ),
        ]
        follow_up: dict[str, Any] = {}
        if "default" in attrs:  # the server makes the first deployed model the default
            follow_up["isDefault"] = attrs["default"]
        if not online:
            follow_up["desiredOnline"] = False
        for attr in FOLLOW_UP:
            if attr in attrs:
                follow_up[UPDATE_FIELDS[attr]] = attrs[attr]
        if follow_up:
            steps.append(
                self._update_step(
                    project, model, follow_up, verb="update(is_default)" if "default" in attrs else "update"
                )
            )
        return tuple(steps)

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        project, model = actual.identity["project"], actual.identity["model"]
        paths = {change.path.split(".")[0] for change in changes}
        fields: dict[str, Any] = {}
        for attr, field in UPDATE_FIELDS.items():
            if attr in paths and attr in desired.attrs:
                value = desired.attrs[attr]
                fields[field] = placement_input(value) if attr == "placement" else value
        speculative = _speculative_input(desired.attrs)
        if speculative is not None and (fields or "speculative_decoding" in paths):
            fields["speculativeDecoding"] = speculative
        if not fields:
            return ()
        turning_on = fields.get("desiredOnline") is True
        return (
            self._update_step(
                project, model, fields, poll=_status_poll(project, model) if turning_on else None
            ),
        )

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        project, model = actual.identity["project"], actual.identity["model"]
        return (
            step(
                "detach",
                REMOVE_MODEL_FROM_PROJECT,
                {"input": {"project": project, "model": model}},
                f"remove model {model} from project {project}",
            ),
        )

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        if actual is None:
            return []
        lines = _ab_test_warnings(desired, actual)
        if desired is not None:
            return lines
        identity = actual.identity
        if identity.get("published") or identity.get("bound_elsewhere"):
            return lines
        model = identity["model"]
        return [
            f"detach deletes model {model} from storage: it is bound to no other project and not published "
            f"(keep it bound elsewhere or publish it to keep it)",
            *lines,
        ]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """``default`` only when true and ``online`` only when false (the defaults otherwise);
        ``placement`` when the service has pools; ``name`` when it is not the model's name;
        ``tool_providers`` when any are bound; ``system_prompt_template`` when one is set;
        ``speculative_decoding`` is write-only and optional, so it is left out."""
        attrs = resource.attrs
        entry: dict[str, Any] = {"model": resource.address.key}
        if attrs.get("default"):
            entry["default"] = True
        if attrs.get("online") is False:
            entry["online"] = False
        placement = attrs.get("placement")
        if placement and placement.get("compute_pools"):
            entry["placement"] = {"compute_pools": list(placement["compute_pools"])}
            if placement.get("max_ttft_ms") is not None:
                entry["placement"]["max_ttft_ms"] = placement["max_ttft_ms"]
        if attrs.get("name") not in (None, resource.identity.get("model_name")):
            entry["name"] = attrs["name"]
        if attrs.get("tool_providers"):
            entry["tool_providers"] = list(attrs["tool_providers"])
        if attrs.get("system_prompt_template"):
            entry["system_prompt_template"] = attrs["system_prompt_template"]
        return entry

    @staticmethod
    def _update_step(
        project: str, model: str, fields: dict[str, Any], *, verb: str = "update", poll: Poll | None = None
    ) -> StepSpec:
        changed = ", ".join(sorted(fields))
        return step(
            verb,
            UPDATE_MODEL_SERVICE,
            {"input": {"project": project, "modelService": model, **fields}},
            f"update model service {model} in project {project} ({changed})",
            poll=poll,
        )


def _running_tests(service: dict[str, Any]) -> list[str]:
    """``KEY (N% of traffic)`` for each running AB test that routes to this model service."""
    tests = []
    for test in service.get("abCampaigns") or []:
        split = test.get("trafficSplit")
        share = f" ({float(split) * 100:g}% of traffic)" if isinstance(split, int | float) else ""
        tests.append(f"{test.get('key')}{share}")
    return sorted(tests)


def _ab_test_warnings(desired: Resource | None, actual: Resource) -> list[str]:
    """Detaching, or turning off, a model a running AB test routes traffic to."""
    tests = actual.identity.get("ab_tests") or []
    if not tests:
        return []
    model, project = actual.identity["model"], actual.identity["project"]
    if desired is None:
        doing = "detaching"
    elif desired.attrs.get("online") is False and actual.attrs.get("online") is not False:
        doing = "turning off"
    else:
        return []
    return [
        f"{doing} model {model} of project {project} leaves running AB tests without it: "
        f"{', '.join(tests)}; cancel them first (remove them under prune) or keep the model serving"
    ]
