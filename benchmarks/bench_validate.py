# ruff: noqa: E501  (the generator writes YAML lines verbatim; splitting them hurts reading)
"""Benchmark: validate a generated manifest of 10,000 resources (about 5 MB).

Writes the manifest tree to a temporary directory (10 files, realistic fields,
secrets and templates), then runs ``adaptive-plan validate`` on it in a fresh
process and prints the wall time and the peak memory (max RSS) of that process.
Target on a 2-core machine: under 2 s and under 300 MB.

    python benchmarks/bench_validate.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECTS = 400
TEAMS, ROLES, USERS, MODELS, INTEGRATIONS = 500, 100, 1000, 200, 200
HEADER = "# yaml-language-server: $schema=manifest.schema.json\nversion: 1\n"
CRITERIA = (
    "The reply answers the customer's question completely, cites the relevant order or ticket "
    "number when there is one, stays polite even when the customer is rude, and never promises "
    "refunds or delivery dates that the support policy does not allow."
)


def _access() -> str:
    out = [HEADER, "variables:\n  org: acme\n  region: eu-west\n", "teams:\n"]
    out += [
        f"  - key: team-{i}\n    name: Team {i} of {{{{ vars.org }}}} ({{{{ vars.region }}}})\n"
        for i in range(TEAMS)
    ]
    out.append("roles:\n")
    for i in range(ROLES):
        out.append(
            f"  - key: role-{i}\n    name: Role {i}\n    permissions: [project:read, interaction:read, feedback:write]\n"
        )
    out.append("users:\n")
    for i in range(USERS):
        out.append(
            f"  - email: user{i}@acme.example\n    name: User Number {i}\n    teams:\n"
            f"      - {{team: team-{i % TEAMS}, role: role-{i % ROLES}}}\n"
            f"      - {{team: team-{(i + 1) % TEAMS}, role: editor}}\n"
        )
    return "".join(out)


def _models() -> str:
    out = [HEADER, "models:\n"]
    for i in range(MODELS):
        out.append(
            f"  - key: judge-{i}\n    name: Judge model {i}\n    external:\n      provider: open_ai\n"
            f"      external_model_id: gpt-4o-2024-08-{i % 28 + 1:02d}\n"
            "      api_key: \"{{ secret('OPENAI_API_KEY') }}\"\n      extra_params: {temperature: 0, seed: 7}\n"
            "    published: true\n"
        )
    out.append("integrations:\n")
    for i in range(INTEGRATIONS):
        out.append(
            f"  - team: team-{i % TEAMS}\n    name: alerts-{i}\n    provider: slack\n    connection:\n"
            "      webhook_url: \"{{ secret('SLACK_WEBHOOK_URL') }}\"\n    subscriptions:\n"
            "      - {topic_pattern: job.*, scope: team}\n    delivery_policy: multishot\n"
        )
    return "".join(out)


def _project(p: int) -> str:
    out = [
        f"  - key: project-{p}\n    name: Project {p}\n    description: Generated project {p} for the benchmark.\n",
        f"    team: team-{p % TEAMS}\n    shares:\n      - {{team: team-{(p + 7) % TEAMS}, role: role-{p % ROLES}}}\n",
        "    models:\n      - model: llama-3.1-8b-instruct\n        default: true\n"
        "        placement: {compute_pools: [a100-pool], max_ttft_ms: 800}\n"
        "      - model: qwen3-8b\n        online: false\n        speculative_decoding: {num_draft_steps: 4}\n",
        "    metrics:\n",
    ]
    for m in range(6):
        out.append(
            f"      - key: metric-{m}\n        name: Metric {m}\n        kind: scalar\n        scoring: higher_is_better\n"
            f"        description: Metric {m} of project {p}, averaged over every completion of the "
            "deployed support models and shown on the project dashboard.\n        unit: points\n"
        )
    out.append("    graders:\n")
    for g in range(9):
        out.append(
            f"      - key: grader-{g}\n        name: Grader {g}\n        metric: metric-{g % 6}\n        judge:\n"
            f"          model: judge-{(p + g) % MODELS}\n          criteria: {CRITERIA}\n          examples:\n"
            "            - input: [{role: user, content: Where is my order 123456?}]\n"
            "              output: It ships tomorrow, order 123456.\n              pass: true\n"
            "              reasoning: Cites the order and stays polite.\n"
            "            - input:\n                - {role: system, content: You are the Acme support assistant.}\n"
            "                - {role: user, content: This is the third time I ask. Where is my refund?}\n"
            "              output: Refunds take ages, nothing I can do about it.\n              pass: false\n"
            "              reasoning: Dismissive, gives no timeline and no next step for the customer.\n"
        )
    out.append(
        f"    recipes:\n      - key: recipe-{p}\n        path: recipes/train.py\n        labels: {{team: t{p}}}\n"
    )
    return "".join(out)


def generate(directory: Path) -> int:
    """Write the manifest tree; returns its size in bytes."""
    (directory / "recipes").mkdir(parents=True, exist_ok=True)
    (directory / "recipes" / "train.py").write_text("async def main(ctx):\n    ctx.log('train')\n")
    files = {"access.yaml": _access(), "models.yaml": _models()}
    per_file = PROJECTS // 8
    for f in range(8):
        body = "".join(_project(p) for p in range(f * per_file, (f + 1) * per_file))
        files[f"projects-{f}.yaml"] = HEADER + "projects:\n" + body
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return sum(len(text.encode("utf-8")) for text in files.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="write the manifest here and keep it")
    args = parser.parse_args()
    directory = Path(args.keep or tempfile.mkdtemp(prefix="bench-validate-"))
    size = generate(directory)
    env = {**os.environ, "OPENAI_API_KEY": "x", "SLACK_WEBHOOK_URL": "x"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "adaptive_plan", "validate", str(directory)],
        capture_output=True,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"manifest: {size / 1e6:.1f} MB in {directory}")
    print(f"result:   {done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()}")
    print(f"wall:     {wall:.2f} s (target < 2 s, process start and imports included)")
    print(f"peak:     {peak_mb:.0f} MB max RSS (target < 300 MB)")
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
