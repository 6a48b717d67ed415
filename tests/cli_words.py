"""Reading ``adaptive-plan ...`` command lines out of shell scripts and Markdown, and checking
them against the real click command tree (commands, options, choices), without running them.

Used by the README test and the CI-recipe test, so both hold documentation to the same rule:
a command shown to a user names only commands, flags and choices the CLI really has.
"""

from __future__ import annotations

import re
import shlex

import click

from adaptive_plan.cli.main import cli

OPERATORS = {";", "&&", "||", "|", "(", ")", "&", "$(", "`"}
REDIRECTS = {">", ">>", "<", "2>", "2>&1", ">&"}


def command_lines(script: str) -> list[list[str]]:
    """Each ``adaptive-plan`` invocation in a shell script, as its words after ``adaptive-plan``."""
    script = re.sub(r"\$\{\{.*?\}\}", "EXPR", script).replace("\\\n", " ")
    found = []
    for line in script.splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token in OPERATORS:
                found += _invocation(words)
                words = []
            else:
                words.append(token)
    return found


def _invocation(words: list[str]) -> list[list[str]]:
    cleaned, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in REDIRECTS:
            skip = True
        else:
            cleaned.append(word)
    while cleaned and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", cleaned[0]):
        cleaned.pop(0)
    return [cleaned[1:]] if cleaned[:1] == ["adaptive-plan"] else []


def check_invocation(words: list[str]) -> None:
    """Raise AssertionError unless ``adaptive-plan WORDS`` names a real command, flags, choices."""
    ctx = click.Context(cli)
    assert words, "adaptive-plan with no command"
    if words[0].startswith("-"):
        _check_options(cli, words, ctx)
        return
    command = cli.get_command(ctx, words[0])
    assert command is not None, f"no such command: adaptive-plan {words[0]}"
    _check_options(command, words[1:], click.Context(command))


def _check_options(command: click.Command, words: list[str], ctx: click.Context) -> None:
    options = {opt: param for param in command.get_params(ctx) if isinstance(param, click.Option)
               for opt in (*param.opts, *param.secondary_opts)}
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            break
        if not word.startswith("-") or word == "-":
            continue
        name, equals, value = word.partition("=")
        param = options.get(name)
        assert param is not None, f"adaptive-plan {command.name}: no option {name}"
        if param.is_flag or param.count:
            assert not equals, f"{name} takes no value"
            continue
        if not equals:
            assert index < len(words), f"{name} needs a value"
            value, index = words[index], index + 1
        if isinstance(param.type, click.Choice) and "$" not in value:
            assert value in param.type.choices, f"{name} {value}: not one of {param.type.choices}"


def shell_lines(markdown: str) -> list[str]:
    """Lines of the ```bash and ```console blocks (console: only ``$ `` prompts, without them)."""
    lines, fence = [], None
    for line in markdown.splitlines():
        if line.startswith("```"):
            fence = line[3:].strip() if fence is None else None
        elif fence == "bash":
            lines.append(line)
        elif fence == "console" and line.startswith("$ "):
            lines.append(line[2:])
    return lines
