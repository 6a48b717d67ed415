"""Every combination of a grader's lock state before and after, with and without an edit, plans
and applies in one run through the real CLI, and the next plan is empty (issue 10 item 3).

The grader is made out of band with the official SDK (``binary_judge``, then ``graders.lock``
when it starts locked); the manifest then declares ``locked`` absent, false or true, and edits
nothing, the criteria, the name or the grader's metric name. The table is exhaustive (2 x 3 x 4
cases): small enough to run every case rather than sample them.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from _e2e import Cli, mutations

JUDGE = "llama-3.3-70b-instruct"
CRITERIA = "The reply is polite."
EDITS = ("none", "criteria", "name", "metric-name")
BEFORE = (False, True)
AFTER = (None, False, True)  # None: `locked` not declared (unmanaged: stays as it is)


@pytest.fixture(scope="module")
def project(sdk: Any) -> str:
    import uuid

    key = f"locks-{uuid.uuid4().hex[:8]}"
    sdk.projects.create(key=key, name=key)
    return key


def _manifest(project: str, key: str, after: bool | None, edit: str) -> str:
    criteria = "The reply is very polite." if edit == "criteria" else CRITERIA
    lines = [
        "projects:",
        f"  - key: {project}",
        "    graders:",
        f"      - key: {key}",
        f"        name: {'Renamed' if edit == 'name' else key}",
    ]
    if after is not None:
        lines.append(f"        locked: {str(after).lower()}")
    if edit == "metric-name":
        lines.append(f"        metric: {{key: {key}, name: Renamed metric, kind: bool}}")
    lines.append(f"        judge: {{model: {JUDGE}, criteria: {criteria!r}}}")
    return "\n".join(lines) + "\n"


def _live(sdk: Any, project: str, key: str) -> Any:
    return next(g for g in sdk.graders.list(project=project) if g.key == key)


@pytest.mark.parametrize(
    ("before", "after", "edit"),
    list(itertools.product(BEFORE, AFTER, EDITS)),
    ids=lambda value: {None: "undeclared", False: "unlocked", True: "locked"}.get(value, value),
)
def test_lock_state_and_edit_apply_in_one_run(
    cli: Cli, sdk: Any, project: str, before: bool, after: bool | None, edit: str
) -> None:
    key = f"g-{cli.sfx}"
    sdk.graders.create.binary_judge(key=key, criteria=CRITERIA, judge_model=JUDGE, project=project)
    if before:
        sdk.graders.lock(grader_key=key, locked=True, project=project)
    cli.write(_manifest(project, key, after, edit))

    applied = cli.apply()
    assert applied.exit_code == 0, applied
    final = before if after is None else after
    locks = final != before or (before and edit != "none")
    expected_ops = {"LockGrader"} if locks else set()
    expected_ops |= {"criteria": {"UpdateGrader"}, "name": {"UpdateGrader"}}.get(edit, set())
    expected_ops |= {"UpdateMetric"} if edit == "metric-name" else set()
    assert set(mutations(applied)) == expected_ops, applied
    cli.assert_no_changes()

    live = _live(sdk, project, key)
    assert live.locked is final
    assert (live.name == "Renamed") is (edit == "name")
    assert (live.metric.name == "Renamed metric") is (edit == "metric-name")
    config = live.grader_config
    assert config.judge_criteria == ("The reply is very polite." if edit == "criteria" else CRITERIA)
