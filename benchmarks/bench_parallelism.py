"""Benchmark: cold apply at each ``--parallelism``, and against a rate-limited server with the
adaptive (AIMD) concurrency window versus a fixed one.

1. The curve: for each parallelism (1 4 10 32 64), a fresh emulator with 20 ms of latency,
   ``adaptive-plan apply --auto-approve --parallelism P`` of the same generated estate
   (``_generate.py``), then ``plan`` (must say *No changes*); once with the default
   ``--batch-size`` (20) and once with ``--batch-size 1`` (every call alone). Reported: wall
   time, requests and the connections the client opened (a pool smaller than the parallelism
   reconnects).
2. Throttling: the emulator answers 429 (``Retry-After: 1``) beyond ``--limit`` requests in
   flight (``Faults.max_in_flight``), and then, separately, to a random ``--throttle-rate``
   share of requests. The same apply through the library (``_apply_fixed.py``) with the
   adaptive window and with ``--fixed`` (retries only), both at ``--parallelism 32``.
   Reported: wall time, requests, and how many were throttled.

Every apply must complete and every check plan say *No changes*, else the script fails; the
one exception is the fixed window, whose failures (retries exhausted) are what it shows.

    python benchmarks/bench_parallelism.py [--size 1000] [--parallelism 1 4 10 32 64]
        [--latency-ms 20] [--limit 8] [--throttle-rate 0.02]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from _generate import write_tree
from _harness import HERE, NO_CHANGES, BenchmarkFailed, Run, cli, expect, load_line, markdown_table, measure

from adaptive_plan.emulator.faults import Faults
from adaptive_plan.emulator.resolvers import build_schema
from adaptive_plan.emulator.server import run_emulator


def curve(root: Path, size: int, latency_ms: float, levels: list[int]) -> list[list[str]]:
    rows = []
    for level in levels:
        row = [str(level)]
        for batch in ("20", "1"):  # the default, and every call alone
            with run_emulator(faults=Faults(latency_ms=latency_ms)) as emulator:
                options = ("--parallelism", str(level), "--batch-size", batch)
                what = f"apply {' '.join(options)}"
                run = expect(measure(cli("apply", root, emulator, "--auto-approve", *options), emulator),
                             what, says="Apply complete")
                expect(measure(cli("plan", root, emulator), emulator), f"plan after {what}", says=NO_CHANGES)
            row += [f"{run.wall:.2f}", str(run.requests), str(run.connections), f"{size / run.wall:.0f}"]
        rows.append(row)
    return rows


def throttled(root: Path, latency_ms: float, faults: dict, label: str, parallelism: int) -> list[list[str]]:
    rows = []
    for fixed in (False, True):
        with run_emulator(faults=Faults(latency_ms=latency_ms, **faults)) as emulator:
            argv = [sys.executable, str(HERE / "_apply_fixed.py"), str(root), "--url", emulator.url,
                    "--api-key", emulator.api_key, "--parallelism", str(parallelism)]
            window = "fixed" if fixed else "adaptive (AIMD)"
            run: Run = measure(argv + (["--fixed"] if fixed else []), emulator)
            refused = emulator.faults.throttled
            outcome = _outcome(run, f"{label}, {window}", fixed)
            if outcome == "complete":
                emulator.faults.max_in_flight, emulator.faults.throttle_rate = 0, 0.0
                expect(measure(cli("plan", root, emulator), emulator), f"plan after {label}, {window}",
                       says=NO_CHANGES)
        wall, requests = f"{run.wall:.2f}", str(run.requests)
        rows.append([label, window, str(parallelism), wall, requests, str(refused), outcome])
    return rows


def _outcome(run: Run, what: str, fixed: bool) -> str:
    """"complete", or (for the fixed window only: what it is measured for) the failures of an
    apply whose retries ran out; the adaptive window must complete."""
    if run.code == 0 and "Apply complete" in run.stdout:
        return "complete"
    found = re.search(r"Apply incomplete: .*", run.stdout)
    if not fixed or found is None:
        raise BenchmarkFailed(f"{what}: the apply did not complete", run)
    return found.group(0).split(", throttled")[0].replace("Apply incomplete: ", "incomplete: ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--parallelism", type=int, nargs="+", default=[1, 4, 10, 32, 64])
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--limit", type=int, default=8, help="the server's requests in flight")
    parser.add_argument("--throttle-rate", type=float, default=0.02)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    root = (args.keep or Path(tempfile.mkdtemp(prefix="bench-parallelism-"))) / f"n{args.size}"
    write_tree(args.size, root)
    build_schema()
    before = load_line()
    rows = curve(root, args.size, args.latency_ms, args.parallelism)
    limited = throttled(root, args.latency_ms, {"max_in_flight": args.limit},
                        f"at most {args.limit} in flight", 32)
    random = throttled(root, args.latency_ms, {"throttle_rate": args.throttle_rate, "seed": 7},
                       f"{args.throttle_rate:.0%} at random", 32)
    print(f"before: {before}\nafter:  {load_line()}\nPython {sys.version.split()[0]}")
    print(f"cold apply of {args.size:,} resources, {args.latency_ms:g} ms latency per request")
    each = ["wall s", "requests", "connections", "resources/s"]
    columns = ["--parallelism", *each, *(f"{name}, --batch-size 1" for name in each)]
    print(markdown_table(columns, rows))
    print()
    print("429 with Retry-After: 1")
    columns = ["server", "window", "ceiling", "wall s", "requests", "throttled", "outcome"]
    print(markdown_table(columns, limited + random))


if __name__ == "__main__":
    main()
