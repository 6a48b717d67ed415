"""Keep secrets out of error messages: the API key, request variable values and URL user-info.

Servers echo input back in their messages (graphql-core's variable coercion errors print
the whole offending value, for example), and variables may hold resolved secrets such as
an integration token. The client cannot always tell which values are secret, so by default
it removes all of them: every string of at least ``MIN_LENGTH`` characters found at any
depth of the variables, plus the API key and any extra values the caller names. Shorter
strings are left alone (they cannot be meaningful secrets, and blanking them would mangle
the text).

A server does not echo a value the way it was sent. It may JSON-encode it (``\\/`` for
``/``, ``\\u00e9`` or ``\\u003c`` for any character, doubled when the JSON is itself
quoted), URL-encode it (``%2F``, ``+`` for a space, twice over), ``repr`` it (``\\xe9``) or
send the raw UTF-8. Listing spellings cannot keep up with mixtures (only the ``/``
escaped, only the non-ASCII letters escaped), so each value becomes one pattern that
accepts, character by character, every spelling of that character (``spelling_pattern``).
The patterns are compiled only when there is a message to clean.

``strip_userinfo`` removes ``user:password@`` from every URL in a text; every scrubber
applies it, so ``http://user:pass@host`` never reaches a message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

MASK = "***"
MIN_LENGTH = 4
MAX_PATTERN = 4096  # longer values (rare for a secret) are matched raw and JSON-escaped only

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*:(?://|\\/\\/|%2F%2F))[^\s/@\"'<>\\]*@")
_JSON_SHORT = {'"': '"', "\\": "\\\\", "/": "/", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}
_BACKSLASHES = r"\\+"  # one escape, or an escape that was itself escaped (JSON in JSON)
_PERCENT = r"%(?:25)*"  # %XX, or %25XX when URL-encoded twice


def strip_userinfo(text: str) -> str:
    """``scheme://user:password@host`` -> ``scheme://***@host`` everywhere in ``text``."""
    return _USERINFO.sub(lambda match: match.group(1) + MASK + "@", text)


def string_leaves(value: Any) -> Iterable[str]:
    """Every string below ``value`` (dict values and keys' values, list items), depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from string_leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from string_leaves(item)


def _hex(number: int, digits: int) -> str:
    """``number`` as ``digits`` hex digits, matched in either case."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in f"{number:0{digits}x}")


def _char_spellings(char: str) -> str:
    """A regex for every way a server may write ``char``."""
    code = ord(char)
    forms = [re.escape(char)]
    if code > 0xFFFF:  # JSON writes it as a surrogate pair
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append(f"{_BACKSLASHES}u{_hex(high, 4)}{_BACKSLASHES}u{_hex(low, 4)}")
        forms.append(f"{_BACKSLASHES}U{_hex(code, 8)}")
    else:
        forms.append(f"{_BACKSLASHES}u{_hex(code, 4)}")
    if char in _JSON_SHORT:
        forms.append(_BACKSLASHES + re.escape(_JSON_SHORT[char]))
    if char == "'":  # Python's repr
        forms.append(_BACKSLASHES + "'")
    if code < 0x100:
        forms.append(f"{_BACKSLASHES}x{_hex(code, 2)}")
    forms.append("".join(_PERCENT + _hex(byte, 2) for byte in char.encode("utf-8")))
    if char == " ":
        forms.append(r"\+")
    forms.append(f"&#(?:0*{code}|[xX]0*{_hex(code, 1)});")  # HTML character references
    if code >= 0x80:  # raw UTF-8 read as Latin-1 (a server or proxy that got the charset wrong)
        forms.append(re.escape(char.encode("utf-8").decode("latin-1")))
    return "(?:" + "|".join(forms) + ")"


@lru_cache(maxsize=512)
def spelling_pattern(value: str) -> re.Pattern[str]:
    """One compiled pattern matching ``value`` in any mixture of the spellings above."""
    return re.compile("".join(_char_spellings(char) for char in value))


class Scrubber:
    """Replaces each known sensitive string in a text with ``mask`` (longest first), in every
    spelling a server may echo it, and strips user-info from URLs."""

    def __init__(self, values: Iterable[str], mask: str = MASK, *, secrets: Iterable[str] = ()) -> None:
        """``values``: strings that may be secret (masked from ``MIN_LENGTH`` characters);
        ``secrets``: strings known to be secret (masked whatever their length)."""
        unique = {v for v in values if isinstance(v, str) and len(v) >= MIN_LENGTH}
        unique |= {v for v in secrets if isinstance(v, str) and v}
        self.values = sorted(unique, key=len, reverse=True)
        self.mask = mask

    @classmethod
    def for_request(cls, api_key: str, variables: Any = None, extra: Iterable[str] = ()) -> Scrubber:
        """The API key and ``extra`` (known secrets), plus every string of ``variables``."""
        leaves = [v for v in string_leaves(variables) if isinstance(v, str)]
        return cls(leaves, secrets=[api_key, *extra])

    def __call__(self, text: str) -> str:
        for value in self.values:
            if len(value) > MAX_PATTERN:
                for form in (value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]):
                    text = text.replace(form, self.mask)
            else:
                text = spelling_pattern(value).sub(self.mask, text)
        return strip_userinfo(text)
