"""Rules JSON Schema cannot express: unique keys across files, one default model per
project, one role per team for a user, a grader metric that clashes with a declared one,
what a model entry may hold (at most one of external / huggingface; a settings entry,
with neither, takes no name).

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.manifest.addresses import iter_declared
from adaptive_plan.manifest.diagnostics import Collector
from adaptive_plan.manifest.yaml_loader import Path


def check_rules(document: dict[str, Any], collector: Collector) -> None:
    check_duplicates(document, collector)
    for index, project in enumerate(document.get("projects") or []):
        if isinstance(project, dict):
            _one_default(project, ("projects", index), collector)
            _grader_metrics(project, ("projects", index), collector)
    for index, user in enumerate(document.get("users") or []):
        if isinstance(user, dict):
            _one_role_per_team(user, ("users", index), collector)
    for index, model in enumerate(document.get("models") or []):
        if isinstance(model, dict):
            _model_shape(model, ("models", index), collector)


def check_duplicates(document: dict[str, Any], collector: Collector) -> None:
    """The same address declared twice, within or across files: an error naming both places."""
    seen: dict[str, Path] = {}
    for kind, address, path, item in iter_declared(document):
        if "[" in address.rsplit("/", 1)[-1].split(".", 1)[0]:
            continue  # unkeyed entry: the schema reports the missing key
        field = kind.identity_field(item)
        if address in seen:
            first = collector.marks.value((*seen[address], field)) or collector.marks.value(seen[address])
            collector.at((*path, field), f"declared twice (first at {first})")
        else:
            seen[address] = path


def _one_default(project: dict[str, Any], path: Path, collector: Collector) -> None:
    first: Path | None = None
    for index, deployment in enumerate(project.get("models") or []):
        if isinstance(deployment, dict) and deployment.get("default") is True:
            here: Path = (*path, "models", index, "default")
            if first is None:
                first = here
            else:
                where = collector.marks.value(first)
                collector.at(here, f"a project has one default model; another is marked default at {where}")


def _grader_metrics(project: dict[str, Any], path: Path, collector: Collector) -> None:
    """Each grader creates its own metric (``GraderCreateInput.metric`` is a ``MetricCreate``):
    its key, whether named, inline or the grader's own key by default, must be unique among the
    project's graders, and an inline or default one must not be a declared project metric."""
    declared = {m.get("key"): i for i, m in enumerate(project.get("metrics") or []) if isinstance(m, dict)}
    scored: dict[str, Path] = {}
    for index, grader in enumerate(project.get("graders") or []):
        if not isinstance(grader, dict):
            continue
        metric, here = grader.get("metric"), (*path, "graders", index)
        key, where = _grader_metric_key(grader, here)
        if key is None:
            continue
        if key in scored:
            first = collector.marks.value(scored[key]) or collector.marks.value(scored[key][:-1])
            collector.at(where, f"metric {key!r} is already the metric of another grader (at {first}); "
                         "each grader creates a metric of its own")
        elif not isinstance(metric, str) and key in declared:
            first = collector.marks.value((*path, "metrics", declared[key], "key"))
            collector.at(where, f"metric {key!r} is also declared in this project's metrics at {first}; "
                         f"write `metric: {key}` to score into it")
        scored.setdefault(key, where)


def _grader_metric_key(grader: dict[str, Any], here: Path) -> tuple[str | None, Path]:
    """The key of the metric a grader creates, and where it is written (else the grader's key)."""
    metric = grader.get("metric")
    if isinstance(metric, str):
        return metric, (*here, "metric")
    if isinstance(metric, dict) and isinstance(metric.get("key"), str):
        return metric["key"], (*here, "metric", "key")
    key = grader.get("key")
    return (key, (*here, "key")) if isinstance(key, str) else (None, here)


def _one_role_per_team(user: dict[str, Any], path: Path, collector: Collector) -> None:
    seen: dict[str, int] = {}
    for index, membership in enumerate(user.get("teams") or []):
        team = membership.get("team") if isinstance(membership, dict) else None
        if not isinstance(team, str):
            continue
        if team in seen:
            first = collector.marks.value((*path, "teams", seen[team], "team"))
            collector.at(
                (*path, "teams", index, "team"),
                f"team {team!r} is listed twice (first at {first}); a user holds one role per team",
            )
        else:
            seen[team] = index


def _model_shape(model: dict[str, Any], path: Path, collector: Collector) -> None:
    sources = [name for name in ("external", "huggingface") if name in model]
    if len(sources) > 1:
        collector.at((*path, "huggingface"), "only one of external, huggingface may be set; found both")
    elif not sources and "name" in model:
        collector.at(
            (*path, "name"),
            "this entry creates no model (it has neither external nor huggingface), so it only manages an "
            "existing model's settings, and the API cannot rename a model: remove name",
        )
