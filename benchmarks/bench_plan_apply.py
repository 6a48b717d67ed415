"""Benchmark: plan and apply of generated manifests (10, 100, 1,000 resources) against the
emulator with injected latency, side by side with a plain official-SDK script doing the same work.

For each size N: write the manifest tree (``_generate.py``), start an emulator with 20 ms of
latency per request, and run as subprocesses (so wall time and peak memory are the CLI's own):
``adaptive-plan plan`` (empty instance, everything to create), ``adaptive-plan apply
--auto-approve``, and ``adaptive-plan plan`` again (re-plan: "No changes" over N live objects);
plan and re-plan are read-only, so each is the best of ``--repeat`` runs.
Then, against a fresh emulator with the same latency, ``_sdk_script.py`` (get each resource,
create what is missing, one SDK call at a time), followed by one ``adaptive-plan plan`` over
what it built ("adopt"): it cross-checks the SDK script built the same thing, and measures
adopting an estate adaptive-plan did not make (each SDK-uploaded recipe is downloaded once,
as it carries no content-hash label). HTTP requests are the emulator's count.
Targets at 1,000 resources: plan in at most 2 requests and under 1 s; apply at least 10x faster
than the SDK script. Nothing here asserts a time; it prints a table.

    python benchmarks/bench_plan_apply.py [--sizes 10 100 1000] [--latency-ms 20] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _generate import write_tree

from adaptive_plan.emulator.faults import Faults
from adaptive_plan.emulator.resolvers import build_schema
from adaptive_plan.emulator.server import Emulator, run_emulator

HERE = Path(__file__).resolve().parent
CLI = [sys.executable, "-m", "adaptive_plan"]
SUMMARY = re.compile(r"Plan: (\d+) to create, (\d+) to update, (\d+) to delete")


@dataclass
class Run:
    """One measured subprocess: wall seconds, HTTP requests it caused, its peak RSS in MB, its
    CPU seconds, and the CPU seconds the (in-process) emulator spent meanwhile."""

    wall: float
    requests: int
    peak_mb: float
    cpu: float
    emulator_cpu: float
    code: int
    stdout: str
    stderr: str

    def summary(self) -> str:
        if "No changes" in self.stdout:
            return "no changes"
        found = SUMMARY.search(self.stdout)
        return "{} create, {} update, {} delete".format(*found.groups()) if found else "?"


def measure(argv: list[str], emulator: Emulator) -> Run:
    """Run ``argv`` to completion; its wall time, the emulator's request count, its max RSS."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(HERE)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        emulator.stats.reset()
        start, own = time.perf_counter(), _cpu(resource.getrusage(resource.RUSAGE_SELF))
        process = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        emulator_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - own
        process.returncode = os.waitstatus_to_exitcode(status)
        requests = emulator.stats.http_requests
        out.seek(0)
        err.seek(0)
        peak_mb, code = usage.ru_maxrss / 1024, process.returncode
        run = Run(wall, requests, peak_mb, _cpu(usage), emulator_cpu, code, out.read(), err.read())
    if run.code != 0:
        command = " ".join(argv[:4])
        raise SystemExit(f"{command} ... exited {run.code}:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return run


def best_of(repeat: int, argv: list[str], emulator: Emulator) -> Run:
    """The fastest of ``repeat`` runs of a read-only command (the least disturbed by other load)."""
    return min((measure(argv, emulator) for _ in range(max(1, repeat))), key=lambda run: run.wall)


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _cli(command: str, root: Path, emulator: Emulator, *extra: str) -> list[str]:
    return [*CLI, command, str(root), "--url", emulator.url, "--api-key", emulator.api_key, *extra]


@dataclass
class Row:
    size: int
    plan: Run
    apply: Run
    replan: Run
    sdk: Run
    adopt: Run  # plan over what the SDK script built: cross-check, and the cost of adopting

    @property
    def speedup(self) -> float:
        return self.sdk.wall / self.apply.wall


def bench(size: int, root: Path, latency_ms: float, repeat: int) -> Row:
    """Measure one size: plan, apply and re-plan with the CLI, then the SDK script."""
    write_tree(size, root)
    with run_emulator(faults=Faults(latency_ms=latency_ms)) as emulator:
        plan = best_of(repeat, _cli("plan", root, emulator), emulator)
        apply = measure(_cli("apply", root, emulator, "--auto-approve"), emulator)
        replan = best_of(repeat, _cli("plan", root, emulator), emulator)
    with run_emulator(faults=Faults(latency_ms=latency_ms)) as emulator:
        sdk_argv = [sys.executable, str(HERE / "_sdk_script.py"), str(root)]
        sdk = measure([*sdk_argv, "--url", emulator.url, "--api-key", emulator.api_key], emulator)
        adopt = measure(_cli("plan", root, emulator), emulator)
    return Row(size, plan, apply, replan, sdk, adopt)


COLUMNS = (
    "N", "plan s", "plan req", "plan MB", "apply s", "apply req", "apply MB",
    "SDK s", "SDK req", "SDK MB", "speed-up", "re-plan s", "re-plan req", "re-plan MB",
)


def _cells(row: Row) -> list[str]:
    p, a, s, r = row.plan, row.apply, row.sdk, row.replan
    return [
        f"{row.size:,}", f"{p.wall:.2f}", str(p.requests), f"{p.peak_mb:.0f}",
        f"{a.wall:.2f}", str(a.requests), f"{a.peak_mb:.0f}",
        f"{s.wall:.2f}", str(s.requests), f"{s.peak_mb:.0f}", f"{row.speedup:.1f}x",
        f"{r.wall:.2f}", str(r.requests), f"{r.peak_mb:.0f}",
    ]


def table(rows: list[Row]) -> str:
    """The results as a Markdown table (also readable as plain text)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---:|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def breakdown(rows: list[Row]) -> str:
    """Where the wall time goes: the process's own CPU and the emulator's CPU meanwhile."""
    lines = ["| N | run | wall s | its CPU s | emulator CPU s | requests |", "|---:|---|---:|---:|---:|---:|"]
    for row in rows:
        for name in ("plan", "apply", "replan", "sdk", "adopt"):
            run: Run = getattr(row, name)
            cells = [f"{row.size:,}", name, f"{run.wall:.2f}", f"{run.cpu:.2f}", f"{run.emulator_cpu:.2f}"]
            lines.append("| " + " | ".join([*cells, str(run.requests)]) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=3, help="plan and re-plan: best of this many runs")
    parser.add_argument("--keep", type=Path, help="write the manifest trees here and keep them")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-plan-apply-"))
    build_schema()  # the in-process emulator's GraphQL schema, built once before any timing
    rows, load_before = [], os.getloadavg()[0]
    for size in args.sizes:
        row = bench(size, base / f"n{size}", args.latency_ms, args.repeat)
        rows.append(row)
        checks = f"plan: {row.plan.summary()}; re-plan: {row.replan.summary()}"
        print(f"N={size}: {checks}; plan after the SDK script: {row.adopt.summary()}", file=sys.stderr)
    python, load = sys.version.split()[0], f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
    print(f"{os.cpu_count()} CPUs (1-min load average {load}), Python {python}")
    print(f"{args.latency_ms:g} ms latency per request; plan and re-plan: best of {args.repeat}")
    print(table(rows))
    print()
    print(breakdown(rows))


if __name__ == "__main__":
    main()
