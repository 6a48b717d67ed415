"""The JSON Schemas shipped with the package, read in one place.

``manifest.schema.json`` is what editors load through a manifest's modeline (with the
editor-only additions of ``manifest/editor_schema.py``) and what ``validate`` checks rendered
documents against (without them); ``plan.schema.json`` describes ``plan --format json``.
``adaptive-plan schema`` writes both; ``export`` writes the manifest schema beside its files.
"""

from __future__ import annotations

from importlib import resources

MANIFEST = "manifest.schema.json"
PLAN = "plan.schema.json"
NAMES = (MANIFEST, PLAN)


def schema_bytes(name: str) -> bytes:
    """The packaged file ``name`` (one of ``NAMES``), byte for byte."""
    if name not in NAMES:
        raise ValueError(f"no packaged schema {name!r}")
    return resources.files("adaptive_plan").joinpath("schemas", name).read_bytes()
