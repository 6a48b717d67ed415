"""Sensitive values: ``secret('NAME')`` in a manifest.

A template call ``{{ secret('OPENAI_API_KEY') }}`` renders to an opaque token
(:func:`secret_token`); after YAML parsing every string holding a token becomes a
:class:`Sensitive`, which remembers the template text and the variable names but
never the value. The value is read from the environment only by :meth:`Sensitive.resolve`,
which apply calls when it builds an API request. ``str()``/``repr()`` give
``(sensitive)`` so a Sensitive can be printed, logged or saved without leaking.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REDACTED = "(sensitive)"
_TOKEN_RE = re.compile(r"@@adaptive-secret:([A-Za-z_][A-Za-z0-9_]*)@@")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class MissingSecretError(KeyError):
    """An environment variable named by ``secret()`` is not set."""


def secret_token(name: str) -> str:
    """The opaque text that stands for ``secret(name)`` in a rendered document."""
    if not _NAME_RE.match(name):
        raise ValueError(f"secret name {name!r} is not a valid environment variable name")
    return f"@@adaptive-secret:{name}@@"


@dataclass(frozen=True)
class Sensitive:
    """A string that contains one or more secret references.

    ``template``: the rendered text with tokens in place; never holds a secret value.
    """

    template: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_TOKEN_RE.findall(self.template)))

    def resolve(self, environ: Mapping[str, str] | None = None) -> str:
        env = os.environ if environ is None else environ
        missing = [name for name in self.names if name not in env]
        if missing:
            raise MissingSecretError(", ".join(missing))
        return _TOKEN_RE.sub(lambda m: env[m.group(1)], self.template)

    def to_json(self) -> dict[str, Any]:
        """Saved-plan form: the reference, never the value."""
        return {"$sensitive": self.template}

    def __str__(self) -> str:
        return REDACTED

    __repr__ = __str__


def contains_token(text: str) -> bool:
    return bool(_TOKEN_RE.search(text))


def wrap_secrets(value: Any) -> Any:
    """Turn every string holding a secret token, at any depth, into a Sensitive."""
    if isinstance(value, str):
        return Sensitive(value) if contains_token(value) else value
    if isinstance(value, dict):
        return {key: wrap_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [wrap_secrets(item) for item in value]
    return value


def resolve_secrets(value: Any, environ: Mapping[str, str] | None = None) -> Any:
    """Substitute secret values, at any depth; used only when a request is built."""
    if isinstance(value, Sensitive):
        return value.resolve(environ)
    if isinstance(value, dict):
        return {key: resolve_secrets(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_secrets(item, environ) for item in value]
    return value


def redact(value: Any) -> Any:
    """A JSON-safe copy with every Sensitive replaced by ``(sensitive)``."""
    if isinstance(value, Sensitive):
        return REDACTED
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


def secret_names(value: Any) -> set[str]:
    """Every environment variable name referenced below ``value``."""
    if isinstance(value, Sensitive):
        return set(value.names)
    if isinstance(value, dict):
        return set().union(*(secret_names(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(secret_names(v) for v in value)) if value else set()
    return set()


def from_json(value: Any) -> Any:
    """Inverse of the saved-plan form: ``{"$sensitive": template}`` back to Sensitive."""
    if isinstance(value, dict):
        if set(value) == {"$sensitive"}:
            return Sensitive(value["$sensitive"])
        return {key: from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_json(item) for item in value]
    return value
