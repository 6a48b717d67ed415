"""Benchmark: plan, apply, re-plan, 1%-changed plan and export of generated estates against the
emulator with injected latency, side by side with two plain official-SDK scripts doing the
same work; every run's result is checked, and a run that did not do its job fails the script.

For each size N: write the manifest tree (``_generate.py``), start an emulator with 20 ms of
latency per request, and run as subprocesses (so wall time and peak memory are the CLI's own):

1. ``plan`` on the empty instance: must plan exactly N creates;
2. ``apply --auto-approve`` (default ``--parallelism 10``, ``--batch-size 20``): must exit 0
   (and, first, each on a fresh emulator, the same with ``--batch-size 1``, every call alone:
   "apply unbatched", and at ``--parallelism --wide``, 32: "apply wide");
3. ``plan`` again, the converged re-plan: must say *No changes*;
4. ``plan`` after editing 1% of the resources (a metric description in N/100 projects): must
   plan exactly that many updates;
5. ``export --out DIR``, then (not timed) ``plan DIR``: must say *No changes*.

Plans are read-only, so each is the best of ``--repeat`` runs. Then, for the sizes in
``--sdk-sizes``, each SDK script (``_sdk_script.py``) against a fresh emulator with the same
latency: ``--style list`` (the natural list-then-create script) followed by one ``plan`` over
what it built ("adopt", which must say *No changes*), and ``--style get`` (one lookup per
object). Both must report N created. HTTP requests, connections and the largest GraphQL
request body are the emulator's counts. Nothing here asserts a time; it prints tables.

    python benchmarks/bench_plan_apply.py [--sizes 1000 3000 10000] [--sdk-sizes 1000 3000]
        [--latency-ms 20] [--repeat 3] [--wide 32] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from _generate import change_one_percent, write_tree
from _harness import (
    CLI,
    HERE,
    NO_CHANGES,
    Run,
    best_of,
    cli,
    expect,
    load_line,
    markdown_table,
    measure,
)

from adaptive_plan.emulator.faults import Faults
from adaptive_plan.emulator.resolvers import build_schema
from adaptive_plan.emulator.server import Emulator, run_emulator

RUNS = (
    "plan", "apply", "apply_unbatched", "apply_wide", "replan", "changed", "export",
    "sdk_list", "adopt", "sdk_get",
)


@dataclass
class Row:
    size: int
    runs: dict[str, Run] = field(default_factory=dict)

    def wall(self, name: str) -> str:
        return f"{self.runs[name].wall:.2f}" if name in self.runs else "–"

    def speedup(self, sdk: str, apply: str = "apply") -> str:
        if sdk not in self.runs or apply not in self.runs:
            return "–"
        return f"{self.runs[sdk].wall / self.runs[apply].wall:.1f}x"

    @property
    def largest_body(self) -> int:
        return max(run.largest_body for name, run in self.runs.items() if not name.startswith("sdk"))


def bench(size: int, root: Path, latency_ms: float, repeat: int, with_sdk: bool, wide: int) -> Row:
    """Measure one size (see the module docstring); raises ``BenchmarkFailed`` on a wrong result."""
    layout = write_tree(size, root)
    row = Row(size)
    variants = {"apply_unbatched": ("--batch-size", "1")}
    if wide:
        variants["apply_wide"] = ("--parallelism", str(wide))
    for name, options in variants.items():
        with run_emulator(faults=Faults(latency_ms=latency_ms)) as emulator:
            argv = cli("apply", root, emulator, "--auto-approve", *options)
            row.runs[name] = expect(measure(argv, emulator), f"N={size} apply {' '.join(options)}",
                                    says="Apply complete")
    with run_emulator(faults=Faults(latency_ms=latency_ms)) as emulator:
        row.runs["plan"] = expect(
            best_of(repeat, cli("plan", root, emulator), emulator), f"N={size} plan", summary=(size, 0, 0)
        )
        row.runs["apply"] = expect(
            measure(cli("apply", root, emulator, "--auto-approve"), emulator), f"N={size} apply",
            says="Apply complete",
        )
        row.runs["replan"] = expect(
            best_of(repeat, cli("plan", root, emulator), emulator), f"N={size} re-plan", says=NO_CHANGES
        )
        changed = change_one_percent(root, layout)
        row.runs["changed"] = expect(
            best_of(repeat, cli("plan", root, emulator), emulator), f"N={size} 1% plan",
            summary=(0, changed, 0),
        )
        row.runs["export"] = _export(size, root.parent / f"export-{size}", emulator)
    if with_sdk:
        row.runs["sdk_list"], row.runs["adopt"] = _sdk(size, root, latency_ms, "list", adopt=True)
        row.runs["sdk_get"], _ = _sdk(size, root, latency_ms, "get", adopt=False)
    return row


def _export(size: int, out: Path, emulator: Emulator) -> Run:
    argv = [*CLI, "export", "--out", str(out), "--url", emulator.url, "--api-key", emulator.api_key]
    run = expect(measure(argv, emulator), f"N={size} export")
    check = measure(cli("plan", out, emulator), emulator)
    expect(check, f"N={size} plan of the export (the export must declare the instance)", says=NO_CHANGES)
    return run


def _sdk(size: int, root: Path, latency_ms: float, style: str, *, adopt: bool) -> tuple[Run, Run | None]:
    with run_emulator(faults=Faults(latency_ms=latency_ms)) as emulator:
        argv = [sys.executable, str(HERE / "_sdk_script.py"), str(root), "--style", style]
        run = measure([*argv, "--url", emulator.url, "--api-key", emulator.api_key], emulator)
        expect(run, f"N={size} SDK script ({style})", says=f"created {size}")
        if not adopt:
            return run, None
        return run, expect(measure(cli("plan", root, emulator), emulator), f"N={size} adopt", says=NO_CHANGES)


COLUMNS = [
    "N", "plan s", "apply s", "apply unbatched s", "apply wide s", "re-plan s", "1% plan s", "export s",
    "largest request KB", "SDK list s", "SDK get s", "apply vs list", "apply vs get", "unbatched vs list",
]


def table(rows: list[Row]) -> str:
    return markdown_table(COLUMNS, [
        [
            f"{row.size:,}", row.wall("plan"), row.wall("apply"), row.wall("apply_unbatched"),
            row.wall("apply_wide"), row.wall("replan"), row.wall("changed"), row.wall("export"),
            f"{row.largest_body / 1024:.1f}", row.wall("sdk_list"), row.wall("sdk_get"),
            row.speedup("sdk_list"), row.speedup("sdk_get"), row.speedup("sdk_list", "apply_unbatched"),
        ]
        for row in rows
    ])


def breakdown(rows: list[Row]) -> str:
    """Each run: wall, its own CPU, the emulator's CPU meanwhile, requests, connections, memory."""
    columns = ["N", "run", "wall s", "its CPU s", "emulator CPU s", "requests", "connections", "peak MB"]
    lines = []
    for row in rows:
        for name in RUNS:
            run = row.runs.get(name)
            if run is not None:
                lines.append([
                    f"{row.size:,}", name, f"{run.wall:.2f}", f"{run.cpu:.2f}", f"{run.emulator_cpu:.2f}",
                    str(run.requests), str(run.connections), f"{run.peak_mb:.0f}",
                ])
    return markdown_table(columns, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--sdk-sizes", type=int, nargs="*", default=[1000, 3000])
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=3, help="plans: best of this many runs")
    parser.add_argument("--wide", type=int, default=32, help="also apply at this --parallelism (0: no)")
    parser.add_argument("--keep", type=Path, help="write the manifest trees and exports here and keep them")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-plan-apply-"))
    build_schema()  # the in-process emulator's GraphQL schema, built once before any timing
    before = load_line()
    rows = []
    for size in args.sizes:
        row = bench(size, base / f"n{size}", args.latency_ms, args.repeat, size in args.sdk_sizes, args.wide)
        rows.append(row)
        print(f"N={size}: every result checked ({load_line()})\n{table([row])}", file=sys.stderr, flush=True)
    python = sys.version.split()[0]
    print(f"before: {before}\nafter:  {load_line()}\nPython {python}")
    print(f"{args.latency_ms:g} ms latency per request; plans: best of {args.repeat}")
    print(table(rows))
    print()
    print(breakdown(rows))


if __name__ == "__main__":
    main()
