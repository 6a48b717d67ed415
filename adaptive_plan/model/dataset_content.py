"""A dataset file's content hash and how its upload is cut, wherever the bytes come from.

The manifest side hashes the file under a dataset's ``path:``; the live side hashes what the
dataset's download route returns (only for datasets the manifests declare). Both use
``content_hash``, the recipe digest over one member, so a dataset's hash means the same thing
as a recipe's. ``upload_parts`` is the SDK's chunking rule (ADAPTIVE_API.md §1.4): a file over
``CHUNKED_ABOVE`` bytes goes through the REST upload session in parts.
"""

from __future__ import annotations

import hashlib
import math

MEMBER = "dataset.jsonl"  # the one name hashed: renaming the file is not a content change
MIB = 1024 * 1024
CHUNKED_ABOVE = 5 * MIB  # the SDK uploads a file of exactly 5 MiB or less through GraphQL multipart
MAX_PARTS = 10_000
MAX_PART_SIZE = 100 * MIB


class ContentHasher:
    """``model.recipe_content.digest`` of one member, fed in pieces (a dataset can be large):
    the member name and the total ``size`` go first, as that digest frames them."""

    def __init__(self, size: int) -> None:
        name = MEMBER.encode("utf-8")
        self._hasher = hashlib.sha256(len(name).to_bytes(8, "big") + name + size.to_bytes(8, "big"))

    def update(self, data: bytes) -> None:
        self._hasher.update(data)

    def hexdigest(self) -> str:
        return self._hasher.hexdigest()


def content_hash(data: bytes) -> str:
    """The content hash of a whole dataset held in memory (the live side's download)."""
    hasher = ContentHasher(len(data))
    hasher.update(data)
    return hasher.hexdigest()


def upload_parts(size: int) -> tuple[int, int]:
    """(number of parts, part size) for a chunked upload of ``size`` bytes, as the SDK cuts it:
    5 MiB parts under 500 MiB, 10 MiB under 10 GiB, 50 MiB under 50 GiB, else 100 MiB, at most
    10,000 parts. Raises ValueError for a file the API cannot take (over 10,000 x 100 MiB)."""
    if size < 500 * MIB:
        part = 5 * MIB
    elif size < 10 * 1024 * MIB:
        part = 10 * MIB
    elif size < 50 * 1024 * MIB:
        part = 50 * MIB
    else:
        part = 100 * MIB
    if math.ceil(size / part) > MAX_PARTS:
        part = math.ceil(size / MAX_PARTS)
        if part > MAX_PART_SIZE:
            raise ValueError(
                f"{size:,} bytes exceed the largest upload the API takes "
                f"({MAX_PARTS * MAX_PART_SIZE:,} bytes)"
            )
    return max(1, math.ceil(size / part)), part
