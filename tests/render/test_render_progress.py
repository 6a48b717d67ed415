"""Apply progress lines (TTY and plain) and the closing report."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

from render_sample import step

from adaptive_plan.model.events import StepDone, StepFailed, StepSkipped, StepStarted
from adaptive_plan.model.plan import Step
from adaptive_plan.render.progress import ProgressPrinter, render_apply_report

EVENTS = [
    StepStarted("team.a#1", "team.a", "create"),
    StepStarted("project.p#1", "project.p", "create"),
    StepDone("team.a#1", "team.a", "create", 0.42),
    StepFailed("project.p#1", "project.p", "create", "CreateProject: EntityNotFound: team 'x' not found"),
    StepSkipped("project.p/grader.g#1", "project.p/grader.g", "create", "project.p#1"),
]


def test_the_ticker_refreshes_elapsed_time_only_while_steps_run() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream, tty=True, interval=0.01)
    printer(EVENTS[0])
    deadline = time.monotonic() + 2
    while stream.getvalue().count("team.a: create (") < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue().count("team.a: create (") >= 3
    printer(StepDone("team.a#1", "team.a", "create", 0.1))
    time.sleep(0.05)
    assert printer._ticker is None
    printer.close()


def test_plain_lines_when_not_a_tty() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream, tty=False)
    for event in EVENTS:
        printer(event)
    assert stream.getvalue().splitlines() == [
        "team.a: create started",
        "project.p: create started",
        "team.a: create done after 0.4s",
        "project.p: create failed: CreateProject: EntityNotFound: team 'x' not found",
        "project.p/grader.g: create skipped (blocked by project.p#1)",
    ]


def test_live_lines_on_a_tty() -> None:
    stream = io.StringIO()
    with ProgressPrinter(stream, tty=True, interval=0.01) as printer:
        printer(EVENTS[0])
        printer(EVENTS[1])
        printer.tick()
        assert "team.a: create (" in stream.getvalue() and "project.p: create (" in stream.getvalue()
        for event in EVENTS[2:]:
            printer(event)
    out = stream.getvalue()
    assert "\x1b[" in out  # redrawn in place
    assert "team.a: create done after 0.4s" in out
    assert "project.p: create failed" in out
    assert out.endswith("\n")


@dataclass
class Report:
    done: list[Step] = field(default_factory=list)
    failed: list[tuple[Step, str]] = field(default_factory=list)
    skipped: list[tuple[Step, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped


def test_report_of_a_clean_apply() -> None:
    text = render_apply_report(Report(done=[step("team.a", 1, "create"), step("team.b", 1, "create")]))
    assert text == "Apply complete: 2 steps done.\n"


def test_report_of_a_partial_apply() -> None:
    report = Report(
        done=[step("team.a", 1, "create")],
        failed=[(step("project.p", 1, "create"), "CreateProject: team 'x' not found")],
        skipped=[(step("project.p/grader.g", 1, "create"), "project.p#1")],
    )
    assert render_apply_report(report).splitlines() == [
        "Apply failed: 1 done, 1 failed, 1 skipped.",
        "",
        "Done:",
        "  ✓ team.a: create",
        "",
        "Failed:",
        "  ✗ project.p: create: CreateProject: team 'x' not found",
        "",
        "Skipped (a step they wait for failed):",
        "  ↷ project.p/grader.g: create (blocked by project.p#1)",
        "",
        "Fix the cause and run apply again: what is done is not repeated.",
    ]
