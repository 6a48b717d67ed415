"""Parsing of ``multipart/form-data`` bodies per the GraphQL multipart request spec.

``parse_graphql_multipart`` returns the ``operations`` payload with every ``Upload``
position (from ``map``) replaced by an ``UploadedFile``. Stdlib only (``email`` parser).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any


class MultipartError(ValueError):
    """The body is not a valid GraphQL multipart request."""


@dataclass(frozen=True)
class UploadedFile:
    """One uploaded file part: the value of an ``Upload`` variable."""

    filename: str | None
    content_type: str
    data: bytes


def parse_form(content_type: str, body: bytes) -> dict[str, UploadedFile]:
    """Every part of a multipart body, by field name."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise MultipartError("body is not multipart/form-data")
    parts: dict[str, UploadedFile] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        payload = part.get_payload(decode=True) or b""
        parts[str(name)] = UploadedFile(part.get_filename(), part.get_content_type(), payload)
    return parts


def _place(target: Any, path: list[str], value: UploadedFile) -> None:
    for index, step in enumerate(path):
        last = index == len(path) - 1
        key: Any = int(step) if isinstance(target, list) else step
        try:
            if last:
                target[key] = value
            else:
                target = target[key]
        except (KeyError, IndexError, TypeError):
            raise MultipartError(f"map path '{'.'.join(path)}' does not exist in operations") from None


def parse_graphql_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    parts = parse_form(content_type, body)
    if "operations" not in parts or "map" not in parts:
        raise MultipartError("multipart request needs 'operations' and 'map' fields")
    try:
        operations = json.loads(parts["operations"].data)
        mapping = json.loads(parts["map"].data)
    except json.JSONDecodeError as error:
        raise MultipartError(f"invalid JSON in multipart field: {error.msg}") from None
    if not isinstance(operations, dict) or not isinstance(mapping, dict):
        raise MultipartError("'operations' and 'map' must be JSON objects")
    for part_name, paths in mapping.items():
        if part_name not in parts:
            raise MultipartError(f"file part '{part_name}' named in map is missing")
        for path in paths:
            _place(operations, str(path).split("."), parts[part_name])
    return operations
