"""Every GraphQL document the kinds can emit validates against the emulator's SDL
(``adaptive_plan/emulator/schema.graphql``), and so do the variables their steps send (coerced
against the operation's variable definitions, so a misspelt input field fails): every declared
``Operation``, create/update/delete steps with their probes and polls, and the live reader's
documents (request 1, and request 2's bounded per-scope documents).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import graphql
import pytest
from graphql.execution.values import get_variable_values

import adaptive_plan.kinds
from adaptive_plan.api import batch
from adaptive_plan.kinds import KINDS, KINDS_BY_NAME
from adaptive_plan.kinds import _grader_config as grader_config
from adaptive_plan.kinds.base import Kind, Operation, StepSpec
from adaptive_plan.live.batch import first_document, scoped_documents
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.secrets import Sensitive, resolve_secrets, secret_token

SDL = Path(adaptive_plan.kinds.__file__).resolve().parents[1] / "emulator" / "schema.graphql"
# the kinds whose every step is built from DOCUMENT below
TOP = [KINDS_BY_NAME[name] for name in ("team", "role", "user", "model", "project", "share", "integration")]
TOP.append(KINDS_BY_NAME["compute_pool"])
ENV = {"TOKEN": "t0ken-value"}
SECRET = Sensitive(secret_token("TOKEN"))

DOCUMENT = {
    "teams": [{"key": "ml", "name": "ML"}],
    "roles": [{"key": "reviewer", "name": "Reviewer", "permissions": ["project:read"]}],
    "users": [
        {"email": "a@example.com", "name": "Ann", "teams": [{"team": "ml", "role": "reviewer"}]},
        {"name": "svc", "service_account": True, "teams": [{"team": "ml", "role": "reviewer"}]},
    ],
    "models": [
        {
            "key": "gpt-4o-judge",
            "published": True,
            "external": {
                "provider": "open_ai",
                "external_model_id": "gpt-4o",
                "api_key": SECRET,
                "extra_params": {},
            },
        },
        {
            "key": "qwen",
            "stable": True,
            "compute_config": {"tp": 2},
            "huggingface": {"model_id": "Qwen/Qwen3-8B", "hf_token": SECRET, "compute_pool": "a100-pool"},
        },
    ],
    "projects": [
        {
            "key": "bot",
            "name": "Bot",
            "description": "d",
            "team": "ml",
            "shares": [{"team": "ml", "role": "admin"}],
        }
    ],
    "integrations": [
        {
            "team": "ml",
            "name": "s",
            "provider": "slack",
            "connection": {"webhook_url": SECRET, "bot_token": SECRET},
        },
        {
            "team": "ml",
            "name": "m",
            "provider": "smtp",
            "enabled": False,
            "delivery_policy": "multishot",
            "subscriptions": [{"topic_pattern": "job.*", "scope": "team", "target_filter": {"a": 1}}],
            "connection": {"host": "h", "port": 25, "username": "u", "from_email": "f@x", "password": SECRET},
        },
        {
            "team": "ml",
            "name": "w",
            "provider": "webhook",
            "connection": {"url": "https://x", "method": "POST"},
        },
        {"team": "ml", "name": "g", "provider": "github", "connection": {"api_token": SECRET, "org": "o"}},
    ],
    "compute_pools": [{"key": "a100-pool", "inference_partition_size": 2}],
}


@pytest.fixture(scope="module")
def schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(SDL.read_text())


def _check(schema: graphql.GraphQLSchema, document: str, variables: dict | None = None) -> None:
    tree = graphql.parse(document)
    errors = graphql.validate(schema, tree)
    assert not errors, f"{[error.message for error in errors]}\n{document}"
    if variables is None:
        return
    [operation] = [d for d in tree.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), resolve_secrets(variables, ENV)
    )
    assert not isinstance(coerced, list), f"{[error.message for error in coerced]}\n{variables}"


def _operations() -> list[tuple[str, Operation]]:
    found: dict[int, tuple[str, Operation]] = {}
    for info in pkgutil.iter_modules(adaptive_plan.kinds.__path__):
        module = importlib.import_module(f"adaptive_plan.kinds.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, Operation):
                found.setdefault(id(value), (f"{info.name}.{name}", value))
    return list(found.values())


@pytest.mark.parametrize(("name", "document"), _operations(), ids=lambda value: value)
def test_step_documents_validate(schema, name: str, document: str) -> None:
    _check(schema, document)


def test_live_reader_documents_validate(schema) -> None:
    _check(schema, first_document(TOP))
    _check(schema, first_document(KINDS))
    keys = {"project": ["bot", 'we"ird', *(f"p{i}" for i in range(300))], "team": ["default", "ml"]}
    documents = scoped_documents(KINDS, keys)
    assert len(documents) > 1, "300 projects: more than one bounded document"
    for document in documents:
        _check(schema, document.text)


def _every_step(kind_name: str) -> list[StepSpec]:
    kind = KINDS_BY_NAME[kind_name]
    steps: list[StepSpec] = []
    for wanted in kind.desired(Manifest(document=DOCUMENT)):
        steps += kind.create_steps(wanted)
        actual = Resource(wanted.address, wanted.kind, _different(wanted.attrs), identity=_identity(wanted))
        steps += kind.update_steps(wanted, actual, kind.compare(wanted, actual))
        steps += kind.delete_steps(actual)
    return steps


def _different(attrs: dict) -> dict:
    flipped = {}
    for name, value in attrs.items():
        if isinstance(value, bool):
            flipped[name] = not value
        elif isinstance(value, dict):
            flipped[name] = {key: None for key in value}
        else:
            flipped[name] = None
    flipped["archived"] = True
    return flipped


def _identity(wanted: Resource) -> dict:
    return {
        **wanted.identity,
        "id": "00000000-0000-0000-0000-000000000001",
        "owner": {"team": "default", "role": "admin"},
    }


@pytest.mark.parametrize("kind_name", [kind.name for kind in TOP], ids=str)
def test_every_step_and_its_variables_validate(schema, kind_name: str) -> None:
    steps = _every_step(kind_name)
    assert steps, f"{kind_name}: no steps built"
    for step in steps:
        _check(schema, step.document, step.variables)
        for extra in (step.probe, step.poll):
            if isinstance(extra, Poll):
                _check(schema, extra.document, extra.variables)
        if batch.template(step.document) is not None:  # as apply batches it: three calls in one
            _name, merged, variables = batch.merge(step.document, [step.variables] * 3)
            _check(schema, merged, variables)


def test_every_mutation_a_kind_declares_can_be_batched() -> None:
    """Each mutation's document is one the batch can hold (no fragment spreads, no ``$`` in a
    string), so apply never falls back to one request per call for a reason of form."""
    mutations = [(name, op) for name, op in _operations() if str(op).lstrip().startswith("mutation")]
    assert mutations
    assert [name for name, op in mutations if batch.template(op) is None] == []


@pytest.mark.parametrize(
    "kind",
    [kind for kind in KINDS if kind.scoped_query and kind.live_scope == "project"],
    ids=lambda kind: kind.name,
)
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
        *DEPLOYMENT.create_steps(dep),
        *DEPLOYMENT.update_steps(dep, dep, [AttrChange("online", False, True)]),
        *DEPLOYMENT.delete_steps(dep),
        *GRADER.create_steps(judge),
        *GRADER.update_steps(judge, judge, [AttrChange("judge.criteria"), AttrChange("metric.name")]),
        *GRADER.delete_steps(judge),
    ]
    return steps


DEPLOYMENT, GRADER = KINDS_BY_NAME["deployment"], KINDS_BY_NAME["grader"]


def test_step_polls_and_probes_validate(schema) -> None:
    steps = _steps_of_every_path()
    assert any(step.poll for step in steps) and any(step.probe for step in steps)
    for step in steps:
        _check(schema, step.document)
        for extra in (step.poll, step.probe):
            if extra is not None:
                _check(schema, extra.document)


def test_grader_config_selection_is_used_by_the_scoped_query() -> None:
    assert grader_config.LIVE_SELECTION in GRADER.scoped_query
