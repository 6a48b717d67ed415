"""Hostile manifests, one row each, with the refusal expected from ``validate``.

Manifests come from untrusted pull requests and are rendered on CI runners holding the API
key. Every row runs the real CLI twice (text and ``--format json``) and asserts: exit 1, no
traceback, the expected ``FILE:LINE: ... message`` in the text output, JSON that parses and
carries the same message, and nothing from outside the tree (``OUTSIDE``) or from the
environment (``CANARY``) in any output.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from adaptive_plan.cli.main import cli

OUTSIDE = "OUTSIDE-THE-TREE-7f3a"
CANARY = "CANARY-ENV-VALUE-91c2"
SYMLINK = "symlink:"  # a file value starting with this makes a symlink to the rest (relative to tmp)


@dataclass
class Case:
    name: str
    files: dict[str, str]
    expected: str  # fragment of the refusal
    where: str = "m.yaml"  # FILE (relative to the tree) the refusal is placed at
    line: int | None = None
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def _manifest(body: str) -> dict[str, str]:
    return {"m.yaml": "version: 1\n" + body}


def _jinja(template: str) -> dict[str, str]:
    """A team whose name is ``template``, on line 3 of m.yaml."""
    return _manifest(f'teams:\n  - {{key: a, name: "{template}"}}\n')


def _project(fields: str) -> dict[str, str]:
    return _manifest(f"projects: [{{key: p, team: t, {fields}}}]\n")


CASES = [
    # --- rule checks on shapes the schema rejected -----------------------------------------
    Case("models-not-a-list", _manifest("models: 5\n"), "expected an array, got int 5", line=2),
    Case("metrics-a-float", _project("metrics: 1.5"), "expected an array, got float 1.5", line=2),
    Case("graders-a-bool", _project("graders: true"), "expected an array, got boolean true", line=2),
    Case(
        "metric-key-a-mapping",
        _project("metrics: [{key: {a: 1}, kind: bool}]"),
        "expected a string, got a mapping",
        line=2,
    ),
    Case(
        "user-teams-an-int",
        _manifest("users: [{email: a@b.c, teams: 7}]\n"),
        "expected an array, got int 7",
        line=2,
    ),
    # --- schema holes ----------------------------------------------------------------------
    Case(
        "key-trailing-newline",
        _manifest('teams: [{key: "ml\\n", name: ML}]\n'),
        "'ml\\n' is not a valid key",
        line=2,
    ),
    Case(
        "python-tag-on-mapping",
        _manifest("teams: [!!python/object/apply:os.system {cmd: id}]\n"),
        "unsupported YAML tag !!python/object/apply:os.system",
        line=2,
    ),
    Case(
        "python-tag-on-sequence",
        _manifest("teams: !!python/object/apply:os.system [id]\n"),
        "unsupported YAML tag !!python/object/apply:os.system",
        line=2,
    ),
    Case("set-tag-on-mapping", _manifest("teams: [!!set {a: null}]\n"), "unsupported YAML tag !!set", line=2),
    Case(
        "local-tag-on-mapping", _manifest("teams: [!thing {key: a}]\n"), "unsupported YAML tag !thing", line=2
    ),
    Case(
        "tag-on-key",
        _manifest("teams: [{!!python/name:os.system key: a}]\n"),
        "unsupported YAML tag !!python/name:os.system on a mapping key",
        line=2,
    ),
    Case(
        "python-tag-on-scalar",
        _manifest("teams: [{key: !!python/name:os.system a}]\n"),
        "cannot read 'a' as YAML !!python/name:os.system",
        line=2,
    ),
    # --- YAML amplification ----------------------------------------------------------------
    Case(
        "alias-bomb-by-nodes",
        _manifest(
            "variables: {}\n"
            "x: &a [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n"
            + "".join(f"x{i + 1}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))
        ),
        "aliases expand to more than 100000 nodes",
    ),
    Case(
        "alias-bomb-by-size",
        _manifest(
            "teams:\n  - key: a\n    name: &big "
            + "x" * 2_000_000
            + "\n"
            + "".join(f"  - key: t{i}\n    name: *big\n" for i in range(10))
        ),
        "aliases expand to more than 16,000,000 characters of text",
    ),
    # --- files outside the tree --------------------------------------------------------------
    Case(
        "manifest-symlink-out",
        {"m.yaml": "version: 1\n", "leak.yaml": SYMLINK + "outside/secret.yaml"},
        "is a symlink leading outside the manifest directory",
        where="leak.yaml",
        line=1,
    ),
    Case(
        "var-file-symlink-out",
        {"m.yaml": "version: 1\n", "vars.yaml": SYMLINK + "outside/secret.yaml"},
        "is a symlink leading outside the manifest directory",
        where="vars.yaml",
        line=1,
        args=["--var-file", "{tree}/vars.yaml"],
    ),
    Case(
        "recipe-absolute",
        _project("recipes: [{key: r, path: /etc/passwd}]"),
        "must be relative to the manifest file, not absolute",
        line=2,
    ),
    Case(
        "recipe-dotdot",
        _project("recipes: [{key: r, path: ../outside}]"),
        "escapes the manifest directory",
        line=2,
    ),
    Case(
        "recipe-symlink-out",
        {**_project("recipes: [{key: r, path: r.py}]"), "r.py": SYMLINK + "outside/secret.py"},
        "leads through a symlink",
        line=2,
    ),
    Case(
        "function-file-symlink-out",
        {
            **_manifest(
                "projects: [{key: p, team: t, metrics: [{key: m, kind: bool}], graders: "
                "[{key: g, metric: m, function: {file: f.py}}]}]\n"
            ),
            "f.py": SYMLINK + "outside/secret.py",
        },
        "leads through a symlink",
        line=2,
    ),
    Case(
        "entrypoint-dotdot",
        {**_project("recipes: [{key: r, path: r, entrypoint: ../../x.py}]"), "r/main.py": "print(1)\n"},
        "entrypoint '../../x.py' must be a path inside the recipe directory",
        line=2,
    ),
    Case(
        "entrypoint-absolute",
        {**_project("recipes: [{key: r, path: r, entrypoint: /etc/passwd}]"), "r/main.py": "print(1)\n"},
        "entrypoint '/etc/passwd' must be a path inside the recipe directory",
        line=2,
    ),
    Case(
        "config-entrypoint-dotdot",
        {
            **_project("recipes: [{key: r, path: r, config_entrypoint: ../c.py}]"),
            "r/main.py": "print(1)\n",
            "c.py": "x = 1\n",
        },
        "config_entrypoint '../c.py' must be a path inside the recipe directory",
        line=2,
    ),
    Case(
        "entrypoint-symlink-out",
        {
            **_project("recipes: [{key: r, path: r, entrypoint: e.py}]"),
            "r/main.py": "print(1)\n",
            "r/e.py": SYMLINK + "outside/secret.py",
        },
        "entrypoint 'e.py' is a symlink leading outside the recipe directory",
        line=2,
    ),
    # --- Jinja: unbounded work (ADAPTIVE_PLAN_RENDER_SECONDS=2 in this table) ---------------
    Case(
        "nested-ranges",
        _jinja("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
        "template error: rendering took longer than 2 s",
        line=3,
    ),
    Case(
        "lipsum-huge", _jinja("{{ lipsum(n=10**6) }}"), "template error: lipsum n 1,000,000 is larger", line=3
    ),
    Case(
        "string-repeat",
        _jinja("{{ 'x' * 10**9 }}"),
        "template error: a string of 1,000,000,000 characters",
        line=3,
    ),
    Case(
        "center-huge",
        _jinja("{{ 'x'|center(10**9) }}"),
        "template error: |center argument 1,000,000,000",
        line=3,
    ),
    Case(
        "format-width",
        _jinja("{{ '{:>1000000000}'.format('x') }}"),
        "template error: a format width 1,000,000,000",
        line=3,
    ),
    Case(
        "format-nested-width",
        _jinja("{{ '{0:{1}}'.format('x', 10**9) }}"),
        "template error: a format width 1,000,000,000",
        line=3,
    ),
    Case(
        "percent-width", _jinja("{{ '%1000000000d' % 1 }}"), "template error: a % width 1,000,000,000", line=3
    ),
    Case("percent-star-width", _jinja("{{ '%*d' % (1000000000, 1) }}"), "template error: a % width", line=3),
    Case(
        "ljust-huge",
        _jinja("{{ 'x'.ljust(10**9) }}"),
        "template error: str.ljust width 1,000,000,000",
        line=3,
    ),
    Case(
        "replace-amplifies",
        _jinja("{{ ('x' * 1000).replace('x', 'x' * 100000) }}"),
        "template error: a value of 100,000,000 characters",
        line=3,
    ),
    Case(
        "list-repeat",
        _jinja("{{ range(100000)|list * 10000 }}"),
        "template error: a list of 1,000,000,000 items",
        line=3,
    ),
    Case(
        "list-doubling",
        _jinja("{% set l = [1] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}"),
        "template error: a list of 1,048,576 items",
        line=3,
    ),
    Case(
        "concat-doubling",
        _jinja(
            "{% set ns = namespace(x='x') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}"
        ),
        "template error: a ~ concatenation of 16,777,220 characters",
        line=3,
    ),
    Case(
        "plus-doubling",
        _jinja(
            "{% set ns = namespace(x='x') %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}"
        ),
        "template error: a string of 16,777,216 characters",
        line=3,
    ),
    Case(
        "print-shared-list",
        _jinja("{{ ['x' * 1000000] * 1000 }}"),
        "template error: a printed value of",
        line=3,
    ),
    Case(
        "join-shared-list",
        _jinja("{{ (['x' * 1000000] * 1000)|join }}"),
        "template error: |join input of",
        line=3,
    ),
    Case(
        "buffered-output",
        _jinja("{% set big %}{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}{% endset %}"),
        "template error: the template builds more than 64,000,000 characters of text",
        line=3,
    ),
    Case(
        "output-cap",
        {"m.yaml": "version: 1\n# {% for i in range(20000) %}{{ 'x' * 1000 }}{% endfor %}\n"},
        "template error: the rendered file is larger than 16,000,000 characters",
        line=1,
    ),
    Case(
        "output-cap-configurable",
        _jinja("{% for i in range(5) %}{{ 'x' * 400 }}{% endfor %}"),
        "template error: the rendered file is larger than 1,000 characters",
        line=1,
        env={"ADAPTIVE_PLAN_RENDER_MAX_BYTES": "1000"},
    ),
    Case(
        "big-power", _jinja("{{ 10**100000 }}"), "template error: a number of more than 10,000 bits", line=3
    ),
    Case("batch-huge", _jinja("{{ [1]|batch(10**9, 0)|list }}"), "template error: |batch argument", line=3),
    Case(
        "recursive-macro",
        _jinja("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"),
        "template error: recursion too deep",
        line=3,
    ),
    Case(
        "truncate-assert",
        _jinja("{{ 'abc'|truncate(0) }}"),
        "template error: expected length >= 3, got 0",
        line=3,
    ),
    # --- Jinja: reading other files or the environment ----------------------------------------
    Case("include", _jinja("{% include 'm.yaml' %}"), "template error: {% include %} is not allowed", line=3),
    Case(
        "import", _jinja("{% import 'm.yaml' as m %}"), "template error: {% import %} is not allowed", line=3
    ),
    Case(
        "from-import",
        _jinja("{% from 'm.yaml' import x %}"),
        "template error: {% from ... import %} is not allowed",
        line=3,
    ),
    Case(
        "extends",
        _jinja("{% extends '/etc/passwd' %}"),
        "template error: {% extends %} is not allowed",
        line=3,
    ),
    Case(
        "env-object",
        _jinja("{{ env.CANARY_SECRET }}"),
        "environment variables are reachable only through secret('NAME')",
        line=3,
    ),
    Case("environ-name", _jinja("{{ environ['CANARY_SECRET'] }}"), "'environ' is undefined", line=3),
    Case("os-name", _jinja("{{ os.environ }}"), "'os' is undefined", line=3),
    Case("config-name", _jinja("{{ config }}"), "'config' is undefined", line=3),
    Case(
        "secret-of-a-non-name",
        _jinja("{{ secret(vars) }}"),
        "secret() takes the name of an environment variable",
        line=3,
    ),
    # --- Jinja: sandbox escapes ---------------------------------------------------------------
    Case(
        "class-mro",
        _jinja("{{ ''.__class__.__mro__[1].__subclasses__() }}"),
        "template refused by the sandbox: access to attribute '__class__'",
        line=3,
    ),
    Case(
        "globals-via-cycler",
        _jinja("{{ cycler.__init__.__globals__.os.environ }}"),
        "template refused by the sandbox: access to attribute '__init__'",
        line=3,
    ),
    Case(
        "globals-via-lipsum",
        _jinja("{{ lipsum.__globals__['os'].environ }}"),
        "template refused by the sandbox: access to attribute '__globals__'",
        line=3,
    ),
    Case(
        "template-context",
        _jinja("{{ self._TemplateReference__context.environment }}"),
        "template refused by the sandbox",
        line=3,
    ),
    Case(
        "format-attribute-escape",
        _jinja("{{ '{0.__class__.__base__.__subclasses__}'.format('') }}"),
        "template refused by the sandbox",
        line=3,
    ),
    Case(
        "vars-class",
        _jinja("{{ vars.__class__.__init__.__globals__ }}"),
        "template refused by the sandbox",
        line=3,
    ),
]


def _build(root: Path, case: Case) -> Path:
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"version: 1\nteams: [{{key: x, name: {OUTSIDE}}}]\n")
    (outside / "secret.py").write_text(f"print('{OUTSIDE}')\n")
    tree = root / "tree"
    for name, text in case.files.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text.startswith(SYMLINK):
            os.symlink(root / text[len(SYMLINK) :], path)
        else:
            path.write_text(text, encoding="utf-8")
    return tree


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_manifest_is_refused(tmp_path: Path, case: Case) -> None:
    tree = _build(tmp_path, case)
    args = [arg.replace("{tree}", str(tree)) for arg in case.args]
    env = {"CANARY_SECRET": CANARY, "ADAPTIVE_PLAN_RENDER_SECONDS": "2", **case.env}
    runner = CliRunner()
    text = runner.invoke(cli, ["validate", str(tree), *args], env=env)
    assert text.exit_code == 1, text.output
    assert "Traceback" not in text.output, text.output
    assert isinstance(text.exception, SystemExit), text.exception
    place = f"{tree / case.where}:{case.line}:" if case.line else f"{tree / case.where}:"
    lines = [line for line in text.output.splitlines() if case.expected in line]
    assert lines and lines[0].startswith(place), text.output[:2000]
    assert OUTSIDE not in text.output and CANARY not in text.output
    as_json = runner.invoke(cli, ["validate", str(tree), *args, "--format", "json"], env=env)
    assert as_json.exit_code == 1
    report = json.loads(as_json.output)
    assert report["valid"] is False
    assert any(case.expected in error["message"] for error in report["errors"]), report["errors"]
    assert OUTSIDE not in as_json.output and CANARY not in as_json.output
