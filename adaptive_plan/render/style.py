"""ANSI colours by hand (no click in render), and value formatting shared by text renderers."""

from __future__ import annotations

import json
from typing import Any

from adaptive_plan.model.secrets import REDACTED, Sensitive, redact

_CODES = {"green": "32", "yellow": "33", "red": "31", "magenta": "35", "cyan": "36", "bold": "1", "dim": "2"}


class Palette:
    """``paint(text, "green")``: wraps in ANSI codes when colour is on, else returns text as is."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_CODES[style] for style in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def format_value(value: Any, *, sensitive: bool = False) -> str:
    """One-line text for an attribute value: strings quoted, lists/maps compact JSON, secrets hidden."""
    if sensitive or isinstance(value, Sensitive):
        return REDACTED
    return json.dumps(redact(value), ensure_ascii=False, default=str)
