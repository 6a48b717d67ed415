"""Apply progress and the closing apply report.

``ProgressPrinter`` is the ``on_event`` callback the CLI hands to the executor. On a TTY
it keeps a live line per resource in flight with its elapsed time (redrawn in place on
every event, and every half second by a ticker thread that runs only while steps are
in flight) above which finished steps scroll; on anything else it writes one plain
line per event, for CI logs. Events never carry secret values, so nothing here needs
redacting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import IO, Any, Protocol

from adaptive_plan.model.events import Event, StepDone, StepFailed, StepSkipped, StepStarted
from adaptive_plan.model.plan import Step
from adaptive_plan.render.style import Palette


class ApplyReportLike(Protocol):
    """What ``render_apply_report`` reads (the executor's ``ApplyReport``)."""

    done: Sequence[Step]
    failed: Sequence[tuple[Step, str]]
    skipped: Sequence[tuple[Step, str]]

    @property
    def ok(self) -> bool: ...


class ProgressPrinter:
    """Render apply events to ``stream``; call it with each event (thread-safe)."""

    def __init__(
        self, stream: IO[str], tty: bool, *, color: bool | None = None, interval: float = 0.5
    ) -> None:
        self.stream = stream
        self.tty = tty
        self.palette = Palette(tty if color is None else color)
        self.interval = interval
        self._active: dict[str, tuple[str, float]] = {}  # address -> (verb, started)
        self._drawn = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # --- the callback ------------------------------------------------------
    def __call__(self, event: Event) -> None:
        with self._lock:
            line = self._record(event)
            if self.tty:
                self._redraw(line)
                if self._active and self._ticker is None and not self._stop.is_set():
                    self._start_ticker()
            elif line is not None:
                self.stream.write(line + "\n")
            self.stream.flush()

    def _record(self, event: Event) -> str | None:
        paint = self.palette.paint
        if isinstance(event, StepStarted):
            self._active[event.address] = (event.verb, time.monotonic())
            return None if self.tty else f"{event.address}: {event.verb} started"
        self._active.pop(event.address, None)
        if isinstance(event, StepDone):
            mark = paint("✓", "green") if self.tty else ""
            return f"{mark}{' ' if mark else ''}{event.address}: {event.verb} done after {event.seconds:.1f}s"
        if isinstance(event, StepFailed):
            mark = paint("✗", "red") if self.tty else ""
            text = f"{event.address}: {event.verb} failed: {event.message}"
            return f"{mark} {paint(text, 'red')}" if mark else text
        if isinstance(event, StepSkipped):
            mark = paint("↷", "yellow") if self.tty else ""
            text = f"{event.address}: {event.verb} skipped (blocked by {event.blocked_by})"
            return f"{mark} {text}" if mark else text
        return None

    # --- the live block (TTY only) ---------------------------------------------
    def _redraw(self, finished: str | None) -> None:
        out = [f"\x1b[{self._drawn}F\x1b[J"] if self._drawn else []
        if finished is not None:
            out.append(finished + "\n")
        now = time.monotonic()
        block = [
            f"  {self.palette.paint('…', 'cyan')} {address}: {verb} ({now - started:.1f}s)\n"
            for address, (verb, started) in self._active.items()
        ]
        out.extend(block)
        self._drawn = len(block)
        self.stream.write("".join(out))

    def tick(self) -> None:
        """Redraw the live lines with fresh elapsed times (TTY only)."""
        if not self.tty:
            return
        with self._lock:
            if self._active:
                self._redraw(None)
                self.stream.flush()

    def start(self) -> ProgressPrinter:
        """Nothing to do up front: on a TTY the ticker starts with the first step; returns self."""
        return self

    def _start_ticker(self) -> None:
        # called with the lock held; the ticker ends itself when nothing is in flight
        self._ticker = threading.Thread(target=self._tick_loop, name="progress-ticker", daemon=True)
        self._ticker.start()

    def _tick_loop(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                if not self._active:
                    self._ticker = None
                    return
                self._redraw(None)
                self.stream.flush()

    def close(self) -> None:
        """Stop the ticker and clear the live block."""
        self._stop.set()
        with self._lock:
            ticker, self._ticker = self._ticker, None
        if ticker is not None:
            ticker.join()
        with self._lock:
            if self.tty and self._drawn:
                self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
                self._drawn = 0
                self.stream.flush()

    def __enter__(self) -> ProgressPrinter:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()


def render_apply_report(report: ApplyReportLike, *, color: bool = False) -> str:
    """The closing summary: what was done, what failed (with the API's message), what was skipped,
    and after an interruption (Ctrl-C) what was in flight and what never started."""
    paint = Palette(color).paint
    done, failed, skipped = len(report.done), len(report.failed), len(report.skipped)
    if report.ok:
        return paint(f"Apply complete: {done} step{'s' if done != 1 else ''} done.", "green", "bold") + "\n"
    if getattr(report, "interrupted", False):
        return _interrupted_report(report, paint)
    lines = [paint(f"Apply failed: {done} done, {failed} failed, {skipped} skipped.", "red", "bold")]
    if report.done:
        lines += ["", "Done:", *(f"  ✓ {step.address}: {step.verb}" for step in report.done)]
    lines += ["", "Failed:", *(f"  ✗ {step.address}: {step.verb}: {text}" for step, text in report.failed)]
    if report.skipped:
        lines += ["", "Skipped (a step they wait for failed):"]
        lines += [f"  ↷ {step.address}: {step.verb} (blocked by {by})" for step, by in report.skipped]
    lines += ["", "Fix the cause and run apply again: what is done is not repeated."]
    return "\n".join(lines) + "\n"


def _interrupted_report(report: Any, paint: Any) -> str:
    in_flight, not_started = list(report.in_flight), list(report.not_started)
    counts = (
        f"{len(report.done)} done, {len(report.failed)} failed, {len(in_flight)} in flight, "
        f"{len(report.skipped) + len(not_started)} not started"
    )
    lines = [paint(f"Apply interrupted: {counts}.", "red", "bold")]
    if report.done:
        lines += ["", "Done:", *(f"  ✓ {step.address}: {step.verb}" for step in report.done)]
    if report.failed:
        lines += ["", "Failed:"]
        lines += [f"  ✗ {step.address}: {step.verb}: {text}" for step, text in report.failed]
    if in_flight:
        lines += ["", "In flight (sent; the outcome was not seen):"]
        lines += [f"  … {step.address}: {step.verb}: {text}" for step, text in in_flight]
    if report.skipped or not_started:
        lines += ["", "Not started:"]
        lines += [f"  ↷ {step.address}: {step.verb} (blocked by {by})" for step, by in report.skipped]
        lines += [f"  · {step.address}: {step.verb}" for step in not_started]
    lines += ["", "Run plan to see where things stand, then apply again: what is done is not repeated."]
    return "\n".join(lines) + "\n"
