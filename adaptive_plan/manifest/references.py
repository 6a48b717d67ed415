"""Reference checks against the manifest itself (offline).

A reference to something the manifests do not declare is not an error here: it
may be built in (team ``default``, roles ``admin``/``editor``/``read-only``, base
models) or made by hand. It is a *warning* saying it must already exist live; with a
close match (probably a typo) it is shown on its own with the suggestion, otherwise it is
coded ``UNCHECKED_REFERENCE`` and ``validate`` folds all of those into one line (listed
with ``--verbose``); ``plan`` checks them against live state. Suggestions come from an
index (``model.suggest``), so N references to N undeclared keys cost about N, not N².

References: a project's team; a share's team and role; a user's team and role;
an integration's team; a deployment's model; a judge's or prebuilt grader's model;
a grader's metric (by key, within its project); a deployment's tool providers (by key,
within its project).

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adaptive_plan.kinds._shared import BUILT_IN_ROLES, BUILT_IN_TEAMS
from adaptive_plan.manifest.diagnostics import Collector
from adaptive_plan.manifest.yaml_loader import Path
from adaptive_plan.model.errors import UNCHECKED_REFERENCE
from adaptive_plan.model.suggest import Suggester

BUILT_IN = {"team": BUILT_IN_TEAMS, "role": BUILT_IN_ROLES, "model": frozenset()}


def _keys(document: dict[str, Any], section: str) -> set[str]:
    return {
        i["key"] for i in document.get(section) or [] if isinstance(i, dict) and isinstance(i.get("key"), str)
    }


def check_references(document: dict[str, Any], collector: Collector) -> None:
    declared = {
        "team": _keys(document, "teams"),
        "role": _keys(document, "roles"),
        "model": _keys(document, "models"),
    }
    suggesters = {kind: Suggester(keys | BUILT_IN[kind]) for kind, keys in declared.items()}
    messages: dict[tuple[str, str], tuple[str, str]] = {}  # the same missing key tends to repeat
    for kind, value, path in _references(document):
        if not isinstance(value, str) or value in declared[kind] or value in BUILT_IN[kind]:
            continue  # built-ins ship with every instance: nothing to warn about
        if (kind, value) not in messages:
            hint = suggesters[kind].hint(value)
            message = f"{kind} {value!r} is not declared in the manifests; it must already exist live{hint}"
            # a close match is probably a typo: shown on its own; the rest validate cannot check
            # offline and folds into one line (plan checks them against live state)
            messages[(kind, value)] = (message, "" if hint else UNCHECKED_REFERENCE)
        message, code = messages[(kind, value)]
        collector.at(path, message, severity="warning", code=code, subject=f"{kind} {value}")
    for index, project in enumerate(document.get("projects") or []):
        if isinstance(project, dict):
            _metric_references(project, ("projects", index), collector)
            _tool_provider_references(project, ("projects", index), collector)
            _settings_references(project, ("projects", index), collector)


def _references(document: dict[str, Any]) -> Iterator[tuple[str, Any, Path]]:
    """(kind, referenced key, path of the reference) for every team/role/model reference."""
    for index, user in _entries(document.get("users")):
        for m_index, membership in _entries(user.get("teams")):
            yield "team", membership.get("team"), ("users", index, "teams", m_index, "team")
            yield "role", membership.get("role"), ("users", index, "teams", m_index, "role")
    for index, integration in _entries(document.get("integrations")):
        yield "team", integration.get("team"), ("integrations", index, "team")
    for index, project in _entries(document.get("projects")):
        base: Path = ("projects", index)
        if "team" in project:
            yield "team", project["team"], (*base, "team")
        for s_index, share in _entries(project.get("shares")):
            yield "team", share.get("team"), (*base, "shares", s_index, "team")
            yield "role", share.get("role"), (*base, "shares", s_index, "role")
        for d_index, deployment in _entries(project.get("models")):
            yield "model", deployment.get("model"), (*base, "models", d_index, "model")
        for g_index, grader in _entries(project.get("graders")):
            for variant in ("judge", "prebuilt"):
                config = grader.get(variant)
                if isinstance(config, dict) and "model" in config:
                    yield "model", config["model"], (*base, "graders", g_index, variant, "model")


def _entries(items: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _metric_references(project: dict[str, Any], base: Path, collector: Collector) -> None:
    metrics = {m["key"] for _, m in _entries(project.get("metrics")) if isinstance(m.get("key"), str)}
    for index, grader in _entries(project.get("graders")):
        metric = grader.get("metric")
        if isinstance(metric, str) and metric not in metrics:
            _missing_metric((*base, "graders", index, "metric"), metric, metrics, collector)


def _missing_metric(where: Path, metric: str, metrics: set[str], collector: Collector) -> None:
    hint = Suggester(metrics).hint(metric)  # a project's few metrics: difflib on all of them
    message = f"metric {metric!r} is not declared in this project's metrics; it must already exist live{hint}"
    code = "" if hint else UNCHECKED_REFERENCE
    collector.at(where, message, severity="warning", code=code, subject=f"metric {metric}")


def _settings_references(project: dict[str, Any], base: Path, collector: Collector) -> None:
    """A project's default metric and widget metrics: its metrics, or those its graders make."""
    settings = project.get("settings")
    if not isinstance(settings, dict):
        return
    known = {m["key"] for _, m in _entries(project.get("metrics")) if isinstance(m.get("key"), str)}
    for _, grader in _entries(project.get("graders")):
        metric = grader.get("metric")
        made = metric if isinstance(metric, str) else metric.get("key") if isinstance(metric, dict) else None
        key = grader.get("key") if made is None else made  # a grader's metric defaults to its key
        if isinstance(key, str):
            known.add(key)
    named: list[tuple[Any, Path]] = [(settings.get("default_metric"), (*base, "settings", "default_metric"))]
    for index, widget in _entries(settings.get("widgets")):
        named.append((widget.get("metric"), (*base, "settings", "widgets", index, "metric")))
    for metric, path in named:
        if isinstance(metric, str) and metric not in known:
            _missing_metric(path, metric, known, collector)


def _tool_provider_references(project: dict[str, Any], base: Path, collector: Collector) -> None:
    declared = {t["key"] for _, t in _entries(project.get("tool_providers")) if isinstance(t.get("key"), str)}
    for index, deployment in _entries(project.get("models")):
        keys = deployment.get("tool_providers")
        for t_index, key in enumerate(keys if isinstance(keys, list) else []):
            if isinstance(key, str) and key not in declared:
                hint = Suggester(declared).hint(key)
                message = (
                    f"tool provider {key!r} is not declared in this project's tool_providers; "
                    f"it must already exist live{hint}"
                )
                collector.at(
                    (*base, "models", index, "tool_providers", t_index), message, severity="warning",
                    code="" if hint else UNCHECKED_REFERENCE, subject=f"tool_provider {key}",
                )
