"""Render an export document as YAML text that loads back to the same values.

- Stable: mappings keep the order ``to_manifest`` built (identity fields first), sequences
  are indented under their key, multi-line strings are ``|`` blocks, no line folding.
- Template-safe: manifests are rendered with Jinja before YAML parsing, so every ``{{``,
  ``{%`` and ``{#`` in a value (a judge template's ``{{criteria}}``) is written as
  ``{{ '{{' }}``, which renders back to itself.
- Secrets: a ``Sensitive`` placeholder is written as ``"{{ secret('NAME') }}"`` with a
  trailing comment naming the environment variable to set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from adaptive_plan.model.secrets import Sensitive

_TEMPLATE_OPEN = re.compile(r"\{([{%#])")
# YAML 1.1 line breaks besides \n: PyYAML writes them as plain newlines in every style but the
# double-quoted one (where they are escaped as \N \L \P), so the value would not load back.
_UNICODE_BREAKS = re.compile("[\x85\u2028\u2029]")
_TOKEN = re.compile(r'"@@adaptive-secret:([A-Za-z_][A-Za-z0-9_]*)@@"')


class _Dumper(yaml.SafeDumper):
    """Block style with sequences indented under their key (as the examples are written)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    """Multi-line text as a ``|`` block; text with template markers double-quoted, so the file
    is valid YAML before rendering too (the escape adds single quotes)."""
    if _UNICODE_BREAKS.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    style = "|" if "\n" in value else '"' if _TEMPLATE_OPEN.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _sensitive(dumper: yaml.SafeDumper, value: Sensitive) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value.template, style='"')


_Dumper.add_representer(str, _str)
_Dumper.add_representer(Sensitive, _sensitive)


def dump_document(document: dict[str, Any], header: Sequence[str] = ()) -> str:
    """``header`` lines as comments, then the document."""
    body = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1 << 16
    )
    body = _TEMPLATE_OPEN.sub(lambda match: "{{ '{" + match.group(1) + "' }}", body)
    lines = [_secret_line(line) for line in body.splitlines()]
    comments = [f"# {line}".rstrip() for line in header]
    return "\n".join([*comments, *lines]) + "\n"


def _secret_line(line: str) -> str:
    names = _TOKEN.findall(line)
    if not names:
        return line
    line = _TOKEN.sub(lambda match: f"\"{{{{ secret('{match.group(1)}') }}}}\"", line)
    return f"{line}  # write-only: set {', '.join(names)}"
