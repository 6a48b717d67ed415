"""Build GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec).

``uploads`` maps a variable path (``"file"``, ``"input.file"``, ``"files.0"``) to
``(filename, bytes, content_type)``. The request carries, in this order: a form field
``operations`` (the JSON payload with every upload position set to ``null``), a form
field ``map`` (``{"0": ["variables.file"], ...}``) and one file part per upload named
``"0"``, ``"1"``, ... (ADAPTIVE_API.md §1.3).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from adaptive_plan.api.errors import ValidationError

Upload = tuple[str, bytes, str]


def _set_null(variables: dict[str, Any], path: str) -> None:
    """Set the position ``path`` (dots; digits index lists) to None, creating dicts as needed."""
    parts = path.split(".")
    node: Any = variables
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ValidationError(f"upload path {path!r} does not match the variables")
            key: Any = int(part)
        elif isinstance(node, dict):
            key = part
            if not last and not isinstance(node.get(key), dict | list):
                node[key] = {}
        else:
            raise ValidationError(f"upload path {path!r} does not match the variables")
        if last:
            node[key] = None
        else:
            node = node[key]


def build_multipart(
    payload: dict[str, Any], uploads: dict[str, Upload]
) -> tuple[dict[str, str], list[tuple[str, Upload]]]:
    """``(data, files)`` for ``httpx``: form fields ``operations`` and ``map``, then the parts."""
    operations = copy.deepcopy(payload)
    variables = operations.setdefault("variables", {})
    mapping: dict[str, list[str]] = {}
    files: list[tuple[str, Upload]] = []
    for index, (path, upload) in enumerate(uploads.items()):
        _set_null(variables, path)
        name = str(index)
        mapping[name] = [f"variables.{path}"]
        filename, content, content_type = upload
        files.append((name, (filename, content, content_type)))
    data = {"operations": json.dumps(operations), "map": json.dumps(mapping)}
    return data, files
