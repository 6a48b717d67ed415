"""Every benchmark runs at its smallest size and checks its own results, so a benchmark that
rots (a generated manifest that no longer validates, an apply that no longer converges) fails
the suite instead of printing figures for work it did not do. Figures are printed, never
asserted: these runs use no added latency."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SMALLEST = {
    "bench_plan_apply.py": [
        "--sizes", "10", "--sdk-sizes", "10", "--repeat", "1", "--latency-ms", "0", "--wide", "4",
    ],
    "bench_validate.py": ["--sizes", "100", "--repeat", "2"],
    "bench_parallelism.py": ["--size", "10", "--parallelism", "1", "4", "--latency-ms", "0"],
}


def test_every_benchmark_script_has_a_smoke_run() -> None:
    assert sorted(SMALLEST) == sorted(path.name for path in BENCHMARKS.glob("bench_*.py"))


@pytest.mark.parametrize("script", sorted(SMALLEST))
def test_benchmark_runs_and_checks_its_results_at_the_smallest_size(script: str, tmp_path: Path) -> None:
    argv = [sys.executable, str(BENCHMARKS / script), *SMALLEST[script], "--keep", str(tmp_path)]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=BENCHMARKS, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "BENCHMARK FAILED" not in done.stderr
    assert "|---:|" in done.stdout, "prints its table"


def test_a_run_that_did_not_do_its_job_fails_the_benchmark() -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from _harness import BenchmarkFailed, Run, expect
    finally:
        sys.path.remove(str(BENCHMARKS))
    summary = "Plan: 9 to create, 0 to update, 0 to delete."
    plan = Run(["plan"], 1.0, 1.0, 50.0, 0.0, 2, 1, 100, 0, summary, "")
    assert expect(plan, "plan", summary=(9, 0, 0)) is plan
    with pytest.raises(BenchmarkFailed, match="expected the plan"):
        expect(plan, "plan", summary=(10, 0, 0))
    with pytest.raises(BenchmarkFailed, match="does not say 'No changes'"):
        expect(plan, "re-plan", says="No changes")
    failed = Run(["apply"], 1.0, 1.0, 50.0, 0.0, 2, 1, 100, 1, "", "boom")
    with pytest.raises(BenchmarkFailed, match="exited 1"):
        expect(failed, "apply")
