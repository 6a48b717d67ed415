"""An apply through the library, for ``bench_parallelism.py``: the same steps as ``adaptive-plan
apply --auto-approve``, with the client's concurrency window adaptive (AIMD, the CLI's
behaviour) or, with ``--fixed``, held at ``--parallelism`` (retries only), to compare the two
against a rate-limited emulator. Prints ``Apply complete: N steps, throttled T``, or
``Apply incomplete: ...`` and the first failures and exits 1 when a step failed (its retries
exhausted).

    python benchmarks/_apply_fixed.py MANIFEST_DIR --url URL --api-key KEY --parallelism 32 [--fixed]
"""

from __future__ import annotations

import argparse
import sys

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.apply.executor import execute_plan
from adaptive_plan.kinds import KINDS
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.manifest.load import load_manifests
from adaptive_plan.plan.planner import PlanOptions, make_plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--parallelism", type=int, default=10)
    parser.add_argument("--fixed", action="store_true", help="no AIMD: the window stays at --parallelism")
    args = parser.parse_args()
    loaded = load_manifests([args.root], mode="apply")
    client = AdaptiveClient(args.url, args.api_key, parallelism=args.parallelism, adaptive=not args.fixed)
    with client:
        plan = make_plan(loaded.manifest, read_live_state(client, KINDS), KINDS, PlanOptions())
        report = execute_plan(plan, client, on_event=lambda event: None, parallelism=args.parallelism)
        throttled = client.concurrency.throttled
    if not report.ok:
        print(f"Apply incomplete: {len(report.done)} done, {len(report.failed)} failed, "
              f"{len(report.skipped)} skipped, throttled {throttled}")
        for step, message in report.failed[:3]:
            print(f"failed: {step.address} {step.verb}: {message}")
        sys.exit(1)
    print(f"Apply complete: {len(report.done)} steps, throttled {throttled}")


if __name__ == "__main__":
    main()
