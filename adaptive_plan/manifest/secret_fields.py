"""Where ``secret()`` may stand: exactly in the credential fields, and nowhere else.

The schema marks each value the API takes but never returns with ``"writeOnly": true``,
and the credentials among them (an external model's ``api_key``, a Slack ``webhook_url``, a
webhook's ``headers`` ...) also with ``"x-secret": true``. Two rules follow, both validate
errors at the node's file:line:

- a value in a credential field must hold a ``secret('NAME')`` reference: a literal would be
  written into saved plans, CI artifacts and logs (and cannot be compared anyway: the API
  never returns it). Non-secret write-only values (``speculative_decoding``, ``to_emails``)
  take literals, which plans show as values;
- ``secret()`` outside a write-only field puts the value into a field everyone with read access sees,
  that ``plan -o`` saves as ``before`` and ``export`` prints, and that shows as changed on
  every plan (the live value is the secret, the declared one a reference).

The schema is walked alongside the document: ``$ref`` is followed, ``allOf``/``oneOf``
branches are merged and an ``if`` picks its ``then`` (integration connections per
provider). Only the subtrees whose schema holds a credential field are visited for
literals, and only the paths where a ``secret()`` was found are looked up, so a large
manifest costs next to nothing here.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any

from adaptive_plan.kinds import TOP_SECTIONS
from adaptive_plan.manifest.diagnostics import Collector
from adaptive_plan.manifest.fastcheck import compile_schema
from adaptive_plan.manifest.schema import manifest_schema
from adaptive_plan.manifest.yaml_loader import Path
from adaptive_plan.model.secrets import Sensitive

SECRET = "x-secret"
WRITE_ONLY = "writeOnly"
LITERAL_HINT = (
    "{field} is write-only (a credential): write it as \"{{{{ secret('NAME') }}}}\" and set NAME in the "
    "environment of apply, never as a literal, so no plan file, artifact or log holds it"
)
MISPLACED = (
    "secret() is allowed only in write-only fields (api_key, hf_token, integration tokens, passwords, "
    "webhook headers, to_emails): {field} is readable by anyone with access to the object, so the "
    "value would be shown, saved by `plan -o` and exported; use a plain value here"
)


# the scheme starts where no scheme character precedes it: without the lookbehind a long run of
# letters was tried from every position (quadratic: 200 KB of 'x' took minutes; found by the fuzz)
USERINFO_PASSWORD = re.compile(r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@:]*:[^\s/@]+@")
IN_URL = (
    "{field} holds a URL with user:password@: the password would be readable by anyone with access to "
    "the object, shown in every plan and saved by `plan -o`; pass the credential in a write-only field "
    "instead (a webhook's headers: {{Authorization: \"{{{{ secret('NAME') }}}}\"}})"
)


def check_secret_fields(
    document: dict[str, Any],
    found: Iterable[tuple[Path, Sensitive]],
    collector: Collector,
    texts: Sequence[str] = (),
) -> None:
    """Report literals in credential fields, ``secret()`` values (``found``) outside write-only
    fields, and readable URLs with a password in them (looked for only when one of the
    rendered ``texts`` has one)."""
    root = manifest_schema()
    for section in TOP_SECTIONS:
        items = document.get(section)
        node = root["properties"].get(section)
        if isinstance(items, list) and node is not None and _holds_secret(_key(node)):
            for path, field in _literals(items, node, (section,)):
                collector.at(path, LITERAL_HINT.format(field=field))
    for path, _value in found:
        if not _is_write_only_at(document, path):
            collector.at(path, MISPLACED.format(field=_field(path)))
    if any(USERINFO_PASSWORD.search(text) for text in texts):
        for section in TOP_SECTIONS:
            for path in _userinfo_strings(document.get(section), (section,)):
                if not _is_write_only_at(document, path):
                    collector.at(path, IN_URL.format(field=_field(path)))


def _userinfo_strings(value: Any, path: Path) -> Iterator[Path]:
    """Paths of the plain strings below ``value`` that hold a URL with a password."""
    if isinstance(value, str):
        if USERINFO_PASSWORD.search(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _userinfo_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _userinfo_strings(item, (*path, index))


def _literals(
    value: Any, node: dict[str, Any], path: Path, secret: bool = False
) -> Iterator[tuple[Path, str]]:
    """(path, field name) of every non-secret string at or below a credential field."""
    branches = _branches(node, value)
    secret = secret or any(branch.get(SECRET) for branch in branches)
    if isinstance(value, Sensitive):
        return
    if secret and isinstance(value, str):
        yield path, _field(path)
        return
    if not secret and not any(_holds_secret(_key(branch)) for branch in branches):
        return
    for key, child, child_node in _children(value, branches):
        yield from _literals(child, child_node, (*path, key), secret)


def _is_write_only_at(document: dict[str, Any], path: Path) -> bool:
    """Whether the node at ``path`` (in ``document``) is, or is within, a write-only field."""
    value: Any = document
    nodes = [manifest_schema()]
    for key in path:
        branches = [b for node in nodes for b in _branches(node, value)]
        if any(branch.get(WRITE_ONLY) for branch in branches):
            return True
        child = value[key] if isinstance(value, dict | list) else None
        nodes = [n for k, _c, n in _children(value, branches) if k == key]
        value = child
        if not nodes:
            return False
    return any(branch.get(WRITE_ONLY) for node in nodes for branch in _branches(node, value))


def _children(value: Any, branches: list[dict[str, Any]]) -> Iterator[tuple[str | int, Any, dict[str, Any]]]:
    """(key, child value, child schema) for each child the schemas in ``branches`` describe."""
    if isinstance(value, dict):
        for key, child in value.items():
            for branch in branches:
                sub = (branch.get("properties") or {}).get(key)
                if sub is None and isinstance(branch.get("additionalProperties"), dict):
                    sub = branch["additionalProperties"]
                if isinstance(sub, dict):
                    yield key, child, sub
    elif isinstance(value, list):
        for index, child in enumerate(value):
            for branch in branches:
                if isinstance(branch.get("items"), dict):
                    yield index, child, branch["items"]


def _branches(node: dict[str, Any], value: Any) -> list[dict[str, Any]]:
    """``node`` resolved, plus every ``allOf``/``anyOf``/``oneOf`` branch and matching ``then``."""
    node = _resolve(node)
    found = [node]
    for word in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(word) or []:
            found.extend(_branches(branch, value))
    if isinstance(node.get("if"), dict):
        chosen = node.get("then") if _matches(node["if"], value) else node.get("else")
        if isinstance(chosen, dict):
            found.extend(_branches(chosen, value))
    return found


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = manifest_schema()
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _matches(condition: dict[str, Any], value: Any) -> bool:
    return bool(_check(_key(condition))(value))


@cache
def _check(key: int) -> Any:
    """The compiled check of an ``if`` condition (``fastcheck``: the answer of ``jsonschema``'s
    ``is_valid``, without importing jsonschema on a valid manifest's path)."""
    condition = _NODES[key]
    return compile_schema({**condition, "$defs": manifest_schema()["$defs"]})


_NODES: dict[int, dict[str, Any]] = {}


def _key(node: dict[str, Any]) -> int:
    """A stable handle on a schema node (the schema is loaded once and never changes)."""
    _NODES[id(node)] = node
    return id(node)


@cache
def _holds_secret(key: int) -> bool:
    """Whether a credential field sits at or below this schema node, in any branch."""
    node = _resolve(_NODES[key])
    if node.get(SECRET):
        return True
    subs: list[Any] = [*(node.get("properties") or {}).values(), node.get("items"), node.get("then")]
    subs += [node.get("additionalProperties"), node.get("else")]
    for word in ("allOf", "anyOf", "oneOf"):
        subs.extend(node.get(word) or [])
    return any(isinstance(sub, dict) and _holds_secret(_key(sub)) for sub in subs)


def _field(path: Path) -> str:
    """The field's name for a message: the path below the resource entry (``external.api_key``)."""
    names = [str(part) for part in path if not isinstance(part, int)]
    names = names[2:] if names and names[0] == "projects" and len(names) > 2 else names[1:]
    return ".".join(names) or str(path[-1])
