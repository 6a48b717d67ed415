"""Safe YAML loading that keeps a line/column mark for every node, in one pass.

The libyaml event stream (pure-Python parser when libyaml is missing) is turned
straight into plain data plus two mark tables: ``marks`` (JSON path -> where the
value was written) and ``key_marks`` (JSON path -> where its mapping key was
written). Only JSON-like data comes out: strings, ints, floats, bools, None,
lists and string-keyed dicts; timestamps stay strings and other tags are refused.

Aliases are expanded by copying, which is where "billion laughs" bombs explode,
so every node produced by an alias counts against a budget, and so does every
character of text it copies (a 5 MB string aliased 400 times is few nodes but
2 GB for everything downstream); the load stops with a clear error once either
is spent. Duplicate keys in a mapping are errors that name both places. Items of
the top-level list sections get their index in the *merged* document (``offsets``),
so marks need no re-keying when files merge.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from adaptive_plan.kinds import TOP_SECTIONS
from adaptive_plan.model.errors import Diagnostic
from adaptive_plan.model.source import SourceMark

Path = tuple[str | int, ...]

MAX_ALIAS_NODES = 100_000
MAX_ALIAS_CHARS = 16_000_000  # characters of scalar text that aliases may copy, per file
MAX_DEPTH = 64

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_PREFIX = "tag:yaml.org,2002:"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR = yaml.ScalarEvent
_MAPPING_END = yaml.MappingEndEvent


class YamlProblem(Exception):
    """A problem that stops the load of one file; carries its Diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def to_source(raw: Any) -> SourceMark:
    """A parser mark (0-based, named after the file) as a SourceMark (1-based)."""
    return SourceMark(raw.name, raw.line + 1, raw.column + 1)


@dataclass
class Marks:
    """Where things were written: values by path, mapping keys by the path of their value.

    Holds the parser's own mark objects (no allocation per node); ``to_source`` converts.
    """

    values: dict[Path, Any] = field(default_factory=dict)
    keys: dict[Path, Any] = field(default_factory=dict)

    def value(self, path: Path) -> SourceMark | None:
        raw = self.values.get(path)
        return None if raw is None else to_source(raw)

    def key(self, path: Path) -> SourceMark | None:
        raw = self.keys.get(path)
        return None if raw is None else to_source(raw)


@dataclass
class Document:
    """One YAML document of a file: its data, the mark of its root and of its top-level
    values (those paths, such as ``("version",)``, repeat across files)."""

    file: str
    data: Any
    mark: SourceMark
    top: dict[str, SourceMark] = field(default_factory=dict)
    top_keys: dict[str, SourceMark] = field(default_factory=dict)


def load_documents(
    text: str, file: str, marks: Marks, offsets: dict[str, int] | None = None, sections: bool = True
) -> list[Document]:
    """Every document of ``text``; raises YamlProblem on a syntax error or a refused construct.

    ``offsets``: section name -> items already loaded from earlier documents; updated.
    ``sections``: give top-level list-section items merged indexes (False for var files).
    """
    builder = _Builder(file, marks, offsets if offsets is not None else {}, sections)
    stream = io.StringIO(text)
    stream.name = file  # type: ignore[misc]  # marks carry the file name
    loader = _Loader(stream)
    try:
        return builder.documents(loader.get_event)
    except yaml.MarkedYAMLError as error:
        raise YamlProblem(_syntax_diagnostic(error, text, file)) from None
    except yaml.YAMLError as error:
        raise YamlProblem(Diagnostic(f"YAML error: {error}", SourceMark(file, 1, 1))) from None
    finally:
        loader.dispose()


def _syntax_diagnostic(error: yaml.MarkedYAMLError, text: str, file: str) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line, mark.column) if mark is not None else (0, 0)
    lines = text.splitlines()
    char = lines[line][column : column + 1] if line < len(lines) else ""
    if char == "\t" or (
        line < len(lines) and lines[line][:column].strip(" ") == "" and "\t" in lines[line][: column + 1]
    ):
        message = "tab character in indentation: YAML indents with spaces only"
    else:
        problem = error.problem or "syntax error"
        context = f" {error.context}" if error.context else ""
        message = f"YAML syntax error: {problem}{context}"
    return Diagnostic(message, SourceMark(file, line + 1, column + 1))


