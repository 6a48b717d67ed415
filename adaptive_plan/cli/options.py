"""Shared click option decorators, so every command spells its options the same way.

Parameter names the decorated function receives:

- ``manifest_paths``: ``paths: tuple[str, ...]`` (PATHS; empty means ``.``; ``load_manifests``
  treats an empty list as the current directory).
- ``var_options``: ``var_overrides: dict[str, str]`` (``--var NAME=VALUE``, repeatable, later
  wins) and ``var_files: tuple[str, ...]`` (``--var-file FILE``, repeatable, in order).
- ``format_option(choices)``: ``output_format: str`` (``--format``; the first choice is the default).
- ``connection_options``: ``url`` (``--url``, env ``ADAPTIVE_URL``), ``api_key`` (``--api-key``,
  env ``ADAPTIVE_API_KEY``; never echoed) and ``local: bool`` (``--local``).
- ``no_color_option``: ``no_color: bool`` (``--no-color``; callers also honour ``NO_COLOR``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def manifest_paths(function: F) -> F:
    """PATHS: manifest files or directories (every *.yaml/*.yml below); default: ``.``."""
    return click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATHS]...")(function)


def _parse_vars(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in values:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", ctx=ctx, param=param)
        parsed[name.strip()] = value
    return parsed


def var_options(function: F) -> F:
    """``--var NAME=VALUE`` and ``--var-file FILE`` (both repeatable; --var wins over files)."""
    function = click.option(
        "--var-file",
        "var_files",
        multiple=True,
        type=click.Path(),
        metavar="FILE",
        help="YAML file of variable values (repeatable; later files win over earlier ones).",
    )(function)
    return click.option(
        "--var",
        "var_overrides",
        multiple=True,
        callback=_parse_vars,
        metavar="NAME=VALUE",
        help="Set a template variable, reached as {{ vars.NAME }} (repeatable; wins over --var-file).",
    )(function)


def format_option(choices: Sequence[str]) -> Callable[[F], F]:
    """``--format`` among ``choices``; the first is the default."""

    def decorate(function: F) -> F:
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(list(choices)),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(function)

    return decorate


def connection_options(function: F) -> F:
    """``--url`` / ``--api-key`` (env ADAPTIVE_URL / ADAPTIVE_API_KEY) and ``--local``."""
    function = click.option(
        "--local",
        is_flag=True,
        help="Use the embedded emulator (state in .adaptive-plan/local.db); no server or key needed.",
    )(function)
    function = click.option(
        "--api-key",
        "api_key",
        envvar="ADAPTIVE_API_KEY",
        metavar="KEY",
        help="API key of the Adaptive instance (env ADAPTIVE_API_KEY).",
    )(function)
    return click.option(
        "--url",
        "url",
        envvar="ADAPTIVE_URL",
        metavar="URL",
        help="Base URL of the Adaptive instance (env ADAPTIVE_URL).",
    )(function)


def no_color_option(function: F) -> F:
    """``--no-color``: plain text without ANSI colours (``NO_COLOR`` does the same)."""
    return click.option(
        "--no-color", "no_color", is_flag=True, help="Plain text without ANSI colours (also NO_COLOR)."
    )(function)
