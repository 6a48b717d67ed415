"""Every GraphQL document the deployment, metric, grader and recipe kinds can emit validates
against the emulator's SDL (``adaptive_plan/emulator/schema.graphql``): the steps' documents,
their probes and polls, and the live queries (request 1 fields and the per-project request 2
fields) wrapped the way the live reader sends them.
"""

from __future__ import annotations

import json
from pathlib import Path

import graphql
import pytest

from adaptive_plan.kinds import _grader_config as grader_config
from adaptive_plan.kinds import deployment, grader, metric, recipe
from adaptive_plan.kinds.base import Kind
from adaptive_plan.model.address import Address
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource

SDL = Path(deployment.__file__).resolve().parents[1] / "emulator" / "schema.graphql"
KINDS: tuple[Kind, ...] = (
    deployment.DeploymentKind(),
    metric.MetricKind(),
    grader.GraderKind(),
    recipe.RecipeKind(),
)


@pytest.fixture(scope="module")
def schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(SDL.read_text())


def _check(schema: graphql.GraphQLSchema, document: str) -> None:
    errors = graphql.validate(schema, graphql.parse(document))
    assert not errors, f"{[error.message for error in errors]}\n{document}"


def _module_documents() -> list[tuple[str, str]]:
    found = []
    for module in (deployment, metric, grader, recipe):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str) and value.lstrip().startswith(("query", "mutation")):
                found.append((f"{module.__name__.rsplit('.', 1)[1]}.{name}", value))
    return found


@pytest.mark.parametrize(("name", "document"), _module_documents(), ids=lambda value: value)
def test_step_documents_validate(schema, name: str, document: str) -> None:
    _check(schema, document)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.live_query], ids=lambda kind: kind.name)
def test_live_query_validates(schema, kind: Kind) -> None:
    _check(schema, f"query LiveState {{\n{kind.live_query}\n}}")


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.scoped_query], ids=lambda kind: kind.name)
def test_scoped_query_validates_per_project(schema, kind: Kind) -> None:
    fields = "\n".join(
        f"p{index}__{kind.name}: {kind.scoped_query.replace('$KEY', json.dumps(key))}"
        for index, key in enumerate(["support-bot", 'odd "key"'])
    )
    _check(schema, f"query LiveScoped {{\n{fields}\n}}")


def _steps_of_every_path() -> list:
    """Steps from create/update/delete of representative resources (covers polls and probes)."""
    project = Address("project", "p")
    dep = Resource(
        Address("model", "m", project),
        "deployment",
        {"default": True, "online": True, "placement": {"compute_pools": ["a"], "max_ttft_ms": 5}},
        identity={"project": "p", "model": "m"},
    )
    judge = Resource(
        project.child("grader", "g"),
        "grader",
        {"type": "judge", "judge.model": "m", "judge.criteria": "c", "locked": True, "metric.name": "x"},
        identity={"project": "p", "key": "g"},
    )
    steps = [
        *KINDS[0].create_steps(dep),
        *KINDS[0].update_steps(dep, dep, [AttrChange("online", False, True)]),
        *KINDS[0].delete_steps(dep),
        *KINDS[2].create_steps(judge),
        *KINDS[2].update_steps(judge, judge, [AttrChange("judge.criteria"), AttrChange("metric.name")]),
        *KINDS[2].delete_steps(judge),
    ]
    return steps


def test_step_polls_and_probes_validate(schema) -> None:
    steps = _steps_of_every_path()
    assert any(step.poll for step in steps) and any(step.probe for step in steps)
    for step in steps:
        _check(schema, step.document)
        for extra in (step.poll, step.probe):
            if extra is not None:
                _check(schema, extra.document)


def test_grader_config_selection_is_used_by_the_scoped_query() -> None:
    assert grader_config.LIVE_SELECTION in KINDS[2].scoped_query
