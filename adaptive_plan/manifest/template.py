"""Rendering manifest files with Jinja2 before YAML parsing.

Templates run in a bounded sandbox (``sandbox.BoundedEnvironment``: caps on sizes,
output and time) with ``StrictUndefined``. Besides
Jinja's harmless built-ins (``range``, ``dict``, ``namespace`` ...) they see two
names: ``vars`` (the merged variables) and ``secret(NAME)``, which
returns an opaque token (``model.secrets.secret_token``) instead of the value, so
a rendered document never holds a secret and a template cannot print the
environment. Every failure becomes a Diagnostic with the file and line.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import difflib
import re
import sys
import traceback
from collections.abc import Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SecurityError

from adaptive_plan.manifest.sandbox import BoundedEnvironment, Limits, Meter, refused_tag
from adaptive_plan.model.errors import Diagnostic
from adaptive_plan.model.secrets import secret_token
from adaptive_plan.model.source import SourceMark

_MARKERS = ("{{", "{%", "{#")
_TEMPLATE_FILE = "<template>"


class TemplateProblem(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class Variables(dict):  # type: ignore[type-arg]
    """The ``vars`` object: a plain mapping whose misses say which variable is undefined."""


class _Undefined(StrictUndefined):
    """StrictUndefined with messages that name the variable and suggest close matches."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if isinstance(obj, Variables):
            return f"undefined variable 'vars.{name}'{_suggest(str(name), list(obj))}"
        if name == "env":
            return "'env' is undefined: environment variables are reachable only through secret('NAME')"
        return str(super()._undefined_message)


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _secret(name: Any) -> str:
    if not isinstance(name, str):
        raise ValueError(f"secret() takes the name of an environment variable, not {type(name).__name__}")
    return secret_token(name)


def make_environment() -> BoundedEnvironment:
    """The sandbox every manifest is rendered in."""
    env = BoundedEnvironment(
        undefined=_Undefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,  # a line holding only {% ... %} renders as an empty line,
        lstrip_blocks=True,  # so lines keep their source numbers outside loops
    )
    env.globals["secret"] = _secret
    return env


def render(
    env: BoundedEnvironment, text: str, file: str, variables: Mapping[str, Any], limits: Limits | None = None
) -> str:
    """The rendered text; a file with no template markers is returned as is."""
    if not any(marker in text for marker in _MARKERS):
        return text
    simple = _render_simple(text, variables)
    if simple is not None:
        return simple
    env.meter = meter = Meter(limits or Limits())
    try:
        parsed = env.parse(text)
        refused = refused_tag(parsed)
        if refused is not None:
            message = (
                f"template error: {{% {refused[0]} %}} is not allowed: each manifest file renders on "
                "its own and reads no other file"
            )
            raise TemplateProblem(_diagnostic(message, text, file, refused[1]))
        chunks: list[str] = []
        for chunk in env.from_string(parsed).generate(vars=Variables(variables)):
            meter.tick()
            meter.printed(len(chunk))
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateSyntaxError as error:
        raise TemplateProblem(
            _diagnostic(f"template syntax error: {error.message}", text, file, error.lineno)
        ) from None
    except SecurityError as error:
        message = f"template refused by the sandbox: {error}"
        raise TemplateProblem(_diagnostic(message, text, file, _template_line())) from None
    except TemplateError as error:
        message = f"template error: {error.message}" if error.message else "template error"
        raise TemplateProblem(_diagnostic(message, text, file, _template_line(), _name_of(error))) from None
    except SyntaxError:  # Python's compiler on Jinja's output: e.g. thousands of nested brackets
        message = "template error: too deeply nested to compile"
        raise TemplateProblem(_diagnostic(message, text, file, 1)) from None
    except RecursionError:
        message = "template error: recursion too deep (a macro that calls itself without end?)"
        raise TemplateProblem(_diagnostic(message, text, file, _template_line())) from None
    except MemoryError:
        message = "template error: out of memory while rendering"
        raise TemplateProblem(_diagnostic(message, text, file, _template_line())) from None
    except (ValueError, TypeError, ArithmeticError, LookupError, AttributeError, AssertionError) as error:
        # AssertionError: Jinja's filters assert their arguments ({{ 'abc'|truncate(0) }})
        detail = str(error) or f"invalid arguments ({type(error).__name__})"
        message = f"template error: {detail}"
        raise TemplateProblem(_diagnostic(message, text, file, _template_line())) from None


_SIMPLE = re.compile(
    r"\{\{ *(?:vars\.(?P<var>[A-Za-z_][A-Za-z0-9_]*)"
    r"|secret\( *(?P<q>['\"])(?P<secret>[A-Za-z_][A-Za-z0-9_]*)(?P=q) *\)) *\}\}"
)
_MISSING = object()


def _render_simple(text: str, variables: Mapping[str, Any]) -> str | None:
    """Fast path for files whose only templates are ``{{ vars.NAME }}`` with plain values and
    ``{{ secret('NAME') }}``: the same output as Jinja without compiling a large template.
    None when anything else is there (Jinja then renders, and reports any error)."""
    fallback = False

    def replace(match: re.Match[str]) -> str:
        nonlocal fallback
        name = match.group("var")
        if name is None:
            return secret_token(match.group("secret"))
        value = variables.get(name, _MISSING)
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            fallback = True  # undefined, or a value Jinja may print differently
            return ""
        return str(value)

    result = _SIMPLE.sub(replace, text)
    if fallback or any(marker in result for marker in _MARKERS):
        return None
    return result


def _template_line() -> int:
    """The template line being rendered when the current exception was raised."""
    line = 1
    for frame in traceback.extract_tb(sys.exc_info()[2]):
        if frame.filename == _TEMPLATE_FILE and frame.lineno:
            line = frame.lineno
    return line


def _name_of(error: TemplateError) -> str | None:
    message = error.message or ""
    if message.startswith("undefined variable 'vars."):
        return message.split("'")[1]
    return None


def _diagnostic(message: str, text: str, file: str, line: int, needle: str | None = None) -> Diagnostic:
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    column = 1
    for candidate in (needle, "{{", "{%"):
        if candidate and candidate in source:
            column = source.index(candidate) + 1
            break
    return Diagnostic(message, SourceMark(file, line, column))
