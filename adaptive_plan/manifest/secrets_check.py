"""Secrets in the loaded document: wrap tokens as ``Sensitive`` and check the environment.

``secret('NAME')`` rendered to an opaque token; here every string holding a token
becomes a ``model.secrets.Sensitive`` (in place, only in documents whose rendered
text has a token), and each NAME is looked up in the environment: unset is a
warning at validate/plan time. Apply does not look here: it requires exactly the secrets
its plan's steps send (``apply.preflight``), so a secret the plan does not send (a create-only
``api_key`` of a model that exists) need not be set.
Values are never read into the document, a message or a log.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from adaptive_plan.kinds import TOP_SECTIONS
from adaptive_plan.manifest.diagnostics import Collector
from adaptive_plan.manifest.yaml_loader import Document, Path
from adaptive_plan.model.errors import SECRET_UNSET
from adaptive_plan.model.secrets import Sensitive, contains_token

TOKEN_MARKER = "@@adaptive-secret:"


def wrap_and_check(
    document: dict[str, Any],
    documents: list[Document],
    collector: Collector,
    mode: str,
    environ: Mapping[str, str] | None,
) -> list[tuple[Path, Sensitive]]:
    """Wrap secret tokens in the merged ``document`` items that came from ``documents``;
    returns where each ``secret()`` value was found."""
    env = os.environ if environ is None else environ
    found: list[tuple[Path, Sensitive]] = []
    for section in TOP_SECTIONS:
        items = document.get(section) or []
        wanted = {
            id(item) for d in documents if isinstance(d.data, dict) for item in d.data.get(section) or []
        }
        for index, item in enumerate(items):
            if id(item) in wanted and isinstance(item, dict):
                _wrap(item, (section, index), found)
    if mode == "apply":  # apply checks exactly the secrets its plan's steps send (apply.preflight)
        return found
    reported: set[str] = set()
    for path, value in found:
        for name in value.names:
            if name in env or name in reported:
                continue
            reported.add(name)
            message = (
                f"secret {name!r} is not set in the environment (apply will need it if its plan sends it)"
            )
            collector.at(path, message, severity="warning", code=SECRET_UNSET, subject=name)
    return found


def _wrap(container: Any, path: Path, found: list[tuple[Path, Sensitive]]) -> None:
    entries = container.items() if isinstance(container, dict) else enumerate(container)
    for key, value in list(entries):
        if isinstance(value, str):
            if TOKEN_MARKER in value and contains_token(value):
                wrapped = Sensitive(value)
                container[key] = wrapped
                found.append(((*path, key), wrapped))
        elif isinstance(value, dict | list):
            _wrap(value, (*path, key), found)
