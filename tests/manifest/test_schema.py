"""The manifest schema itself: 2020-12, one $def per kind, closed objects, described fields,
enums taken from the API reference."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_plan.manifest.fastcheck import compile_schema
from adaptive_plan.manifest.patterns import Validator
from adaptive_plan.manifest.schema import manifest_schema


def _subschemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    yield from _subschemas(sub, f"{path}/{key}/{name}")
            elif isinstance(value, dict | list):
                yield from _subschemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _subschemas(item, f"{path}/{index}")


def test_schema_is_valid_2020_12() -> None:
    schema = manifest_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_property_has_a_description_and_objects_are_closed() -> None:
    for path, node in _subschemas(manifest_schema()):
        if any(f"/{word}" in path for word in ("if", "then", "else", "allOf")):
            continue  # conditions refine fields declared (and described) elsewhere
        for name, sub in node.get("properties", {}).items():
            if isinstance(sub, dict) and set(sub) - {"$ref"}:  # a bare $ref inherits the target's description
                assert sub.get("description"), f"{path}/properties/{name} has no description"
            elif isinstance(sub, dict):
                assert sub["$ref"].startswith("#/$defs/"), path
        if "properties" in node and node.get("type") == "object":
            assert node.get("additionalProperties") is False, f"{path} is not closed"


def test_every_def_is_described() -> None:
    for path, node in _subschemas(manifest_schema()):
        if "/$defs/" in path and path.rsplit("/", 2)[-2] == "$defs":
            assert node.get("description"), f"{path} has no description"


def _enum(path: str) -> list[str]:
    node: Any = manifest_schema()
    for part in path.split("/"):
        node = node[part]
    return list(node["enum"])


@pytest.mark.parametrize(
    ("path", "api_values"),
    [
        ("$defs/metric/properties/kind", ["SCALAR", "BOOL"]),
        ("$defs/metric/properties/scoring", ["HIGHER_IS_BETTER", "LOWER_IS_BETTER"]),
        (
            "$defs/grader/$defs/prebuilt/properties/criteria",
            ["FAITHFULNESS", "ANSWER_RELEVANCY", "CONTEXT_RELEVANCY"],
        ),
        (
            "$defs/model/$defs/external/properties/provider",
            ["OPEN_AI", "LEGACY_OPEN_AI", "GOOGLE", "ANTHROPIC"],
        ),
        ("$defs/integration/$defs/subscription/properties/scope", ["USER", "TEAM", "ORGANIZATION", "ADMIN"]),
        ("$defs/integration/properties/delivery_policy", ["multishot", "singleshot"]),
        ("$defs/integration/properties/provider", ["slack", "smtp", "webhook", "github"]),
    ],
)
def test_enums_are_the_api_values_in_snake_case(path: str, api_values: list[str]) -> None:
    assert _enum(path) == [value.lower() for value in api_values]


def test_grader_variants_cover_every_api_grader_type() -> None:
    grader = manifest_schema()["$defs"]["grader"]
    variants = [branch["required"][0] for branch in grader["oneOf"]]
    assert [v.upper() for v in variants] == ["JUDGE", "PREBUILT", "REMOTE", "CUSTOM", "FUNCTION"]


def _patterns(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(value) for value in node))
    return set()


PATTERNS = sorted(_patterns(manifest_schema()))


def test_the_schema_has_patterns_to_check() -> None:
    assert len(PATTERNS) >= 6


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_every_schema_pattern_reads_a_trailing_newline_as_ecma(pattern: str, data: st.DataObject) -> None:
    """ECMA ``$`` is the end of input; Python's also matches before a final newline. For every
    pattern both validators (fast check and jsonschema) must agree with ``re.fullmatch`` of the
    pattern's body (the ECMA meaning of ``^...$``) on ``VALID + "\\n"`` and friends."""
    assert pattern.startswith("^") and pattern.endswith("$"), pattern
    fast, slow = compile_schema({"pattern": pattern}), Validator({"pattern": pattern})
    valid = data.draw(st.from_regex(pattern[1:-1], fullmatch=True))
    assert fast(valid) and slow.is_valid(valid), (pattern, valid)
    for other in (valid + "\n", valid + "\n\n", "\n" + valid):
        ecma = re.fullmatch(pattern[1:-1], other) is not None
        assert fast(other) is ecma and slow.is_valid(other) is ecma, (pattern, other)


def test_a_key_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    from tests.manifest.helpers import validate, write

    file = write(tmp_path, "m.yaml", 'version: 1\nteams: [{key: "ml\\n", name: ML}]\n')
    result = validate(str(file))
    assert result.exit_code == 1
    assert f"{file}:2:15: team.ml\\n: 'ml\\n' is not a valid key" in result.output, result.output
