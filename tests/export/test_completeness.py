"""Every registered kind can be exported, into a list the schema has (a half-added kind fails)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adaptive_plan.export.document import PROJECT_SECTIONS, TOP_SECTIONS
from adaptive_plan.kinds import KINDS
from adaptive_plan.kinds.base import Kind

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas/manifest.schema.json").read_text())


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_kind_overrides_to_manifest(kind: Kind) -> None:
    assert type(kind).to_manifest is not Kind.to_manifest


def test_export_sections_are_the_schema_sections() -> None:
    assert set(TOP_SECTIONS) == set(SCHEMA["properties"]) - {"version", "variables", "prune"}
    project = SCHEMA["$defs"]["project"]["properties"]
    assert set(PROJECT_SECTIONS) == {name for name, value in project.items() if value.get("type") == "array"}
