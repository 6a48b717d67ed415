"""Turning a plan step into what the API client sends: secrets resolved, uploads read.

This is the only place secret values exist: ``resolve`` substitutes them when the
request is built, and ``Scrub`` removes them from any message that might echo them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adaptive_plan.api.scrub import Scrubber
from adaptive_plan.apply.paths import value_at
from adaptive_plan.model.plan import OUTPUT_REF
from adaptive_plan.model.recipe_content import directory_files
from adaptive_plan.model.secrets import REDACTED, MissingSecretError, resolve_secrets, secret_names

Upload = tuple[str, bytes, str]
# what the SDK sends: recipes as text/x-python, datasets as application/jsonl
CONTENT_TYPES = {".py": "text/x-python", ".jsonl": "application/jsonl"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same directory zips to the same bytes


class StepError(Exception):
    """A step failed for a reason that is not an API error (secret unset, file unreadable, poll)."""


def resolve(variables: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    try:
        return resolve_secrets(dict(variables), environ)
    except MissingSecretError as error:
        raise StepError(f"environment variable {error.args[0]} is not set (needed by secret())") from None


class Scrub:
    """Replaces the secret values a step uses with ``(sensitive)`` in messages, in every
    spelling a server may echo them (``api.scrub.Scrubber``), and strips URL user-info."""

    def __init__(self, values: Any, environ: Mapping[str, str]) -> None:
        found = {environ[name] for name in secret_names(values) if environ.get(name)}
        self.secrets = sorted(found, key=len, reverse=True)
        self._scrubber = Scrubber((), REDACTED, secrets=self.secrets)

    def __call__(self, message: str) -> str:
        return self._scrubber(message)


def fill_outputs(value: Any, outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    """Substitute ``output_of(step_id, path)`` references with values from earlier responses."""
    if isinstance(value, dict):
        ref = value.get(OUTPUT_REF)
        if len(value) == 1 and isinstance(ref, dict):
            data = outputs.get(ref["step"])
            found = value_at(data, ref["path"]) if data is not None else None
            if found is None and "default" in ref:
                return ref["default"]
            if found is None:
                raise StepError(
                    f"the response of {ref['step']} did not carry {ref['path']} (the connection may have "
                    "dropped after the server applied it); run apply again to converge"
                )
            return found
        return {key: fill_outputs(item, outputs) for key, item in value.items()}
    if isinstance(value, list):
        return [fill_outputs(item, outputs) for item in value]
    return value


def set_at(variables: dict[str, Any], path: str, value: Any) -> None:
    """Put ``value`` at the dotted ``path`` of ``variables`` (an upload session id)."""
    *parents, last = path.split(".")
    node = variables
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def read_uploads(uploads: Mapping[str, str]) -> dict[str, Upload]:
    """Variable path -> (filename, bytes, content type); a directory is zipped in memory."""
    return {variable: read_upload(Path(path)) for variable, path in uploads.items()}


def read_upload(path: Path) -> Upload:
    try:
        if path.is_dir():
            return f"{path.name}.zip", zip_directory(path), "application/zip"
        content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        return path.name, path.read_bytes(), content_type
    except OSError as error:
        raise StepError(f"cannot read {path}: {error.strerror or error}") from None


def zip_directory(root: Path) -> bytes:
    """Deflated zip of the recipe files below ``root`` (exactly the set the manifest hashed:
    ``model.recipe_content.directory_files``), paths relative to it, sorted, fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, full in directory_files(str(root)):
            info = zipfile.ZipInfo(relative, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, Path(full).read_bytes())
    return buffer.getvalue()
