"""The kinds' request-1 fragments: one valid document against the API schema, and the active and
archived projects read through one shared pair of fields (``_shared.every_project``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from graphql import FieldNode, OperationDefinitionNode, build_schema, parse, validate

from adaptive_plan.kinds import KINDS

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "adaptive_plan/emulator/schema.graphql"
SCHEMA = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))


def _request_one() -> OperationDefinitionNode:
    text = "query LiveState { " + "\n".join(kind.live_query for kind in KINDS if kind.live_query) + " }"
    operation = parse(text).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation


def test_the_fragments_make_one_valid_document() -> None:
    """Same alias, same arguments: the selections merge (the rule that would reject a clash)."""
    assert validate(SCHEMA, parse("query LiveState { " + " ".join(k.live_query for k in KINDS) + " }")) == []


def test_projects_are_read_by_one_active_and_one_archived_field() -> None:
    fields = [node for node in _request_one().selection_set.selections if isinstance(node, FieldNode)]
    keys = Counter((node.alias or node.name).value for node in fields if node.name.value == "projects")
    assert set(keys) == {"projects_active", "projects_archived"}, keys
    assert keys["projects_active"] == keys["projects_archived"] >= 4  # project, share, deployment, metric


def test_compute_pools_are_read_by_one_field_for_every_kind() -> None:
    fields = [node for node in _request_one().selection_set.selections if isinstance(node, FieldNode)]
    keys = Counter((node.alias or node.name).value for node in fields if node.name.value == "computePools")
    assert set(keys) == {"compute_pools"} and keys["compute_pools"] >= 2, keys  # deployment, compute_pool
