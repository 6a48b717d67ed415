"""The kind registry is the one source: a kind in ``KINDS`` and not in the schema, the README
tour, the scenario folders or the export (or the reverse) fails here, and every kind's
section is walked for addresses (a duplicate of any kind is an error)."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from adaptive_plan.kinds import KINDS, KINDS_BY_NAME, TOP_SECTIONS, child_kinds, section_kinds
from adaptive_plan.kinds.base import Kind
from adaptive_plan.manifest.schema import manifest_schema
from tests.manifest.helpers import validate

ROOT = Path(__file__).resolve().parent.parent
NOT_KINDS = {"version", "variables", "prune"}  # top-level properties that declare no resources


def _item_ref(prop: dict[str, Any]) -> str | None:
    return (prop.get("items") or {}).get("$ref") if prop.get("type") == "array" else None


def _schema_sections(properties: dict[str, Any]) -> dict[str, str | None]:
    """Array property -> the $def its items are (``#/$defs/X`` -> ``X``)."""
    return {
        name: (_item_ref(prop) or "").removeprefix("#/$defs/") or None
        for name, prop in properties.items()
        if prop.get("type") == "array" and name not in NOT_KINDS
    }


def test_kind_names_and_sections_are_unique() -> None:
    assert len(KINDS_BY_NAME) == len(KINDS)
    places = [(kind.parent, kind.section) for kind in KINDS]
    assert len(set(places)) == len(places), places
    assert all(kind.section and kind.identity_fields for kind in KINDS)
    assert all(kind.parent is None or kind.parent in KINDS_BY_NAME for kind in KINDS)


def test_one_schema_def_per_kind() -> None:
    assert set(manifest_schema()["$defs"]) == {kind.name for kind in KINDS}


def test_schema_sections_are_the_registry_sections() -> None:
    schema = manifest_schema()
    expected = {kind.section: kind.name for kind in child_kinds(None)}
    assert _schema_sections(schema["properties"]) == expected
    assert set(schema["properties"]) - NOT_KINDS == set(TOP_SECTIONS)
    for parent in {kind.parent for kind in KINDS if kind.parent}:
        properties = schema["$defs"][parent]["properties"]
        children = {name: ref for name, ref in _schema_sections(properties).items() if ref in KINDS_BY_NAME}
        lists = [kind for kind in child_kinds(parent) if not kind.single]
        assert children == {kind.section: kind.name for kind in lists}, parent
        for kind in child_kinds(parent):
            if kind.single:  # one mapping, not a list
                assert properties[kind.section] == {"$ref": f"#/$defs/{kind.name}"}, kind.name


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_kind_exports(kind: Kind) -> None:
    assert type(kind).to_manifest is not Kind.to_manifest


def _tour() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("<!-- manifest-tour:start -->", 1)[1].split("<!-- manifest-tour:end -->", 1)[0]


def test_readme_tour_shows_every_section_and_address() -> None:
    tour = _tour()
    example = yaml.safe_load(tour.split("```yaml", 1)[1].split("```", 1)[0])
    assert set(TOP_SECTIONS) <= set(example), set(TOP_SECTIONS) - set(example)
    for parent in {kind.parent for kind in KINDS if kind.parent}:
        parent_section = KINDS_BY_NAME[parent].section
        entry = next(e for e in example[parent_section] if isinstance(e, dict))
        assert set(section_kinds(parent)) <= set(entry), parent
    addresses = tour.split("**Addresses**", 1)[1].split("\n\n", 1)[0]
    for kind in KINDS:
        key = re.escape(str(kind.manifest_key({}))) if kind.single else "[A-Z/]+"  # a single one's is fixed
        shown = re.search(rf"`(\S+/)?{kind.address_kind}\.{key}`", addresses)
        assert shown, f"README tour lists no {kind.address_kind}.KEY address for {kind.name}"


def test_every_kind_has_a_scenario_folder() -> None:
    folders = {p.name.split("-", 1)[1] for p in (ROOT / "tests/e2e/scenarios").iterdir() if p.is_dir()}
    assert {kind.name for kind in KINDS} <= folders


def _literal(value: Any) -> bool:
    return "vars." not in json.dumps(value)


def _duplicated(document: dict[str, Any], kind: Kind) -> tuple[dict[str, Any], str] | None:
    """Sections declaring twice the first entry of ``kind`` whose key is literal, and its address."""
    if kind.single:
        return None  # one mapping per parent: see test_a_single_section_twice_is_an_error
    if kind.parent is None:
        return _twice(document, kind)
    parent = KINDS_BY_NAME[kind.parent]
    for holder in document.get(parent.section) or []:
        key = parent.manifest_key(holder)
        found = _twice(holder, kind) if key and _literal(key) else None
        if found:
            wrapper = {**parent_identity(parent, holder), **found[0]}
            return {parent.section: [wrapper]}, f"{parent.address_kind}.{key}/{found[1]}"
    return None


def _twice(container: dict[str, Any], kind: Kind) -> tuple[dict[str, Any], str] | None:
    for entry in container.get(kind.section) or []:
        key = kind.manifest_key(entry)
        if key and _literal(key):
            return {kind.section: [entry, copy.deepcopy(entry)]}, f"{kind.address_kind}.{key}"
    return None


def parent_identity(parent: Kind, entry: dict[str, Any]) -> dict[str, Any]:
    return {name: entry[name] for name in parent.identity_fields}


@pytest.mark.parametrize("kind", [k for k in KINDS if not k.single], ids=lambda kind: kind.name)
def test_a_duplicate_of_every_kind_is_an_error(kind: Kind, tmp_path: Path) -> None:
    """Every kind's section is walked for addresses: an examples/full entry declared twice is an
    error naming it (a section dropped from the walk would let the duplicate through)."""
    tree = tmp_path / "full"
    shutil.copytree(ROOT / "examples/full", tree)
    manifests = {path: yaml.safe_load(path.read_text("utf-8")) for path in sorted(tree.rglob("*.yaml"))}
    variables = {k: v for doc in manifests.values() for k, v in (doc.get("variables") or {}).items()}
    found = next(((path, hit) for path, doc in manifests.items() if (hit := _duplicated(doc, kind))), None)
    assert found, f"examples/full declares no {kind.name} with a literal key"
    for path in manifests:
        path.unlink()
    path, (sections, address) = found
    document = {"version": 1, "variables": variables, **sections}
    text = "".join(f"{name}: {json.dumps(value, ensure_ascii=False)}\n" for name, value in document.items())
    path.write_text(text, "utf-8")
    result = validate(str(tree))
    assert result.exit_code != 0, result.output
    assert any("declared twice" in line and address in line for line in result.output.splitlines()), (
        address,
        result.output,
    )


@pytest.mark.parametrize("kind", [k for k in KINDS if k.single], ids=lambda kind: kind.name)
def test_a_single_section_twice_is_an_error(kind: Kind, tmp_path: Path) -> None:
    """A ``single`` kind is one mapping in its parent's entry: written twice, the YAML key is a
    duplicate, an error naming both places."""
    parent = KINDS_BY_NAME[str(kind.parent)]
    entry = {name: "p" for name in parent.identity_fields}
    head = "".join(f"    {name}: {value}\n" for name, value in entry.items()).replace("    ", "  - ", 1)
    path = tmp_path / "m.yaml"
    twice = f"    {kind.section}: {{}}\n" * 2
    path.write_text(f"version: 1\n{parent.section}:\n{head}{twice}")
    result = validate(str(path))
    assert result.exit_code != 0, result.output
    assert f"duplicate key '{kind.section}'" in result.output, result.output