class _Builder:
    """Consumes parser events and builds data, marks and key marks in one pass."""

    def __init__(self, file: str, marks: Marks, offsets: dict[str, int], sections: bool) -> None:
        self.file = file
        self.marks = marks
        self.offsets = offsets
        self.sections = sections
        self.anchors: dict[str, tuple[Any, Path]] = {}
        self.alias_budget = MAX_ALIAS_NODES
        self.alias_chars = MAX_ALIAS_CHARS
        self.next: Callable[[], Any] = lambda: None

    def mark(self, event: Any) -> SourceMark:
        return to_source(event.start_mark)

    def documents(self, next_event: Callable[[], Any]) -> list[Document]:
        self.next = next_event
        out: list[Document] = []
        event = next_event()  # StreamStart
        while True:
            event = next_event()
            if isinstance(event, yaml.StreamEndEvent):
                return out
            self.anchors = {}
            root = self.next()
            mark = self.mark(root)  # a SourceMark: documents are few
            data = self.node(root, (), 0)
            self.next()  # DocumentEnd
            keys = list(data) if isinstance(data, dict) else []
            top = {k: to_source(self.marks.values[(k,)]) for k in keys}
            top_keys = {k: to_source(self.marks.keys[(k,)]) for k in keys}
            out.append(Document(self.file, data, mark, top, top_keys))

    def node(self, event: Any, path: Path, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise YamlProblem(Diagnostic(f"nesting deeper than {MAX_DEPTH} levels", self.mark(event)))
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event, path)
        self.marks.values[path] = event.start_mark
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event)
        elif isinstance(event, yaml.SequenceStartEvent):
            self.collection_tag(event, "seq")
            value = self.sequence(path, depth)
        else:
            self.collection_tag(event, "map")
            value = self.mapping(event, path, depth)
        if event.anchor:
            self.anchors[event.anchor] = (value, path)
        return value

    def collection_tag(self, event: Any, kind: str) -> None:
        """Only the plain ``!!map`` / ``!!seq`` tags: ``!!python/object/apply:...`` and any other
        tag on a mapping or a sequence is refused, as on scalars, never silently ignored."""
        tag = event.tag
        if tag is not None and tag != "!" and tag != _PREFIX + kind:
            raise YamlProblem(Diagnostic(f"unsupported YAML tag {_shown(tag)}", self.mark(event)))

    def sequence(self, path: Path, depth: int) -> list[Any]:
        items: list[Any] = []
        section = str(path[0]) if self.sections and len(path) == 1 and path[0] in TOP_SECTIONS else None
        base = self.offsets.get(section, 0) if section else 0
        event = self.next()
        while not isinstance(event, yaml.SequenceEndEvent):
            items.append(self.node(event, (*path, base + len(items)), depth + 1))
            event = self.next()
        if section:
            self.offsets[section] = base + len(items)
        return items

    def mapping(self, start: Any, path: Path, depth: int) -> dict[str, Any]:
        """The hot loop of the loader: plain scalar values are handled inline."""
        result: dict[str, Any] = {}
        merges: list[tuple[Any, Path]] = []
        next_event, values, keys = self.next, self.marks.values, self.marks.keys
        event = next_event()
        while type(event) is not _MAPPING_END:
            key = self.key(event)
            value_event = next_event()
            if key == "<<" and event.implicit[0]:
                merge_path = (*path, "<<", len(merges))
                merges.append((self.node(value_event, merge_path, depth + 1), merge_path))
            else:
                child = (*path, key)
                if key in result:
                    first = to_source(keys[child])
                    message = f"duplicate key {key!r} (first defined at {first})"
                    raise YamlProblem(Diagnostic(message, to_source(event.start_mark)))
                keys[child] = event.start_mark
                if type(value_event) is _SCALAR and not value_event.anchor:
                    values[child] = value_event.start_mark
                    result[key] = self.scalar(value_event)
                else:
                    result[key] = self.node(value_event, child, depth + 1)
            event = next_event()
        for merged, merge_path in merges:
            self.merge(result, merged, merge_path, path, start.start_mark)
        return result

    def key(self, event: Any) -> str:
        if type(event) is not _SCALAR:
            raise YamlProblem(Diagnostic("mapping keys must be plain strings", self.mark(event)))
        if event.tag is not None and event.tag not in ("!", _PREFIX + "str"):
            message = f"unsupported YAML tag {_shown(event.tag)} on a mapping key"
            raise YamlProblem(Diagnostic(message, self.mark(event)))
        return str(event.value)

    def merge(self, result: dict[str, Any], merged: Any, source: Path, path: Path, mark: Any) -> None:
        """``<<: *defaults``: keys of the merged mapping(s) that the mapping does not set itself."""
        sources = (
            [(item, (*source, i)) for i, item in enumerate(merged)]
            if isinstance(merged, list)
            else [(merged, source)]
        )
        for mapping, mapping_path in sources:
            if not isinstance(mapping, dict):
                message = "a merge key '<<' needs a mapping or a list of mappings"
                raise YamlProblem(Diagnostic(message, to_source(mark)))
            for key, value in mapping.items():
                if key not in result:
                    result[key] = value
                    self.marks.keys[(*path, key)] = self.marks.keys.get((*mapping_path, key), mark)
                    self.replay(value, (*mapping_path, key), (*path, key), mark)

    def alias(self, event: Any, path: Path) -> Any:
        if event.anchor not in self.anchors:
            raise YamlProblem(Diagnostic(f"unknown alias *{event.anchor}", self.mark(event)))
        if self.sections and len(path) == 1 and path[0] in TOP_SECTIONS:
            raise YamlProblem(Diagnostic(f"the {path[0]!r} section cannot be an alias", self.mark(event)))
        value, anchor_path = self.anchors[event.anchor]
        self.replay(value, anchor_path, path, event.start_mark)
        return copy.deepcopy(value)

    def replay(self, value: Any, source: Path, target: Path, mark: Any) -> None:
        """Copy the marks of an anchored subtree to the alias's path, within the budget."""
        self.alias_budget -= 1
        if self.alias_budget < 0:
            raise YamlProblem(
                Diagnostic(
                    f"aliases expand to more than {MAX_ALIAS_NODES} nodes (a YAML alias bomb?); "
                    "refusing to expand them",
                    to_source(mark),
                )
            )
        self.marks.values[target] = self.marks.values.get(source, mark)
        if isinstance(value, str):
            self.spend_chars(len(value), mark)
        elif isinstance(value, dict):
            for key, item in value.items():
                self.spend_chars(len(key), mark)
                self.marks.keys[(*target, key)] = self.marks.keys.get((*source, key), mark)
                self.replay(item, (*source, key), (*target, key), mark)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.replay(item, (*source, index), (*target, index), mark)

    def spend_chars(self, count: int, mark: Any) -> None:
        self.alias_chars -= count
        if self.alias_chars < 0:
            raise YamlProblem(
                Diagnostic(
                    f"aliases expand to more than {MAX_ALIAS_CHARS:,} characters of text "
                    "(a YAML alias bomb?); refusing to expand them",
                    to_source(mark),
                )
            )

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            value = event.value
            if not event.implicit[0] or value[:1] not in _RESOLVERS:
                return value  # quoted, or plain text no implicit type can start with
            tag = _resolve_plain(value)
        elif not tag.startswith(_PREFIX):
            raise YamlProblem(Diagnostic(f"unsupported YAML tag {_shown(tag)}", self.mark(event)))
        return self.construct(tag[len(_PREFIX) :], event)

    def construct(self, kind: str, event: Any) -> Any:
        value = event.value
        if kind in ("str", "timestamp", "value"):
            return value
        if kind == "null":
            return None
        if kind == "bool" and value.lower() in _CONSTRUCTOR.bool_values:
            return _CONSTRUCTOR.bool_values[value.lower()]
        if kind in ("int", "float"):
            node = yaml.ScalarNode(_PREFIX + kind, value)
            try:
                if kind == "int":
                    return _CONSTRUCTOR.construct_yaml_int(node)
                return _CONSTRUCTOR.construct_yaml_float(node)
            except ValueError:
                pass
        raise YamlProblem(Diagnostic(f"cannot read {value!r} as YAML !!{kind}", self.mark(event)))


def _shown(tag: str) -> str:
    """A tag as written: ``!!python/object/apply:os.system`` rather than its full URI."""
    return "!!" + tag[len(_PREFIX) :] if tag.startswith(_PREFIX) else tag


def _resolve_plain(value: str) -> str:
    for tag, regexp in _RESOLVERS.get(value[:1], ()):
        if regexp.match(value):
            return str(tag)
    return _PREFIX + "str"
