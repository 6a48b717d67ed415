"""The shipped schema is editor-friendly (markdown hovers, templated strings accepted), the
committed copies are what ``scripts/update_schema.py`` makes of them, and ``validate`` still
sees the exact hand-written rules (a template left in a rendered key is an error)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from adaptive_plan.manifest.editor_schema import TEMPLATE_PATTERN, for_editors, for_validation
from adaptive_plan.manifest.schema import manifest_schema
from adaptive_plan.schema_files import MANIFEST
from tests.manifest.helpers import validate, write

ROOT = Path(__file__).resolve().parents[2]
COPIES = [ROOT / "schemas" / "manifest.schema.json", ROOT / "adaptive_plan" / "schemas" / MANIFEST]
SHIPPED = json.loads(COPIES[0].read_text(encoding="utf-8"))
EDITOR = jsonschema.Draft202012Validator(SHIPPED)
MODELINE = "# yaml-language-server: $schema=../schemas/manifest.schema.json\n"


def test_the_committed_schema_is_up_to_date() -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_schema.py"), "--check"],
        capture_output=True, text=True, timeout=60,
    )
    assert check.returncode == 0, f"{check.stderr}run: python scripts/update_schema.py"
    assert COPIES[0].read_bytes() == COPIES[1].read_bytes(), "run: python scripts/update_schema.py"


def test_the_check_fails_and_names_the_command_when_a_copy_is_stale(tmp_path: Path) -> None:
    for copy in ("scripts/update_schema.py", "adaptive_plan", "schemas"):
        source = ROOT / copy
        target = tmp_path / copy
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True)
            target.write_bytes(source.read_bytes())
    stale = json.loads((tmp_path / COPIES[0].relative_to(ROOT)).read_text())
    stale["$defs"]["team"]["properties"]["key"]["description"] = "A new description."
    for copy in COPIES:
        (tmp_path / copy.relative_to(ROOT)).write_text(json.dumps(stale, indent=2) + "\n")
    script = [sys.executable, str(tmp_path / "scripts" / "update_schema.py")]
    check = subprocess.run([*script, "--check"], capture_output=True, text=True, timeout=60)
    assert check.returncode == 1 and "run python scripts/update_schema.py" in check.stderr
    assert subprocess.run(script, capture_output=True, timeout=60).returncode == 0
    assert subprocess.run([*script, "--check"], capture_output=True, timeout=60).returncode == 0
    fixed = json.loads((tmp_path / COPIES[0].relative_to(ROOT)).read_text())
    assert fixed["$defs"]["team"]["properties"]["key"]["markdownDescription"] == "A new description."


def _subschemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for word, value in node.items():
            if word in ("properties", "$defs"):
                for sub in value.values():
                    yield from _subschemas(sub)
            elif word not in ("enum", "const", "default", "examples", "required"):
                yield from _subschemas(value)
    elif isinstance(node, list):
        for item in node:
            yield from _subschemas(item)


def test_every_description_has_a_markdown_description_and_every_string_rule_takes_a_template() -> None:
    nodes = list(_subschemas(SHIPPED))
    described = [node for node in nodes if isinstance(node.get("description"), str)]
    assert len(described) > 100
    assert all(node["markdownDescription"] == node["description"] for node in described)
    assert all(node["pattern"] == TEMPLATE_PATTERN or node["pattern"].endswith("|" + TEMPLATE_PATTERN)
               for node in nodes if "pattern" in node)
    string_enums = [n for n in nodes if "enum" in n and all(isinstance(v, str) for v in n["enum"])]
    alternatives = [node["anyOf"][0] for node in nodes
                    if node.get("anyOf", [{}])[-1] == {"pattern": TEMPLATE_PATTERN}]
    assert len(string_enums) >= 10
    assert all(any(enum is branch for branch in alternatives) for enum in string_enums), (
        "a string enum without its template alternative"
    )


def test_validation_sees_the_hand_written_schema() -> None:
    strict = manifest_schema()
    assert strict == for_validation(SHIPPED)
    assert not any("markdownDescription" in node for node in _subschemas(strict))
    assert not any(TEMPLATE_PATTERN in node.get("pattern", "") for node in _subschemas(strict))
    assert strict["$defs"]["metric"]["properties"]["kind"]["enum"] == ["scalar", "bool"]
    assert for_editors(for_editors(strict)) == SHIPPED == for_editors(SHIPPED)
    assert for_validation(strict) == strict


TEMPLATED = """\
version: 1
variables: {env: dev, provider: open_ai, scoring: higher_is_better}
teams:
  - key: ml-{{ vars.env }}
