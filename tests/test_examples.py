"""Every example validates, references the schema, and examples/full uses every field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adaptive_plan.manifest.load import load_manifests
from adaptive_plan.manifest.schema import manifest_schema
from tests.manifest.helpers import validate

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MULTI = EXAMPLES / "multi-environment"


@pytest.mark.parametrize(
    "args",
    [
        [str(EXAMPLES / "quickstart")],
        [str(EXAMPLES / "full")],
        [str(MULTI / "manifest.yaml")],
        [str(MULTI / "manifest.yaml"), "--var-file", str(MULTI / "envs" / "dev.yaml")],
        [str(MULTI / "manifest.yaml"), "--var-file", str(MULTI / "envs" / "prod.yaml")],
    ],
    ids=["quickstart", "full", "multi-default", "multi-dev", "multi-prod"],
)
def test_example_is_valid(args: list[str]) -> None:
    result = validate(*args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("Valid:")


def test_every_example_manifest_has_the_schema_modeline() -> None:
    manifests = [p for p in EXAMPLES.rglob("*.yaml") if "envs" not in p.parts]
    assert manifests
    for path in manifests:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        relative = Path("../" * (len(path.relative_to(EXAMPLES).parts)) + "schemas/manifest.schema.json")
        assert first == f"# yaml-language-server: $schema={relative.as_posix()}", path
        assert (path.parent / relative).resolve() == (
            EXAMPLES.parent / "schemas/manifest.schema.json"
        ).resolve()


def _field_paths(schema: Any, root: dict[str, Any], prefix: str) -> set[str]:
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        return _field_paths(target, root, prefix)
    found: set[str] = set()
    for name, sub in schema.get("properties", {}).items():
        found.add(f"{prefix}.{name}")
        if isinstance(sub, dict):
            found |= _field_paths(sub.get("items", sub), root, f"{prefix}.{name}")
            for branch in sub.get("oneOf", []):
                found |= _field_paths(branch, root, f"{prefix}.{name}")
    for branch in schema.get("allOf", []):
        for name, sub in branch.get("then", {}).get("properties", {}).items():
            found |= _field_paths(sub, root, f"{prefix}.{name}")
    return found


def _used_paths(value: Any, prefix: str) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(f"{prefix}.{key}")
            found |= _used_paths(item, f"{prefix}.{key}")
    elif isinstance(value, list):
        for item in value:
            found |= _used_paths(item, prefix)
    return found


def test_full_example_uses_every_field_and_kind() -> None:
    schema = manifest_schema()
    declared = _field_paths(schema, schema, "$")
    free_maps = ("extra_params.", "labels.", "headers.", "target_filter.", "variables.")
    used = {p for p in _used_paths(load_manifests([str(EXAMPLES / "full")]).manifest.document, "$")}
    used |= {"$.variables"}  # consumed before merging
    used = {p for p in used if not any(m in p for m in free_maps)}
    assert declared - used == set()
