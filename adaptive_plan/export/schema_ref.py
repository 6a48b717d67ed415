"""The schema an export ships, and the ``$schema`` target of each exported file's modeline.

The manifest schema is written beside the exported manifests (``manifest.schema.json`` at the
export root) and every file names it by a relative path (``../manifest.schema.json`` from
``projects/KEY.yaml``), so the YAML language server finds a real JSON file offline, in the
version of adaptive-plan that made the export.
"""

from __future__ import annotations

import posixpath

from adaptive_plan.schema_files import MANIFEST, schema_bytes

SCHEMA_FILE = MANIFEST  # at the export root, beside manifest.yaml


def schema_reference(manifest: str) -> str:
    """Modeline target for ``manifest`` (a POSIX path relative to the export root)."""
    return posixpath.relpath(SCHEMA_FILE, posixpath.dirname(manifest) or ".")


def schema_file() -> dict[str, bytes]:
    """The schema file to write with the export: relative path -> bytes."""
    return {SCHEMA_FILE: schema_bytes(MANIFEST)}
