"""The baseline for ``bench_plan_apply.py``: what a user writes without adaptive-plan.

Reads the same manifest tree with PyYAML and, with the official SDK (``adaptive-sdk``), one call
at a time: lists the teams and creates the missing ones, then for every project gets it and
creates it if missing, and the same (get, then create if missing) for each metric, grader and
recipe; a deployment is checked on the project it got and attached (add, deploy, make default)
if missing. Run in its own process so its wall time and peak memory are its own.

    python benchmarks/_sdk_script.py MANIFEST_DIR --url URL --api-key KEY
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


def _sync_project(client: Adaptive, base: Path, spec: dict) -> int:
    key, created = spec["key"], 0
    client.set_default_project(key)  # models.attach(make_default=True) forgets its project argument
    live = client.projects.get(key)
    if live is None:
        live = client.projects.create(key, spec.get("name"), spec.get("description"), spec.get("team"))
        created += 1
    for metric in spec.get("metrics", []):
        if client.feedback.get_key(key, metric["key"]) is None:
            client.feedback.register_key(
                key, metric["key"], metric["kind"], metric["scoring"],
                name=metric.get("name"), description=metric.get("description"),
            )
            created += 1
    for grader in spec.get("graders", []):
        if not _grader_exists(client, key, grader["key"]):
            judge = grader["judge"]
            client.graders.create.binary_judge(
                key=grader["key"], criteria=judge["criteria"], judge_model=judge["model"],
                name=grader.get("name"), project=key,
            )
            created += 1
    for recipe in spec.get("recipes", []):
        if client.recipes.get(recipe["key"], project=key) is None:
            client.recipes.upload(str(base / recipe["path"]), recipe_key=recipe["key"], project=key)
            created += 1
    attached = {service.model.key for service in live.model_services}
    for deployment in spec.get("models", []):
        if deployment["model"] not in attached:
            default = bool(deployment.get("default"))
            client.models.attach(deployment["model"], make_default=default, project=key)
            created += 1
    return created


def run(root: Path, url: str, api_key: str) -> int:
    """Create every missing resource of the tree at ``root``; returns how many were created."""
    client = Adaptive(base_url=url, api_key=api_key)
    teams, projects = _load(root)
    live_teams = {team.key for team in client.teams.list()}
    created = 0
    for team in teams:
        if team["key"] not in live_teams:
            client.teams.create(team["key"], team.get("name"))
            created += 1
    for base, spec in projects:
        created += _sync_project(client, base, spec)
    return created


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    args = parser.parse_args()
    print(f"created {run(args.root, args.url, args.api_key)}")
