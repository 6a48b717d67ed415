"""The ``$schema`` target of an exported file's modeline.

A ``schemas/manifest.schema.json`` in the export directory or one of its parents (a checkout
of this repository, or a copy the user keeps) is named by a relative path, as the examples
do; otherwise the schema's ``$id`` URL, so editors that cannot fetch it still show the name.
"""

from __future__ import annotations

import json
import os
import posixpath
from functools import lru_cache
from importlib import resources

SCHEMA = ("schemas", "manifest.schema.json")


def schema_reference(root: str, manifest: str) -> str:
    """Modeline target for ``manifest`` (POSIX, relative to the absolute export ``root``)."""
    found = _nearest_schema(os.path.abspath(root))
    if found is None:
        return schema_id()
    directory = os.path.dirname(os.path.join(os.path.abspath(root), *manifest.split("/")))
    return posixpath.join(*os.path.relpath(found, directory).split(os.sep))


def _nearest_schema(start: str) -> str | None:
    current = start
    while True:
        candidate = os.path.join(current, *SCHEMA)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


@lru_cache(maxsize=1)
def schema_id() -> str:
    """The ``$id`` of the schema shipped with the package."""
    text = resources.files("adaptive_plan").joinpath(*SCHEMA).read_text(encoding="utf-8")
    return str(json.loads(text).get("$id", "manifest.schema.json"))
