"""The baselines for ``bench_plan_apply.py``: what a user writes without adaptive-plan.

Reads the same manifest tree with PyYAML and, with the official SDK (``adaptive-sdk``), one call
at a time, creates what is missing. Two styles, both reported:

``--style list`` (the natural script): list each kind once and create what the lists lack:
``teams.list()`` and ``projects.list()`` (which carries each project's metrics and model
services); for a project that already existed, ``graders.list`` and ``recipes.list`` of that
project (a project just created has nothing to list); then the creates.

``--style get``: one lookup per object before its create (``projects.get``, ``feedback.get_key``,
``graders.get``, ``recipes.get``), as a script written object by object does.

Either way a deployment is attached (add, deploy, make default) when the project's services
lack it. Run in its own process so its wall time and peak memory are its own; prints
``created N``.

    python benchmarks/_sdk_script.py MANIFEST_DIR --url URL --api-key KEY [--style list|get]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from adaptive_sdk import Adaptive
from adaptive_sdk.error_handling import AdaptiveEntityNotFoundError


def _load(root: Path) -> tuple[list[dict], list[tuple[Path, dict]]]:
    teams: list[dict] = []
    projects: list[tuple[Path, dict]] = []
    for path in sorted(root.rglob("*.yaml")):
        document = yaml.safe_load(path.read_text()) or {}
        teams += document.get("teams", [])
        projects += [(path.parent, project) for project in document.get("projects", [])]
    return teams, projects


def _grader_exists(client: Adaptive, project: str, key: str) -> bool:
    try:  # the API's ``grader`` field is non-null: a missing grader is a GraphQL error
        return client.graders.get(grader_key=key, project=project) is not None
    except AdaptiveEntityNotFoundError:
        return False


class _Live:
    """What exists, for one project: the keys of its metrics, graders, recipes and deployed models."""

    def __init__(self, metrics=(), graders=(), recipes=(), models=()) -> None:
        self.metrics, self.graders = set(metrics), set(graders)
        self.recipes, self.models = set(recipes), set(models)


def _listed(client: Adaptive, project) -> _Live:
    return _Live(
        (m.metric.key for m in project.metrics),
        (g.key for g in client.graders.list(project=project.key)),
        (r.key for r in client.recipes.list(project=project.key)),
        (s.model.key for s in project.model_services),
    )


def _looked_up(client: Adaptive, key: str, spec: dict, project) -> _Live:
    """One lookup per declared object (the project was just got, or created)."""
    return _Live(
        (m["key"] for m in spec.get("metrics", []) if client.feedback.get_key(key, m["key"]) is not None),
        (g["key"] for g in spec.get("graders", []) if _grader_exists(client, key, g["key"])),
        (r["key"] for r in spec.get("recipes", []) if client.recipes.get(r["key"], project=key) is not None),
        (s.model.key for s in project.model_services),
    )


def _create_missing(client: Adaptive, base: Path, spec: dict, live: _Live) -> int:
    key, created = spec["key"], 0
    client.set_default_project(key)  # models.attach(make_default=True) forgets its project argument
    for metric in spec.get("metrics", []):
        if metric["key"] not in live.metrics:
            client.feedback.register_key(
                key, metric["key"], metric["kind"], metric["scoring"],
                name=metric.get("name"), description=metric.get("description"),
            )
            created += 1
    for grader in spec.get("graders", []):
        if grader["key"] not in live.graders:
            judge = grader["judge"]
            client.graders.create.binary_judge(
                key=grader["key"], criteria=judge["criteria"], judge_model=judge["model"],
                name=grader.get("name"), project=key,
            )
            created += 1
    for recipe in spec.get("recipes", []):
        if recipe["key"] not in live.recipes:
            client.recipes.upload(str(base / recipe["path"]), recipe_key=recipe["key"], project=key)
            created += 1
    for deployment in spec.get("models", []):
        if deployment["model"] not in live.models:
            default = bool(deployment.get("default"))
            client.models.attach(deployment["model"], make_default=default, project=key)
            created += 1
    return created


def _create_project(client: Adaptive, spec: dict):
    return client.projects.create(spec["key"], spec.get("name"), spec.get("description"), spec.get("team"))


def run(root: Path, url: str, api_key: str, style: str = "list") -> int:
    """Create every missing resource of the tree at ``root``; returns how many were created."""
    client = Adaptive(base_url=url, api_key=api_key)
    teams, projects = _load(root)
    live_teams = {team.key for team in client.teams.list()}
    created = 0
    for team in teams:
        if team["key"] not in live_teams:
            client.teams.create(team["key"], team.get("name"))
            created += 1
    listed = {project.key: project for project in client.projects.list()} if style == "list" else {}
    for base, spec in projects:
        key = spec["key"]
        if style == "list":
            live = _listed(client, listed[key]) if key in listed else None
            if live is None:
                _create_project(client, spec)
                created += 1
                live = _Live()  # just created: nothing to list
        else:
            project = client.projects.get(key)
            if project is None:
                project = _create_project(client, spec)
                created += 1
            live = _looked_up(client, key, spec, project)
        created += _create_missing(client, base, spec, live)
    return created


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--style", choices=("list", "get"), default="list")
    args = parser.parse_args()
    print(f"created {run(args.root, args.url, args.api_key, args.style)}")
