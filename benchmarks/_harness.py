"""What every benchmark shares: run a command as a subprocess and measure it, check its result,
fail loudly.

``measure(argv, emulator)`` runs one command to completion and returns a ``Run``: wall time,
its own CPU and peak RSS (``os.wait4``), the CPU the in-process emulator spent meanwhile, the
HTTP requests and connections the emulator saw, and the largest GraphQL request body.
A benchmark never prints a figure for a run that did not do its job: ``expect(...)`` raises
``BenchmarkFailed`` (the script exits 1 with the reason and the command's output) when a run
exits non-zero or its output lacks what it must say ("No changes", "Plan: 10 to create").
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from adaptive_plan.emulator.stats import Stats

HERE = Path(__file__).resolve().parent
CLI = [sys.executable, "-m", "adaptive_plan"]
SUMMARY = re.compile(r"Plan: (\d+) to create, (\d+) to update, (\d+) to delete")
NO_CHANGES = "No changes."


class BenchmarkFailed(SystemExit):
    """A run did not do what it was measured for: its figures would be meaningless."""

    def __init__(self, what: str, run: Run | None = None) -> None:
        detail = ""
        if run is not None:
            detail = f"\n--- stdout (end)\n{run.stdout[-1500:]}\n--- stderr (end)\n{run.stderr[-1500:]}"
        super().__init__(f"BENCHMARK FAILED: {what}{detail}")


@dataclass
class Run:
    """One measured subprocess (see the module docstring)."""

    argv: list[str]
    wall: float
    cpu: float
    peak_mb: float
    emulator_cpu: float
    requests: int
    connections: int
    largest_body: int
    code: int
    stdout: str
    stderr: str

    def summary(self) -> tuple[int, int, int] | None:
        """(create, update, delete) of a plan's summary line, (0, 0, 0) for "No changes"."""
        if NO_CHANGES in self.stdout:
            return (0, 0, 0)
        found = SUMMARY.search(self.stdout)
        return tuple(int(n) for n in found.groups()) if found else None  # type: ignore[return-value]


def measure(argv: list[str], emulator=None, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` to completion, against ``emulator`` if given (its counters are reset first)."""
    path = os.pathsep.join([str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])])
    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": path, **(env or {})}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        stats = emulator.stats if emulator is not None else Stats()
        stats.reset()
        start, own = time.perf_counter(), _cpu(resource.getrusage(resource.RUSAGE_SELF))
        process = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=full_env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        emulator_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - own
        out.seek(0)
        err.seek(0)
        return Run(
            argv, wall, _cpu(usage), usage.ru_maxrss / 1024, emulator_cpu, stats.http_requests,
            stats.connections, max(stats.body_sizes, default=0), os.waitstatus_to_exitcode(status),
            out.read(), err.read(),
        )


def best_of(repeat: int, argv: list[str], emulator) -> Run:
    """The fastest of ``repeat`` runs of a read-only command (the least disturbed by other load)."""
    return min((measure(argv, emulator) for _ in range(max(1, repeat))), key=lambda run: run.wall)


def expect(run: Run, what: str, *, summary: tuple[int, int, int] | None = None, says: str = "") -> Run:
    """``run`` exited 0 and (when given) its plan summary is ``summary`` and its stdout holds
    ``says``; else ``BenchmarkFailed`` naming ``what``."""
    if run.code != 0:
        raise BenchmarkFailed(f"{what}: exited {run.code}", run)
    if summary is not None and run.summary() != summary:
        raise BenchmarkFailed(f"{what}: expected the plan {summary}, got {run.summary()}", run)
    if says and says not in run.stdout:
        raise BenchmarkFailed(f"{what}: the output does not say {says!r}", run)
    return run


def cli(command: str, target: str | Path, emulator, *extra: str) -> list[str]:
    return [*CLI, command, str(target), "--url", emulator.url, "--api-key", emulator.api_key, *extra]


def load_line() -> str:
    """CPUs and the load averages, to print before and after a benchmark."""
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


def markdown_table(columns: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---:|" * len(columns)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime
