"""Every ``adaptive-plan ...`` command the README shows is one the CLI accepts, and the ones
that need no server (offline, or ``--local``) run as written and print what the README shows.

Also: the common-options table agrees with the CLI (every option is accepted by every command
listed for it, and every command is listed for ``--no-color``).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from adaptive_plan.cli.main import cli
from tests.cli_words import check_invocation, command_lines

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CHECKOUT = "/src/adaptive-plan"  # where the README's shown output says it was run
SHELL_FENCES = {"bash", "sh", "shell", "console"}


@dataclass
class Shown:
    """One command the README shows: a runnable line, or a synopsis (``[OPTIONS]`` notation)."""

    line: int
    text: str
    synopsis: bool
    output: list[str] | None = field(default=None)  # the lines a ``$ `` prompt block shows after it


def _blocks() -> list[tuple[str, int, list[str]]]:
    """Fenced blocks as (language, line number of the first content line, lines)."""
    blocks, current, language, start = [], None, "", 0
    for number, line in enumerate(README.splitlines(), 1):
        if line.startswith("```"):
            if current is None:
                current, language, start = [], line[3:].strip(), number + 1
            else:
                blocks.append((language, start, current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def shown_commands() -> list[Shown]:
    found: list[Shown] = []
    for language, start, lines in _blocks():
        prompt: Shown | None = None
        for offset, line in enumerate(lines):
            number = start + offset
            if line.startswith("$ "):
                prompt = Shown(number, line[2:], synopsis=False, output=[])
                found.append(prompt)
            elif prompt is not None and prompt.output is not None:
                prompt.output.append(line)
            elif language in SHELL_FENCES and "adaptive-plan " in line:
                found.append(Shown(number, line, synopsis=False))
            elif not language and line.startswith("adaptive-plan "):
                found.append(Shown(number, line, synopsis=True))
            elif not language and line.startswith(" ") and found and found[-1].synopsis:
                found[-1].text += " " + line.strip()  # a synopsis continued on the next line
    return found


SHOWN = shown_commands()


def test_the_readme_shows_commands_of_every_kind() -> None:
    assert len([s for s in SHOWN if s.synopsis]) >= 10
    assert {s.text.split()[1] for s in SHOWN if s.synopsis} >= {
        "validate", "plan", "apply", "drift", "graph", "export", "emulator"
    }
    assert any(s.output for s in SHOWN)


@pytest.mark.parametrize("shown", SHOWN, ids=lambda s: f"README.md:{s.line}")
def test_each_readme_command_parses_against_the_cli(shown: Shown) -> None:
    if shown.synopsis:
        _check_synopsis(shown.text)
        return
    invocations = command_lines(shown.text)
    assert invocations, f"README.md:{shown.line}: no adaptive-plan command in {shown.text!r}"
    for words in invocations:
        check_invocation(words)


def _check_synopsis(text: str) -> None:
    """``adaptive-plan CMD [--flag X] [--other]...``: CMD exists and has every flag named."""
    text = text.split("  #", 1)[0]
    name = text.split()[1]
    command = cli.get_command(click.Context(cli), name)
    assert command is not None, f"no such command: adaptive-plan {name}"
    options = {opt for param in command.get_params(click.Context(command)) for opt in param.opts}
    for flag in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", text):
        assert flag in options, f"adaptive-plan {name}: no option {flag} (README synopsis: {text})"


def _runs_without_a_server(words: list[str]) -> bool:
    """Offline or ``--local``, on manifests of this repository (``deploy/`` stands for the user's)."""
    if words[0] == "schema":
        return True
    if len(words) < 2 or not Path(words[1]).exists():
        return False
    if words[0] == "validate" or "--local" in words:
        return True
    return words[0] == "graph" and "--plan" not in words


def test_the_commands_that_need_no_server_run_as_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In document order, in a copy of the examples (``--local`` state starts empty)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    monkeypatch.chdir(tmp_path)
    ran = 0
    for shown in SHOWN:
        if shown.synopsis:
            continue
        for words in command_lines(shown.text):
            if not _runs_without_a_server(words):
                continue
            with monkeypatch.context() as scope:
                if words[0] == "schema":  # writes files: not into the examples' tree
                    (tmp_path / "elsewhere").mkdir(exist_ok=True)
                    scope.chdir(tmp_path / "elsewhere")
                result = CliRunner().invoke(cli, words, env={"NO_COLOR": "1"})
            where = f"README.md:{shown.line}: adaptive-plan {' '.join(words)}"
            assert "Traceback" not in result.output and not isinstance(result.exception, Exception), (
                where, result.output, result.exception,
            )
            ran += 1
            if shown.output is None:
                assert result.exit_code == 0, (where, result.output)
                continue
            expected = "\n".join(shown.output).strip()
            assert result.stdout.replace(str(tmp_path), CHECKOUT).strip() == expected, where
            assert result.exit_code == (1 if expected.splitlines()[-1].startswith("Invalid:") else 0), where
    assert ran >= 6
    second = re.search(r"A second `adaptive-plan ([^`]+)` then says `([^`]+)`", README)
    assert second, "the quick start's 'A second ... then says ...' sentence is gone"
    result = CliRunner().invoke(cli, second.group(1).split(), env={"NO_COLOR": "1"})
    assert result.exit_code == 0 and second.group(2) in result.stdout, result.output


# --- the common-options table ------------------------------------------------------------


def common_options() -> list[tuple[list[str], list[str]]]:
    """(options, commands) per row of the table between the common-options markers."""
    table = README.split("<!-- common-options:start -->")[1].split("<!-- common-options:end -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        options = re.findall(r"`(--[a-z-]+)", cells[0])
        rows.append((options, [name.strip() for name in cells[-1].split(",")]))
    return rows


ROWS = common_options()
PAIRS = [(option, name) for options, names in ROWS for option in options for name in names]
VALUES = {"--var": ["X=1"], "--var-file": ["vars.yaml"], "--url": ["http://127.0.0.1:1"], "--api-key": ["k"]}


def test_the_table_lists_every_command_for_no_color_and_the_usual_options() -> None:
    assert {option for options, _ in ROWS for option in options} == {
        "--no-color", "--var", "--var-file", "--url", "--api-key", "--local"
    }
    no_color = next(names for options, names in ROWS if "--no-color" in options)
    assert sorted(no_color) == sorted(cli.list_commands(click.Context(cli)))


@pytest.mark.parametrize(("option", "name"), PAIRS, ids=[f"{n} {o}" for o, n in PAIRS])
def test_each_common_option_is_accepted_by_each_command_listed(option: str, name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None, f"the table lists {name}, which is not a command"
    required = [param for param in command.params if isinstance(param, click.Argument) and param.required]
    args = [*("plan.json" for _ in required), option, *VALUES.get(option, [])]
    context = command.make_context(name, args)  # click's own parser: raises on an unknown option
    assert context.params, (name, option)


@pytest.mark.parametrize("name", ["validate", "graph"])
def test_no_color_runs_with_the_offline_commands(name: str) -> None:
    result = CliRunner().invoke(cli, [name, str(ROOT / "examples" / "quickstart"), "--no-color"])
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.output


def test_ci_runs_the_readme_test_command() -> None:
    """``.ci/run`` runs, as its last line, exactly the command README.md gives for the tests."""
    shown = re.search(r"Pass the tests:\s*\n+```bash\n(.+?)\n```", README)
    assert shown is not None, "README.md: no fenced test command after 'Pass the tests:'"
    ci_lines = [line for line in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert ci_lines[-1] == shown.group(1).strip()
