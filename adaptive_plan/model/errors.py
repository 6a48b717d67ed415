"""The error tree every room raises; the CLI maps it to exit codes in one place.

    AdaptivePlanError
     ├── ManifestError      invalid manifests (carries every Diagnostic at once)
     ├── ConfigError        missing URL/key, unset secret at apply time, bad option
     ├── PlanError          dependency cycle, reference to something that exists nowhere
     ├── StalePlanError     a saved plan's live objects changed since it was made
     └── ApplyError         some steps failed; carries the report

Messages never contain secret values: anything that may hold one goes through
``model.secrets.redact`` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from adaptive_plan.model.source import SourceMark

Severity = Literal["error", "warning"]
SECRET_UNSET = "secret-unset"  # Diagnostic.code of "secret NAME is not set" (subject: NAME)
# Diagnostic.code of a reference to a key the manifests do not declare and nothing close to it
# (subject: "KIND KEY"): validate cannot check it offline, plan checks it against live state
UNCHECKED_REFERENCE = "unchecked-reference"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the manifests, printed as ``FILE:LINE:COL: ADDRESS: message``."""

    message: str
    source: SourceMark | None = None
    address: str | None = None
    severity: Severity = "error"
    # What kind of problem (e.g. ``SECRET_UNSET``) and what it is about (the secret's name),
    # for renderers that group problems; empty for most. For display only, never for decisions.
    code: str = ""
    subject: str = ""

    def __str__(self) -> str:
        parts = []
        if self.source is not None:
            parts.append(str(self.source))
        if self.address:
            parts.append(_printable(self.address))
        prefix = "" if self.severity == "error" else "warning: "
        parts.append(prefix + self.message)
        return ": ".join(parts)

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.source.file if self.source else None,
            "line": self.source.line if self.source else None,
            "column": self.source.column if self.source else None,
            "address": self.address,
            "message": self.message,
        }


def _printable(text: str) -> str:
    """``text`` with control characters escaped (``\\n``), so a diagnostic stays one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class AdaptivePlanError(Exception):
    """Base of every user-facing error; never shown with a traceback."""


@dataclass
class ManifestError(AdaptivePlanError):
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.diagnostics)


class ConfigError(AdaptivePlanError):
    pass


class PlanError(AdaptivePlanError):
    pass


class StalePlanError(AdaptivePlanError):
    pass


class ApplyError(AdaptivePlanError):
    pass
