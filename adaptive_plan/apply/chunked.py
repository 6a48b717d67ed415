"""The REST chunked upload of a large file (ADAPTIVE_API.md §1.4), for steps whose
``Step.chunked`` names an upload variable.

``POST /upload/init`` opens a session for N parts; ``POST /upload/part?session_id=&part_number=k``
sends each part (1-based, raw bytes, read from disk one at a time, so memory stays one part
whatever the file size); the step's GraphQL mutation then carries the session id. Parts are cut
as the SDK cuts them (``model.dataset_content.upload_parts``). A part is re-sent on a transient
failure (the same bytes under the same number: idempotent). If any part fails, the session is
aborted with ``DELETE /upload/abort`` (which the SDK means to send but never does), best effort.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Protocol

from adaptive_plan.api.errors import ApiError
from adaptive_plan.apply.requests import StepError
from adaptive_plan.model.dataset_content import upload_parts

CONTENT_TYPE = "application/jsonl"


class Rest(Protocol):
    """What this module needs of ``api.client.AdaptiveClient``."""

    def rest(self, method: str, path: str, *, idempotent: bool | None = None, **kw: Any) -> Any: ...


def upload_in_parts(client: Rest, path: str) -> str:
    """Send the file at ``path`` through a new upload session; returns the session id."""
    try:
        size = os.path.getsize(path)
        parts, part_size = upload_parts(size)
    except OSError as error:
        raise StepError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise StepError(f"cannot upload {path}: {error}") from None
    init = {"content_type": CONTENT_TYPE, "metadata": None, "total_parts_count": parts}
    session = client.rest("POST", "/upload/init", json=init, idempotent=True).json().get("session_id")
    if not isinstance(session, str) or not session:
        raise StepError("the upload session was not opened: /upload/init returned no session_id")
    try:
        with open(path, "rb") as handle:
            for number in range(1, parts + 1):
                client.rest(
                    "POST",
                    "/upload/part",
                    params={"session_id": session, "part_number": number},
                    content=handle.read(part_size),
                    headers={"Content-Type": "application/octet-stream"},
                    idempotent=True,
                )
    except (ApiError, OSError, StepError):
        _abort(client, session)
        raise
    return session


def _abort(client: Rest, session: str) -> None:
    with contextlib.suppress(ApiError):  # best effort: the session expires on its own
        client.rest("DELETE", "/upload/abort", json={"session_id": session}, idempotent=True)
