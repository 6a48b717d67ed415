"""Hand-built plan steps with real GraphQL documents from ADAPTIVE_API.md."""

from __future__ import annotations

from typing import Any

from adaptive_plan.model.plan import Action, Change, Plan, Poll, Step

CREATE_TEAM = "mutation CreateTeam($input: TeamCreate!) { createTeam(input: $input) { id key name } }"
CREATE_PROJECT = (
    "mutation CreateProject($input: ProjectCreate!) { createProject(input: $input) { id key name } }"
)
DESCRIBE_PROJECT = "query DescribeProject($key: IdOrKey!) { project(idOrKey: $key) { id key } }"
ADD_MODELS = (
    "mutation AddModelsToProject($input: AddModelsToProjectInput!) "
    "{ addModelsToProject(input: $input) { success failures { model reason } } }"
)
DEPLOY = (
    "mutation DeployModel($input: DeployModelInput!) "
    "{ deployModel(input: $input) { modelService { id key } warnings } }"
)
SERVICE_STATUS = (
    "query ServiceStatus($project: IdOrKey!, $model: IdOrKey!) "
    "{ project(idOrKey: $project) { modelService(idOrKey: $model) { status } } }"
)
CREATE_RECIPE = (
    "mutation CreateCustomRecipe($project: IdOrKey!, $input: CreateRecipeInput!, $file: Upload!) "
    "{ createCustomRecipe(project: $project, input: $input, file: $file) { id key } }"
)


def step(address: str, n: int, verb: str, document: str, after: tuple[str, ...] = (), **kw: Any) -> Step:
    operation = document.split("(", 1)[0].split()[1]
    return Step(
        id=f"{address}#{n}",
        address=address,
        verb=verb,
        operation=operation,
        document=document,
        after=after,
        **kw,
    )


def team(key: str, name: Any = None, after: tuple[str, ...] = ()) -> Step:
    variables = {"input": {"key": key, "name": key if name is None else name}}
    return step(f"team.{key}", 1, "create", CREATE_TEAM, after, variables=variables, idempotent=False)


def project(key: str, team_key: Any, after: tuple[str, ...] = (), **kw: Any) -> Step:
    variables = {"input": {"key": key, "name": key, "team": team_key}}
    return step(
        f"project.{key}", 1, "create", CREATE_PROJECT, after, variables=variables, idempotent=False, **kw
    )


def deployment(project_key: str, model: str, after: tuple[str, ...], wait: Poll | None) -> list[Step]:
    address = f"project.{project_key}/model.{model}"
    attach = step(
        address,
        1,
        "attach",
        ADD_MODELS,
        after,
        variables={"input": {"project": project_key, "models": [model]}},
    )
    deploy_input = {"project": project_key, "model": model, "placement": None}
    deploy = step(address, 2, "deploy", DEPLOY, (attach.id,), variables={"input": deploy_input}, poll=wait)
    return [attach, deploy]


def online(project_key: str, model: str) -> Poll:
    return Poll(
        SERVICE_STATUS,
        {"project": project_key, "model": model},
        "project.modelService.status",
        ("ONLINE",),
        ("DEGRADED",),
    )


def plan_of(*steps: Step) -> Plan:
    """One change per address, in the order given."""
    by_address: dict[str, list[Step]] = {}
    for item in steps:
        by_address.setdefault(item.address, []).append(item)
    changes = [
        Change(address, address.split(".")[0], Action.CREATE, steps=tuple(s))
        for address, s in by_address.items()
    ]
    return Plan(changes=changes)
