"""Fuzzing the real CLI with mutated manifests: never a traceback, never unbounded.

A seeded generator (``random.Random``, so every failure names the seed that replays it)
builds each case from an example manifest or from a shape derived from the schema, then
mutates it: wrong types at a random path, unicode, huge values, YAML tricks, Jinja tricks
and path tricks (recipe/function/var-file paths, symlinks out of the tree). Every case
runs ``validate --format json`` (every fifth also in text) and, for a share of them,
``plan --format json`` against the emulator, and must exit 0 or 1, with no traceback,
JSON that parses, within ``CASE_SECONDS``.

The default run is ``DEFAULT_CASES`` cases (well under 30 s); ``--fuzz-cases N`` (or
``ADAPTIVE_PLAN_FUZZ_CASES=N``) runs N, and ``--fuzz-seed S`` starts elsewhere. The summary
line (cases, tracebacks, slowest case, peak RSS) is printed at the end of the run.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import resource
import shutil
import signal
import string
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from click.testing import CliRunner, Result

from adaptive_plan.cli.main import cli
from adaptive_plan.manifest.schema import manifest_schema
from adaptive_plan.manifest.template import make_environment, render
from adaptive_plan.manifest.variables import VariableResolver

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEFAULT_CASES = 150
CASE_SECONDS = 30.0  # a hang detector, far above any case's real time (rendering stops at 2 s)
PLAN_SHARE = 8  # one case in PLAN_SHARE also runs plan against the emulator
ENV = {
    "ADAPTIVE_PLAN_RENDER_SECONDS": "2",
    "OPENAI_API_KEY": "fuzz-canary-openai-5d1e",
    "FUZZ_CANARY": "fuzz-canary-env-8a7b",
}
CANARIES = ("fuzz-canary-openai-5d1e", "fuzz-canary-env-8a7b", "OUTSIDE-FUZZ-TREE-3c9d")

WEIRD_SCALARS: list[Any] = [
    None, True, False, 0, -1, 1.5, float("inf"), float("nan"), 10**30, -(10**30), 1e308, "", " ",
    "x", "ml\n", "\nml", "Bad Key", "a/b", "../..", "ü", "名前", "\u202etxt", "\u200b", "🙂" * 3,
    "\t", "'\"", "{{", "}}", "%s", "${HOME}", "@@adaptive-secret:X@@", "a" * 300, "yes", "no",
    "0x1F", "1e3", "~", "null", "2024-01-01", "*", "&", "!", "|", ">", "#", "- x", "a: b",
]
JINJA: list[str] = [
    "{{ vars.nope }}", "{{ vars }}", "{% for i in range(3) %}{{ i }}{% endfor %}", "{% if %}",
    "{{ 'x' * 10**9 }}", "{{ lipsum(10**6) }}", "{{ 'x'|center(10**9) }}", "{% include 'a' %}",
    "{% import 'a' as a %}", "{% extends 'a' %}", "{{ secret(1) }}", "{{ secret('FUZZ_CANARY') }}",
    "{{ secret('UNSET_VAR') }}", "{% raw %}{{ x }}{% endraw %}", "{# open comment", "{{ 1/0 }}",
    "{{ range(100000)|list|length }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ ''.__class__ }}", "{{ cycler.__init__.__globals__ }}", "{{ 'abc'|truncate(0) }}",
    "{{ '{:>1000000000}'.format('x') }}", "{{ 10**100000 }}", "{{ env.FUZZ_CANARY }}",
    "{% set ns = namespace(x='x') %}{% for i in range(30) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ [1]|batch(10**9, 0)|list }}", "{{ 'a' ~ none }}", "{{ (vars|list)[0] }}", "{{ x.y.z }}",
    "{{ 9**9**9 }}", "{{ '%*d' % (10**9, 1) }}", "{{ [] * -1 }}", "{{ {}|dictsort }}", "{{",
    "{% for %}", "{% endfor %}", "{{ vars.__class__ }}", "{{ self }}", "{{ 'x'|indent(10**9) }}",
    "{{ ((((((((((((((((((((1)))))))))))))))))))) }}", "{{ lipsum.__globals__ }}", "{{ 1e308 * 10 }}",
]
YAML_TRICKS: list[str] = [
    "x: &a [1, 2]\ny: *a\n", "x: *nope\n", "? [a, b]\n: c\n", "x: !!python/object/apply:os.system [id]\n",
    "x: !!binary aGVsbG8=\n", "x: !!set {a: null}\n", "x: !foo bar\n", "x: !!omap [{a: 1}]\n",
    "<<: {version: 1}\n", "x: {<<: [*a]}\n", "---\n---\n", "...\n", "%YAML 1.1\n---\n",
    "\tx: 1\n", "x: 1\nx: 2\n", "x: [\n", "x: {a: 1\n", "x: 'open\n", "x: |\n  a\n b\n",
    "x: >-\n\n", "x: 0o777\n", "x: .inf\n", "x: -.nan\n", "x: 2001-12-14t21:59:43.10-05:00\n",
    "x: [" + "[" * 200 + "]" * 200 + "]\n", "x: " + "a" * 100_000 + "\n", "&a x: 1\n",
    "x: &b {a: &c [1], b: *c}\nz: [*b, *b, *b, *b]\n", "version: " + "9" * 5000 + "\n", "x: 1e99999\n",
]
PATHS: list[str] = [
    "/etc/passwd", "../../etc", "~/x", "recipes/../../..", "recipes/./grpo_support", "", ".", "..",
    "a" * 5000, "dir/\n/x", "C:\\\\x", "link-out", "link-out/x.py", "loop", "missing.py", "m.yaml",
    "recipes/grpo_support/../../m.yaml", "\u00e9t\u00e9.py", "x\\..\\..\\y",
]


# --- the generator ---------------------------------------------------------------------------
class Case:
    """One fuzz case: files to write (relative path -> text or bytes), extra CLI arguments."""

    def __init__(self, seed: int, origin: str) -> None:
        self.seed = seed
        self.origin = origin
        self.files: dict[str, str | bytes] = {}
        self.args: list[str] = []
        self.mutations: list[str] = []
        self.root: Path | None = None  # the example tree it comes from (recipes, graders)
        self.entry = ""  # a file of the tree to pass instead of the tree

    def describe(self) -> str:
        return f"seed {self.seed} ({self.origin}; {', '.join(self.mutations) or 'unmutated'})"


@dataclass
class Example:
    """An example tree: its files *rendered* (so data mutations never cut a template; literal
    braces re-escaped on the way out), what to pass on the command line, where its recipes are."""

    name: str
    root: Path
    files: dict[str, str]
    entry: str = ""  # a file to pass instead of the tree (relative), else the tree
    args: tuple[str, ...] = ()


def _examples() -> list[Example]:
    found = []
    for name, entry, var_files in (
        ("full", "", ()), ("quickstart", "", ()), ("multi-environment", "manifest.yaml", ("envs/dev.yaml",))
    ):
        root = EXAMPLES / name
        paths = [root / entry] if entry else sorted(p for p in root.rglob("*.yaml") if p.is_file())
        resolver = VariableResolver()
        texts = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in paths}
        for relative, text in texts.items():
            resolver.add_defaults(text, relative)
        resolver.add_var_files([str(root / v) for v in var_files])
        environment = make_environment()
        rendered = {rel: render(environment, text, rel, resolver.values) for rel, text in texts.items()}
        rendered.update({v: (root / v).read_text(encoding="utf-8") for v in var_files})
        args = tuple(a for v in var_files for a in ("--var-file", "{tree}/" + v))
        found.append(Example(name, root, rendered, entry, args))
    return found


def _escape_templates(text: str) -> str:
    """Rendered text back into template source: literal ``{{``, ``{%`` and ``{#`` as Jinja prints them."""
    return re.sub(r"\{[{%#]", lambda m: "{{ '" + m.group(0) + "' }}", text)


class ShapeMaker:
    """Values of the shapes the schema describes (valid more often than not)."""

    SAMPLES: ClassVar[dict[str, list[str]]] = {
        "^[A-Za-z0-9][A-Za-z0-9._-]*$": ["k1", "ml-platform", "a.b_c", "X9"],
        "^\\w[\\w.-]*(/\\w[\\w.-]*)*$": ["m1", "llama-3.1-8b", "org/m", "modèle"],
        "^[a-z0-9_-]+$": ["ci-bot", "svc_1"],
        "^[^@\\s]+@[^@\\s]+$": ["a@b.example", "ü@x.y"],
        "^[^/]+$": ["name", "a b"],
        "^[A-Za-z_][A-Za-z0-9_]*$": ["v", "env_1"],
    }

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.root = manifest_schema()

    def make(self, schema: Any, depth: int = 0) -> Any:
        rng = self.rng
        if schema is True or not isinstance(schema, dict):
            return rng.choice(WEIRD_SCALARS)
        if "$ref" in schema:
            target: Any = self.root
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return self.make(target, depth + 1)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return rng.choice(schema["enum"])
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self.make(rng.choice(schema[key]), depth + 1)
        if "allOf" in schema and "type" not in schema and "properties" not in schema:
            return self.make(schema["allOf"][0], depth + 1)
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if isinstance(kind, list):
            kind = rng.choice(kind)
        if depth > 12:
            return rng.choice(["k1", 1, True])
        if kind == "object":
            props = schema.get("properties", {})
            required = set(schema.get("required", []))
            return {
                name: self.make(sub, depth + 1)
                for name, sub in props.items()
                if name in required or rng.random() < 0.35
            }
        if kind == "array":
            return [self.make(schema.get("items", {}), depth + 1) for _ in range(rng.randint(0, 3))]
        if kind == "string":
            pattern = schema.get("pattern")
            if pattern in self.SAMPLES:
                return rng.choice(self.SAMPLES[pattern])
            return rng.choice(["text", "Name", "k1", "https://x.example/h", "a@b.example"])
        if kind == "integer":
            return rng.choice([schema.get("minimum", 0), 1, 2, 8])
        if kind == "number":
            return rng.choice([0.5, 1, 100.0])
        if kind == "boolean":
            return rng.choice([True, False])
        return None

    def document(self) -> dict[str, Any]:
        sections = [s for s in self.root["properties"] if s not in ("version", "variables", "prune")]
        data: dict[str, Any] = {"version": 1}
        for section in self.rng.sample(sections, self.rng.randint(1, min(4, len(sections)))):
            data[section] = self.make(self.root["properties"][section])
        return data


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return data


class Mutator:
    def __init__(self, rng: random.Random, shapes: ShapeMaker) -> None:
        self.rng = rng
        self.shapes = shapes

    # data-level mutations ---------------------------------------------------------------
    def wrong_type(self, data: Any) -> tuple[Any, str]:
        path = self.rng.choice(_paths(data))
        value = self.rng.choice([*WEIRD_SCALARS, [], {}, [None], {"k": []}, [[[]]], {"": 1}])
        return _set(data, path, copy.deepcopy(value)), f"wrong type at {path[:4]}"

    def wrong_container(self, data: Any) -> tuple[Any, str]:
        """A list or mapping replaced by a scalar (or the other container): what rule checks meet."""
        paths = [p for p in _paths(data) if p and isinstance(_get(data, p), list | dict)]
        if not paths:
            return self.wrong_type(data)
        path = self.rng.choice(paths)
        value = self.rng.choice([5, 1.5, True, None, "text", [], {}, [1], {"k": 1}, [[1]], [{"key": {}}]])
        return _set(data, path, copy.deepcopy(value)), f"wrong container at {path[:4]}"

    def huge(self, data: Any) -> tuple[Any, str]:
        path = self.rng.choice(_paths(data))
        value = self.rng.choice([
            "x" * self.rng.choice([10_000, 200_000]), list(range(5_000)), {f"k{i}": i for i in range(2_000)},
            10**self.rng.choice([20, 400, 4000]), _deep(self.rng.randint(20, 70)),
        ])
        return _set(data, path, value), f"huge value at {path[:4]}"

    def unicode(self, data: Any) -> tuple[Any, str]:
        path = self.rng.choice(_paths(data))
        alphabet = "aé名🙂\u202e\u200b\u0301\t\n\r\x85\u2028\ufeff/.-_ '\"\\"
        value = "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(1, 20)))
        return _set(data, path, value), f"unicode at {path[:4]}"

    def unknown_key(self, data: Any) -> tuple[Any, str]:
        mappings = [p for p in _paths(data) if isinstance(_get(data, p), dict)]
        if not mappings:
            return data, "unknown key (nothing)"
        path = self.rng.choice(mappings)
        _get(data, path)[self.rng.choice(["nmae", "kye", "__proto__", "", "ü", "key\n"])] = 1
        return data, f"unknown key at {path[:4]}"

    def _some_filled(self, data: Any, container: type) -> tuple[Any, ...] | None:
        """The path of a random non-empty ``container`` (dict or list) in ``data``, or ``None``."""
        paths = [p for p in _paths(data) if isinstance(_get(data, p), container) and _get(data, p)]
        return self.rng.choice(paths) if paths else None

    def drop_key(self, data: Any) -> tuple[Any, str]:
        path = self._some_filled(data, dict)
        if path is None:
            return data, "drop (nothing)"
        target = _get(data, path)
        target.pop(self.rng.choice(list(target)))
        return data, f"drop key at {path[:4]}"

    def duplicate_item(self, data: Any) -> tuple[Any, str]:
        path = self._some_filled(data, list)
        if path is None:
            return data, "duplicate (nothing)"
        items = _get(data, path)
        items.append(copy.deepcopy(self.rng.choice(items)))
        return data, f"duplicate item at {path[:4]}"

    def path_trick(self, data: Any) -> tuple[Any, str]:
        trick = self.rng.choice(PATHS)
        project = {"key": "p-fuzz", "team": "default"}
        field = self.rng.choice(["recipe", "entrypoint", "config_entrypoint", "function"])
        if field == "recipe":
            project["recipes"] = [{"key": "r", "path": trick}]
        elif field == "function":
            project["metrics"] = [{"key": "m", "kind": "bool"}]
            project["graders"] = [{"key": "g", "metric": "m", "function": {"file": trick}}]
        else:
            project["recipes"] = [{"key": "r", "path": "recipes/grpo_support", field: trick}]
        if isinstance(data, dict):
            projects = data.get("projects")
            if isinstance(projects, list):
                projects.append(project)
            else:
                data["projects"] = [project]
        return data, f"path trick {field}={trick[:30]!r}"

    def benign(self, data: Any) -> tuple[Any, str]:
        """A change that keeps the manifest valid: odd but legal names, descriptions, more copies."""
        rng = self.rng
        paths = [p for p in _paths(data) if p]
        named = [p for p in paths if p[-1] in ("name", "description") and isinstance(_get(data, p), str)]
        lists = [p for p in paths if p[-1] in ("teams", "projects") and isinstance(_get(data, p), list)]
        if named and (not lists or rng.random() < 0.6):
            path = rng.choice(named)
            odd = ["Ünïcödé 名前 🙂", "a" * 2000, "with: colon # hash", "'quoted' \"double\"", "é" * 50]
            value = rng.choice(odd)
            return _set(data, path, value), f"benign {path[-1]} at {path[:4]}"
        if lists:
            path = rng.choice(lists)
            items = _get(data, path)
            if items and isinstance(items[0], dict) and isinstance(items[0].get("key"), str):
                for copy_index in range(rng.randint(1, 20)):
                    clone = copy.deepcopy(items[0])
                    clone["key"] = f"{clone['key']}-fz{copy_index}"
                    items.append(clone)
                return data, f"benign copies at {path}"
        return data, "benign (nothing)"

    DATA: ClassVar[tuple[str, ...]] = (
        "wrong_type", "wrong_type", "wrong_container", "wrong_container", "huge", "unicode", "unknown_key",
        "drop_key", "duplicate_item", "path_trick",
    )

    # text-level mutations ---------------------------------------------------------------
    def text(self, text: str) -> tuple[str | bytes, str]:
        rng = self.rng
        lines = text.splitlines(keepends=True) or ["\n"]
        choice = rng.randrange(9)
        at = rng.randrange(len(lines) + 1)
        if choice == 0:
            return "".join(lines[:at]) + rng.choice(YAML_TRICKS) + "".join(lines[at:]), "yaml trick"
        if choice == 1:
            snippet = rng.choice(JINJA)
            index = rng.randrange(len(text) + 1)
            return text[:index] + snippet + text[index:], f"jinja {snippet[:30]!r}"
        if choice == 2:
            snippet = rng.choice(JINJA).replace('"', "'")
            return "".join(lines[:at]) + f'fuzz: "{snippet}"\n' + "".join(lines[at:]), "jinja value"
        if choice == 3:
            return text[: rng.randrange(len(text) + 1)], "truncated"
        if choice == 4:
            raw = bytearray(text.encode("utf-8"))
            for _ in range(rng.randint(1, 5)):
                raw.insert(rng.randrange(len(raw) + 1), rng.choice([0xFF, 0xC3, 0x00, 0x80, 0xFE]))
            return bytes(raw), "bad bytes"
        if choice == 5:
            return "\ufeff" + text.replace("  ", "\t", rng.randint(1, 3)), "bom and tabs"
        if choice == 6:
            index = rng.randrange(len(text) + 1)
            noise = "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 12)))
            return text[:index] + noise + text[index:], "noise"
        if choice == 7:
            blocks = ["a: {{ x }}", "a: &x 1\n  b: *x", "1: 2", "a:\n  - [", "a: 1\n  a: 2"]
            block = "variables:\n  " + rng.choice(blocks)
            return block + "\n" + text, "variables block"
        bomb = "bomb0: &b0 [" + ", ".join(["x"] * 10) + "]\n"
        for level in range(1, rng.randint(2, 8)):
            bomb += f"bomb{level}: &b{level} [" + ", ".join([f"*b{level - 1}"] * 10) + "]\n"
        return text + bomb, "alias bomb"


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _deep(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"a": [value]}
    return value


def make_case(seed: int, examples: list[Example]) -> Case:
    rng = random.Random(seed)
    shapes = ShapeMaker(rng)
    mutate = Mutator(rng, shapes)
    if rng.random() < 0.6:
        example = rng.choice(examples)
        case = Case(seed, f"example {example.name}")
        raw = dict(example.files)
        case.files = {rel: _escape_templates(text) for rel, text in raw.items()}
        case.root, case.entry, case.args = example.root, example.entry, list(example.args)
    else:
        case = Case(seed, "schema shapes")
        raw = {"m.yaml": "# yaml-language-server: $schema=x\n" + yaml.safe_dump(shapes.document())}
        case.files = {rel: _escape_templates(text) for rel, text in raw.items()}
    target = rng.choice(sorted(case.files))
    mode = rng.choices(["benign", "light", "heavy"], weights=[25, 30, 45])[0]
    try:
        data = yaml.safe_load(raw[target])
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and (mode != "heavy" or rng.random() < 0.6):
        count = {"benign": 1, "light": 1}.get(mode, rng.randint(1, 3))
        for _ in range(count):
            mutation = "benign" if mode == "benign" else rng.choice(Mutator.DATA)
            data, what = getattr(mutate, mutation)(data)
            case.mutations.append(what)
        dumped = yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, width=10**6, sort_keys=False)
        case.files[target] = _escape_templates(dumped)
    if not case.mutations or (mode == "heavy" and rng.random() < 0.5):
        text = case.files[target]
        mutated, what = mutate.text(text if isinstance(text, str) else text.decode("utf-8", "replace"))
        case.files[target] = mutated
        case.mutations.append(what)
    if mode != "benign" and rng.random() < 0.15:
        case.args += rng.choice([
            ["--var", "env=prod"], ["--var", "replicas=x"], ["--var", "nope=1"], ["--var", "a.b=1"],
            ["--var-file", "{tree}/vars-out.yaml"], ["--var-file", "{tree}/missing.yaml"],
            ["--var-file", "{tree}"], ["--var-file", "{tree}/m.yaml"], ["--var", "list=[1, {a"],
        ])
        case.mutations.append(f"args {case.args[-2:]}")
    if mode != "benign" and rng.random() < 0.1:
        case.files[rng.choice(["leak.yaml", "sub/leak.yml", "vars-out.yaml"])] = "symlink:outside.yaml"
        case.mutations.append("symlink out")
    return case


# --- running ---------------------------------------------------------------------------------
class _Hang(Exception):
    pass


def _write(root: Path, case: Case) -> Path:
    tree = root / "tree"
    outside = root / "outside.yaml"
    outside.write_text(f"version: 1\nteams: [{{key: out, name: {CANARIES[2]}}}]\n")
    for relative, content in case.files.items():
        path = tree / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == "symlink:outside.yaml":
            os.symlink(outside, path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
    if case.root is not None:  # the example's other files: recipes, function graders
        for source in case.root.rglob("*"):
            target = tree / source.relative_to(case.root)
            if source.is_file() and source.suffix not in (".yaml", ".yml") and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    (tree / "link-out").symlink_to(root)
    (tree / "loop").symlink_to(tree / "loop")
    return tree


def _invoke(argv: list[str]) -> tuple[Result, float]:
    def on_alarm(signum: int, frame: Any) -> None:
        raise _Hang(f"no result after {CASE_SECONDS:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
    started = time.monotonic()
    try:
        result = CliRunner().invoke(cli, argv, env=ENV, catch_exceptions=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return result, time.monotonic() - started


def _check(result: Result, label: str, *, json_out: bool) -> str | None:
    """What is wrong with ``result`` (None when it behaved)."""
    output = result.stdout + result.stderr
    if isinstance(result.exception, _Hang):
        return f"{label}: hang ({result.exception})"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{label}: traceback {type(result.exception).__name__}: {str(result.exception)[:300]}"
    if "Traceback" in output:
        return f"{label}: traceback in the output"
    if result.exit_code not in (0, 1):
        return f"{label}: exit {result.exit_code}"
    if json_out and (result.stdout.strip() or label.startswith("validate")):
        try:
            json.loads(result.stdout)
        except ValueError as error:
            return f"{label}: --format json output is not JSON ({error}): {result.stdout[:200]!r}"
    for canary in CANARIES:
        if canary in output:
            return f"{label}: {canary} in the output"
    return None


def run_case(case: Case, root: Path, emu: Any) -> tuple[list[str], float, int]:
    """Problems, the slowest run's seconds, and how many runs. ``plan`` runs on every case that
    validates (those go deepest) and on one in ``PLAN_SHARE`` of the others."""
    tree = _write(root, case)
    args = [a.replace("{tree}", str(tree)) for a in case.args]
    where = str(tree / case.entry) if case.entry else str(tree)
    problems: list[str] = []
    slowest = 0.0
    runs = [("validate json", ["validate", where, *args, "--format", "json"], True)]
    if case.seed % 5 == 0:
        runs.append(("validate text", ["validate", where, *args], False))
    connect = ["--url", emu.url, "--api-key", emu.api_key]
    plan = ("plan json", ["plan", where, *args, "--format", "json", *connect])
    done = 0
    while runs:
        label, argv, json_out = runs.pop(0)
        result, seconds = _invoke(argv)
        done += 1
        slowest = max(slowest, seconds)
        problem = _check(result, label, json_out=json_out)
        if problem:
            problems.append(problem)
        if label == "validate json" and (result.exit_code == 0 or case.seed % PLAN_SHARE == 0):
            runs.append((*plan, True))
    return problems, slowest, done


def _cases_wanted(config: pytest.Config) -> int:
    option = config.getoption("fuzz_cases", None)
    return int(option or os.environ.get("ADAPTIVE_PLAN_FUZZ_CASES") or DEFAULT_CASES)


def test_fuzzed_manifests_never_crash_hang_or_leak(
    tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = _cases_wanted(request.config)
    first = int(request.config.getoption("fuzz_seed", None) or os.environ.get("ADAPTIVE_PLAN_FUZZ_SEED") or 0)
    examples = _examples()
    emu = request.getfixturevalue("emu")
    failures: list[str] = []
    slowest = (0.0, "")
    runs = 0
    started = time.monotonic()
    for seed in range(first, first + cases):
        case = make_case(seed, examples)
        root = tmp_path / f"c{seed}"
        root.mkdir()
        problems, seconds, count = run_case(case, root, emu)
        runs += count
        shutil.rmtree(root, ignore_errors=True)
        if seconds > slowest[0]:
            slowest = (seconds, case.describe())
        failures += [f"{case.describe()}: {p}" for p in problems]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = (
        f"fuzz: {cases} cases (seeds {first}..{first + cases - 1}, {runs} CLI runs) "
        f"in {time.monotonic() - started:.1f} s; "
        f"failures {len(failures)}; slowest {slowest[0]:.2f} s ({slowest[1]}); peak RSS {peak:.0f} MB"
    )
    with capsys.disabled():
        print("\n" + summary)
    report = os.environ.get("ADAPTIVE_PLAN_FUZZ_REPORT")
    if report:
        Path(report).write_text(summary + "\n" + "\n".join(failures) + "\n", encoding="utf-8")
    assert not failures, "\n".join(failures[:30])

