"""``load_manifests``: merging, marks, variables, secrets, recipes and modes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adaptive_plan.manifest.load import load_manifests
from adaptive_plan.model.errors import ManifestError
from adaptive_plan.model.secrets import Sensitive
from adaptive_plan.model.source import SourceMark
from tests.manifest.helpers import write


def test_sections_concatenate_and_marks_use_merged_paths(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1\nteams:\n  - key: a\n  - key: b\n")
    write(tmp_path, "sub/b.yaml", "version: 1\nteams:\n  - key: c\n    name: C\n")
    result = load_manifests([str(tmp_path)])
    manifest = result.manifest
    assert [t["key"] for t in manifest.section("teams")] == ["a", "b", "c"]
    assert manifest.marks[("teams", 2, "name")] == SourceMark(str(tmp_path / "sub" / "b.yaml"), 4, 11)
    assert manifest.mark(("teams", 2, "name", "deeper")) == manifest.marks[("teams", 2, "name")]
    assert manifest.files == (str(tmp_path / "a.yaml"), str(tmp_path / "sub" / "b.yaml"))
    assert result.resource_count == 3


def test_variables_precedence_default_then_file_then_var(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "m.yaml",
        "version: 1\nvariables: {a: x, b: x, c: x, n: 1}\nteams:\n"
        "  - {key: '{{ vars.a }}-{{ vars.b }}-{{ vars.c }}', name: '{{ vars.n + 1 }}'}\n",
    )
    var_file = write(tmp_path, "vars/env.yml", "b: file\nc: file\n")
    result = load_manifests([str(file)], var_files=[str(var_file)], var_overrides={"c": "cli", "n": "41"})
    assert result.manifest.section("teams") == [{"key": "x-file-cli", "name": "42"}]


def test_undeclared_var_is_a_warning(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nvariables: {region: eu}\n")
    result = load_manifests([str(file)], var_overrides={"regoin": "us"})
    assert any("did you mean 'region'" in w.message for w in result.warnings)


def test_bad_var_value_for_a_boolean(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nvariables: {enabled: true}\n")
    with pytest.raises(ManifestError, match="--var enabled: expected true or false, got 'maybe'"):
        load_manifests([str(file)], var_overrides={"enabled": "maybe"})


def test_variable_declared_twice(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1\nvariables:\n  region: eu\n")
    write(tmp_path, "b.yaml", "version: 1\nvariables:\n  region: us\n")
    with pytest.raises(ManifestError, match=r"variable 'region' is declared twice \(first at .*a.yaml:3:3\)"):
        load_manifests([str(tmp_path)])


SECRET_MANIFEST = """\
version: 1
models:
  - key: judge
    external:
      provider: open_ai
      external_model_id: gpt-4o
      api_key: "{{ secret('OPENAI_API_KEY') }}"
"""


def test_secret_is_a_token_never_the_value(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", SECRET_MANIFEST)
    env = {"OPENAI_API_KEY": "sk-very-secret"}
    result = load_manifests([str(file)], mode="apply", environ=env)
    api_key = result.manifest.document["models"][0]["external"]["api_key"]
    assert isinstance(api_key, Sensitive) and api_key.names == ("OPENAI_API_KEY",)
    assert "sk-very-secret" not in repr(result.manifest.document)
    assert api_key.resolve(env) == "sk-very-secret"
    assert result.warnings == []


def test_unset_secret_warns_at_plan_and_is_left_to_apply_preflight(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", SECRET_MANIFEST)
    result = load_manifests([str(file)], mode="plan", environ={})
    assert [str(w) for w in result.warnings] == [
        f"{file}:7:16: model.judge: warning: secret 'OPENAI_API_KEY' is not set in the environment "
        "(apply will need it if its plan sends it)"
    ]
    # apply requires exactly what its plan sends (apply.preflight), so loading says nothing
    applied = load_manifests([str(file)], mode="apply", environ={})
    assert applied.warnings == []


def test_recipe_sources_are_hashed_over_paths_and_bytes(tmp_path: Path) -> None:
    write(tmp_path, "r/main.py", "print(1)\n")
    write(tmp_path, "r/__pycache__/main.cpython-311.pyc", b"\0")
    file = write(
        tmp_path, "m.yaml", "version: 1\nprojects:\n  - key: p\n    recipes:\n      - {key: r, path: r}\n"
    )
    first = load_manifests([str(file)]).manifest.recipe_sources[("p", "r")]
    assert first.is_dir and first.path == str((tmp_path / "r").resolve())
    write(tmp_path, "r/__pycache__/other.pyc", b"\1")
    assert load_manifests([str(file)]).manifest.recipe_sources[("p", "r")] == first
    write(tmp_path, "r/main.py", "print(2)\n")
    assert load_manifests([str(file)]).manifest.recipe_sources[("p", "r")].content_hash != first.content_hash


def test_recipe_directory_needs_its_entrypoint(tmp_path: Path) -> None:
    write(tmp_path, "r/train.py", "x = 1\n")
    file = write(
        tmp_path, "m.yaml", "version: 1\nprojects:\n  - key: p\n    recipes:\n      - {key: r, path: r}\n"
    )
    with pytest.raises(ManifestError, match=r"directory 'r' has no main\.py"):
        load_manifests([str(file)])


def test_function_grader_file_is_read_into_source(tmp_path: Path) -> None:
    write(tmp_path, "graders/g.py", "async def grade(sample):\n    return True\n")
    file = write(
        tmp_path,
        "p/m.yaml",
        "version: 1\nprojects:\n  - key: p\n    graders:\n"
        "      - {key: g, function: {file: ../graders/g.py}}\n",
    )
    manifest = load_manifests([str(tmp_path)]).manifest
    function = manifest.section("projects")[0]["graders"][0]["function"]
    assert function["source"].startswith("async def grade")
    assert manifest.marks[("projects", 0, "graders", 0, "function", "source")].file == str(file)


def test_input_hash_changes_with_rendered_input(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nvariables: {n: a}\nteams: [{key: '{{ vars.n }}'}]\n")
    first = load_manifests([str(file)]).manifest.input_hash
    assert load_manifests([str(file)]).manifest.input_hash == first
    assert load_manifests([str(file)], var_overrides={"n": "b"}).manifest.input_hash != first


def test_multi_document_file_and_merge_keys(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "m.yaml",
        "version: 1\nteams:\n  - &t {key: a, name: Same}\n---\nversion: 1\n"
        "teams:\n  - {<<: *t, key: b}\n".replace("*t", "{key: x, name: Same}"),
    )
    teams = load_manifests([str(file)]).manifest.section("teams")
    assert teams == [{"key": "a", "name": "Same"}, {"key": "b", "name": "Same"}]


def test_one_default_model_per_project(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "m.yaml",
        "version: 1\nprojects:\n  - key: p\n    models:\n"
        "      - {model: a, default: true}\n      - {model: b, default: true}\n",
    )
    with pytest.raises(
        ManifestError, match=r"m.yaml:6:29: project.p/model.b: a project has one default model"
    ):
        load_manifests([str(file)])


def test_service_account_address_is_derived(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nusers:\n  - {service_account: true, name: CI Bot}\n")
    expected = "user.CI Bot@system.adaptive.local: 'CI Bot' is not a valid service-account"
    with pytest.raises(ManifestError, match=re.escape(expected)):
        load_manifests([str(file)])
