"""Rules for ``projects[].ab_tests`` that JSON Schema cannot express.

- An AB test key is unique across *all* projects (``abCampaign(idOrKey)`` has no project):
  a key declared in two projects is an error naming both places.
- A ``preference`` test compares pairs, so it needs two models or more.
- Offline (``validate`` only; ``plan`` checks live state): each model should be deployed in
  the project (declared under its ``models``) and the metric declared there (a metric, or the
  metric a grader creates); otherwise a warning says it must already exist live.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.kinds._shared import grader_metric_key
from adaptive_plan.manifest.diagnostics import Collector, did_you_mean
from adaptive_plan.manifest.yaml_loader import Path


def check_ab_tests(document: dict[str, Any], collector: Collector, *, offline: bool) -> None:
    seen: dict[str, Path] = {}
    for p_index, project in _items(document.get("projects")):
        deployed = {d.get("model") for _, d in _items(project.get("models"))}
        metrics = _metric_keys(project)
        for t_index, test in _items(project.get("ab_tests")):
            path: Path = ("projects", p_index, "ab_tests", t_index)
            _unique(test, path, seen, collector)
            models = [m for m in test.get("models") or [] if isinstance(m, str)]
            if test.get("feedback_type") == "preference" and len(set(models)) < 2:
                collector.at(
                    (*path, "models"), "a preference AB test compares pairs: it needs two models or more"
                )
            if not offline:
                continue
            for m_index, model in enumerate(test.get("models") or []):
                if isinstance(model, str) and model not in deployed:
                    collector.at(
                        (*path, "models", m_index),
                        f"model {model!r} is not deployed in this project by the manifests; it must already "
                        f"be deployed live{did_you_mean(model, {str(d) for d in deployed})}",
                        severity="warning",
                    )
            metric = test.get("metric")
            if isinstance(metric, str) and metric not in metrics:
                collector.at(
                    (*path, "metric"),
                    f"metric {metric!r} is not declared in this project (as a metric or a grader's); it must "
                    f"already exist live{did_you_mean(metric, metrics)}",
                    severity="warning",
                )


def _unique(test: dict[str, Any], path: Path, seen: dict[str, Path], collector: Collector) -> None:
    key = test.get("key")
    if not isinstance(key, str):
        return
    first = seen.get(key)
    if first is None:
        seen[key] = path
    elif first[:2] != path[:2]:  # within one project, the duplicate check already reports it
        where = collector.marks.value((*first, "key")) or collector.marks.value(first)
        collector.at(
            (*path, "key"), f"AB test keys are unique across projects; {key!r} is also declared at {where}"
        )


def _metric_keys(project: dict[str, Any]) -> set[str]:
    """Project metrics and the metrics its graders create."""
    keys = {str(m.get("key")) for _, m in _items(project.get("metrics"))}
    return keys | {str(grader_metric_key(grader)) for _, grader in _items(project.get("graders"))}


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    return (
        [(i, item) for i, item in enumerate(value or []) if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )
