"""Every kind of bad input gets a clear message at FILE:LINE:COL and exit 1, never a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.manifest.helpers import validate, write


def _invalid(*args: str) -> str:
    result = validate(*args)
    assert result.exit_code == 1, result.output
    return result.output


def test_yaml_syntax_error(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nteams:\n  - key: [a, b\n    name: x\n")
    out = _invalid(str(file))
    assert f"{file}:4:" in out and "YAML syntax error" in out


def test_non_utf8_file(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", b"version: 1\nteams:\n  - key: caf\xe9\n")
    out = _invalid(str(file))
    assert f"{file}:3:13: file is not valid UTF-8: byte 0xe9" in out


def test_empty_file(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "  \n")
    assert f"{file}:1:1: file is empty" in _invalid(str(file))


def test_comment_only_file(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "# nothing here\n")
    assert f"{file}:1:1: file holds no YAML document" in _invalid(str(file))


def test_tab_indented_file(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nteams:\n\t- key: a\n")
    assert f"{file}:3:1: tab character in indentation: YAML indents with spaces only" in _invalid(str(file))


def test_wrong_type(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "m.yaml",
        "version: 1\nprojects:\n  - key: p\n    models:\n      - {model: m, default: maybe}\n",
    )
    out = _invalid(str(file))
    assert f"{file}:5:29: project.p/model.m: expected a boolean, got string 'maybe'" in out


def test_unknown_field_with_suggestion(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nteams:\n  - key: a\n    nmae: A\n")
    assert f"{file}:4:5: team.a: unknown field 'nmae' (did you mean 'name'?)" in _invalid(str(file))


def test_unknown_top_level_section(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nteems: []\n")
    assert f"{file}:2:1: unknown field 'teems' (did you mean 'teams'?)" in _invalid(str(file))


def test_missing_required_field(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nroles:\n  - key: reviewer\n")
    assert f"{file}:3:5: role.reviewer: missing required field 'permissions'" in _invalid(str(file))


def test_missing_version(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "teams: []\n")
    assert f"{file}:1:1: missing required field 'version'" in _invalid(str(file))


def test_same_key_in_two_files_names_both(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1\nteams:\n  - key: ml\n")
    write(tmp_path, "b.yaml", "version: 1\nteams:\n  - {key: other}\n  - key: ml\n")
    out = _invalid(str(tmp_path))
    assert f"{tmp_path / 'b.yaml'}:4:10: team.ml: declared twice (first at {tmp_path / 'a.yaml'}:3:10)" in out


def test_duplicate_key_in_one_mapping(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nteams:\n  - key: a\n    key: b\n")
    assert f"{file}:4:5: duplicate key 'key' (first defined at {file}:3:5)" in _invalid(str(file))


def test_project_declared_in_two_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1\nprojects:\n  - key: bot\n")
    write(tmp_path, "b.yaml", "version: 1\nprojects:\n  - key: bot\n    name: Bot\n")
    out = _invalid(str(tmp_path))
    assert f"b.yaml:3:10: project.bot: declared twice (first at {tmp_path / 'a.yaml'}:3:10)" in out


def test_undefined_template_variable(tmp_path: Path) -> None:
    file = write(
        tmp_path, "m.yaml", "version: 1\nvariables: {region: eu}\nteams:\n  - key: ml-{{ vars.regoin }}\n"
    )
    out = _invalid(str(file))
    assert f"{file}:4:16: template error: undefined variable 'vars.regoin' (did you mean 'region'?)" in out


def test_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nteams:\n  - key: \"{{ ''.__class__.__mro__ }}\"\n")
    out = _invalid(str(file))
    assert f"{file}:3:11: template refused by the sandbox: access to attribute '__class__'" in out


def test_no_env_object(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", 'version: 1\nteams:\n  - key: "{{ env.HOME }}"\n')
    assert "environment variables are reachable only through secret('NAME')" in _invalid(str(file))


def test_unknown_reference_is_a_warning_with_suggestion(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "m.yaml",
        "version: 1\nteams: [{key: ml-platform}]\nprojects:\n  - {key: p, team: ml-platfrom}\n",
    )
    result = validate(str(file))
    assert result.exit_code == 0, result.output
    expected = (
        f"{file}:4:20: project.p: warning: team 'ml-platfrom' is not declared in the manifests; "
        "it must already exist live (did you mean 'ml-platform'?)"
    )
    assert expected in result.output


def _recipe_manifest(tmp_path: Path, path: str) -> Path:
    return write(
        tmp_path / "tree",
        "m.yaml",
        f"version: 1\nprojects:\n  - key: p\n    recipes:\n      - {{key: r, path: {path}}}\n",
    )


def test_recipe_absolute_path(tmp_path: Path) -> None:
    file = _recipe_manifest(tmp_path, "/etc/passwd")
    assert f"{file}:5:24: project.p/recipe.r: recipe path '/etc/passwd' must be relative" in _invalid(
        str(file)
    )


def test_recipe_dotdot_escape(tmp_path: Path) -> None:
    write(tmp_path, "outside.py", "x = 1\n")
    file = _recipe_manifest(tmp_path, "../outside.py")
    assert (
        f"{file}:5:24: project.p/recipe.r: recipe path '../outside.py' escapes the manifest directory"
        in _invalid(str(file))
    )


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_recipe_symlink_escape(tmp_path: Path) -> None:
    write(tmp_path, "secret/main.py", "x = 1\n")
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "recipe").symlink_to(tmp_path / "secret")
    file = _recipe_manifest(tmp_path, "recipe")
    out = _invalid(str(file))
    assert f"{file}:5:24: project.p/recipe.r: recipe path 'recipe' leads through a symlink" in out


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_inside_recipe_directory_escape(tmp_path: Path) -> None:
    write(tmp_path, "secret.txt", "hush\n")
    write(tmp_path, "tree/recipe/main.py", "x = 1\n")
    (tmp_path / "tree" / "recipe" / "data.txt").symlink_to(tmp_path / "secret.txt")
    file = _recipe_manifest(tmp_path, "recipe")
    assert "'data.txt' inside the recipe is a symlink leading outside" in _invalid(str(file))


def test_recipe_path_missing(tmp_path: Path) -> None:
    file = _recipe_manifest(tmp_path, "nope")
    assert f"{file}:5:24: project.p/recipe.r: recipe path 'nope' does not exist" in _invalid(str(file))


def test_yaml_alias_bomb_is_rejected_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    file = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    out = _invalid(str(file))
    assert time.perf_counter() - started < 2
    assert f"{file}:" in out and "aliases expand to more than 100000 nodes (a YAML alias bomb?)" in out


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1\nteams:\n  - {key: a, nmae: x}\nroles:\n  - {key: r}\n")
    write(tmp_path, "b.yaml", "version: 1\nprojects:\n  - {key: p, descripton: y}\n")
    out = _invalid(str(tmp_path))
    assert "unknown field 'nmae'" in out and "missing required field 'permissions'" in out
    assert "unknown field 'descripton' (did you mean 'description'?)" in out
    assert out.rstrip().endswith("Invalid: 3 errors, 0 warnings.")


def test_missing_path(tmp_path: Path) -> None:
    assert f"no such file or directory: '{tmp_path / 'nope'}'" in _invalid(str(tmp_path / "nope"))
