"""The compiled yes/no check agrees with jsonschema, which explains the failures."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from adaptive_plan.kinds import section_kinds
from adaptive_plan.manifest.fastcheck import compile_schema
from adaptive_plan.manifest.load import load_manifests
from adaptive_plan.manifest.patterns import Validator
from adaptive_plan.manifest.schema import manifest_schema
from adaptive_plan.model.secrets import redact

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MUTATIONS: list[Any] = [
    None, True, 0, 1.5, -1, "", "x", "Bad Key", "key\n", [], [1], {}, {"unknown": 1}, "open_ai", 1
]


def _documents() -> list[Any]:
    """The rendered, merged examples (secrets shown as their redacted text)."""
    multi = EXAMPLES / "multi-environment"
    loads = [
        load_manifests([str(EXAMPLES / "full")]),
        load_manifests([str(EXAMPLES / "quickstart")]),
        load_manifests([str(multi / "manifest.yaml")], var_files=[str(multi / "envs" / "prod.yaml")]),
    ]
    documents = [redact(result.manifest.document) for result in loads]
    for project in documents[0]["projects"]:
        for grader in project.get("graders", []):
            if "file" in grader.get("function", {}):
                del grader["function"]["source"]  # read from `file` at load time
    return documents


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _nodes(item, (*path, index))
    return found


def _mutated(document: Any, path: tuple[Any, ...], replacement: Any) -> Any:
    clone = copy.deepcopy(document)
    if not path:
        return replacement
    target = clone
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = replacement
    return clone


def test_compiling_refuses_unknown_keywords() -> None:
    with pytest.raises(ValueError, match="does not support the keyword 'format'"):
        compile_schema({"type": "string", "format": "email"})


def _units() -> list[tuple[Any, Any, Any]]:
    """(fast check, jsonschema validator, instance): whole documents and each section item."""
    schema = manifest_schema()
    units: list[tuple[Any, Any, Any]] = []
    for document in _documents():
        units.append((compile_schema(schema), Validator(schema), document))
        for section, kind in section_kinds(None).items():
            ref = f"#/$defs/{kind.name}"
            wrapper = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": ref}
            fast, slow = compile_schema(wrapper), Validator(wrapper)
            units.extend((fast, slow, item) for item in document.get(section, []))
    return units


def test_agrees_with_jsonschema_on_examples_and_thousands_of_mutations() -> None:
    rng = random.Random(7)
    checked = 0
    for fast, slow, instance in _units():
        assert fast(instance) and slow.is_valid(instance)
        nodes = _nodes(instance)
        if isinstance(instance, dict) and "version" in instance:
            nodes = nodes[:1] + [(name,) for name in instance]  # whole documents: top level only
        for path in nodes:
            for replacement in rng.sample(MUTATIONS, 3):
                mutated = _mutated(instance, path, replacement)
                assert fast(mutated) == slow.is_valid(mutated), (path, replacement)
                checked += 1
            if path and isinstance(path[-1], str):
                parent = copy.deepcopy(instance)
                target = parent
                for part in path[:-1]:
                    target = target[part]
                del target[path[-1]]
                assert fast(parent) == slow.is_valid(parent), ("deleted", path)
    assert checked > 800
