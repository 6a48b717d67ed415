"""Fingerprints of live resources: what a saved plan records to detect a changed instance.

``fingerprint(resource)`` is the sha256 of the canonical JSON (sorted keys, no spaces) of
``{"attrs": ..., "identity": ...}``. Equal live objects give equal fingerprints on every
read; any change to a read attribute or id changes it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from adaptive_plan.model.resource import Resource


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def fingerprint(resource: Resource) -> str:
    body = canonical_json({"attrs": resource.attrs, "identity": resource.identity})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