models:
  - key: judge-{{ vars.env }}
    external:
      provider: "{{ vars.provider }}"
      external_model_id: gpt-4o
      api_key: "{{ secret('OPENAI_API_KEY') }}"
projects:
  - key: bot-{{ vars.env }}
    team: ml-{{ vars.env }}
    metrics:
      - {key: resolved, kind: bool, scoring: "{{ vars.scoring }}"}
# {% if vars.env == "prod" %}
      - key: csat-{{ vars.env }}
        kind: scalar
# {% endif %}
"""


def test_the_editor_accepts_templated_strings_and_commented_blocks(tmp_path: Path) -> None:
    source = yaml.safe_load(TEMPLATED)  # what the editor parses: the unrendered file
    assert list(EDITOR.iter_errors(source)) == []
    path = write(tmp_path, "manifest.yaml", MODELINE + TEMPLATED)
    dev = validate(str(path))
    assert dev.exit_code == 0 and "4 resources" in dev.output, dev.output
    prod = validate(str(path), "--var", "env=prod")
    assert prod.exit_code == 0 and "5 resources" in prod.output, prod.output


@pytest.mark.parametrize(
    ("document", "word"),
    [
        ({"version": 1, "teams": [{"key": "Bad Key!"}]}, "pattern"),
        ({"version": 1, "projects": [{"key": "p", "metrics": [{"key": "m", "kind": "float"}]}]}, "anyOf"),
    ],
)
def test_the_editor_still_rejects_what_is_neither_valid_nor_a_template(document: Any, word: str) -> None:
    errors = list(EDITOR.iter_errors(document))
    assert errors and any(word in (str(e.validator), *map(str, e.schema_path)) for e in _leaves(errors))


def _leaves(errors: list[jsonschema.ValidationError]) -> Iterator[jsonschema.ValidationError]:
    for error in errors:
        yield error
        yield from _leaves(list(error.context or []))


def test_a_template_left_in_a_rendered_key_is_still_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "manifest.yaml", "version: 1\nteams:\n  - key: \"ml-{{ '{{' }} env }}\"\n")
    result = validate(str(path))
    assert result.exit_code == 1, result.output
    assert "'ml-{{ env }}' is not a valid key" in result.output


def test_the_readme_manifests_are_valid_in_the_editor_as_written() -> None:
    """The tour's manifest and the templates-in-the-editor snippet, before rendering."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL)
    documents = [yaml.safe_load(block) for block in blocks]
    tour = [d for d in documents if isinstance(d, dict) and d.get("version") == 1]
    assert tour and any("{{" in block and "{%" in block for block in blocks)
    for document in tour:
        assert list(EDITOR.iter_errors(document)) == []


NODE_CHECK = """
const schema = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
const found = [];
(function walk(node) {
  if (Array.isArray(node)) return node.forEach(walk);
  if (node && typeof node === 'object') {
    for (const [word, value] of Object.entries(node)) {
      if (word === 'pattern' && typeof value === 'string') found.push(value);
      walk(value);
    }
  }
})(schema);
const results = found.map((pattern) => {
  try { return [pattern, new RegExp(pattern, 'u').test('x-{{ vars.env }}')]; }
  catch (error) { return [pattern, String(error)]; }
});
console.log(JSON.stringify(results));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for JavaScript's RegExp")
def test_editors_javascript_regexps_compile_every_pattern_and_take_a_template() -> None:
    """Editors run the patterns with JavaScript's RegExp (unicode mode), not Python's re."""
    done = subprocess.run(["node", "-e", NODE_CHECK, str(COPIES[0])], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) >= 20
    assert [pattern for pattern, ok in results if ok is not True] == []
