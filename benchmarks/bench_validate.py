# ruff: noqa: E501  (the generator writes YAML lines verbatim; splitting them hurts reading)
"""Benchmark: validate generated manifests of 1,000, 10,000 and 50,000 resources.

Writes each manifest tree to a temporary directory (up to 10 files, realistic fields, secrets,
templates, and references validate cannot check offline: deployments of the emulator's
catalogue base models and placements on compute pools), then runs ``adaptive-plan validate``
on it in a fresh process and prints the wall time, the peak memory (max RSS) of that process
and the size of what it printed. The result is checked: validate must exit 0 and say
``Valid: ... N resources``, else the script fails (a benchmark of a manifest that no longer
validates measures nothing). Targets on a 2-core machine: 10,000 resources under 1 s and
150 MB, linear in N.

    python benchmarks/bench_validate.py [--sizes 1000 10000 50000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _harness import CLI, BenchmarkFailed, load_line, markdown_table, measure

HEADER = "# yaml-language-server: $schema=manifest.schema.json\nversion: 1\n"
CRITERIA = (
    "The reply answers the customer's question completely, cites the relevant order or ticket "
    "number when there is one, stays polite even when the customer is rude, and never promises "
    "refunds or delivery dates that the support policy does not allow."
)
PER_PROJECT = 20  # the project, a share, 2 deployments, 8 metrics, 7 graders (one metric each), a recipe
METRICS, GRADERS = 8, 7
VALID = re.compile(r"Valid: [\d,]+ files?, ([\d,]+) resources?")


@dataclass(frozen=True)
class Sizes:
    """How N resources are split: 80% in projects (20 each), the rest access, models, integrations."""

    projects: int
    teams: int
    roles: int
    users: int
    models: int
    integrations: int

    @classmethod
    def of(cls, total: int) -> Sizes:
        if total % 100:
            raise SystemExit("sizes must be multiples of 100")
        return cls(total // 25, total // 20, total // 100, total // 10, total // 50, total // 50)

    @property
    def total(self) -> int:
        return self.projects * PER_PROJECT + self.teams + self.roles + self.users + self.models + self.integrations


def _access(n: Sizes) -> str:
    out = [HEADER, "variables:\n  org: acme\n  region: eu-west\n", "teams:\n"]
    out += [
        f"  - key: team-{i}\n    name: Team {i} of {{{{ vars.org }}}} ({{{{ vars.region }}}})\n"
        for i in range(n.teams)
    ]
    out.append("roles:\n")
    for i in range(n.roles):
        out.append(
            f"  - key: role-{i}\n    name: Role {i}\n    permissions: [project:read, interaction:read, feedback:write]\n"
        )
    out.append("users:\n")
    for i in range(n.users):
        out.append(
            f"  - email: user{i}@acme.example\n    name: User Number {i}\n    teams:\n"
            f"      - {{team: team-{i % n.teams}, role: role-{i % n.roles}}}\n"
            f"      - {{team: team-{(i + 1) % n.teams}, role: editor}}\n"
        )
    return "".join(out)


def _models(n: Sizes) -> str:
    out = [HEADER, "models:\n"]
    for i in range(n.models):
        out.append(
            f"  - key: judge-{i}\n    name: judge-{i}\n    external:\n      provider: open_ai\n"
            f"      external_model_id: gpt-4o-2024-08-{i % 28 + 1:02d}\n"
            "      api_key: \"{{ secret('OPENAI_API_KEY') }}\"\n      extra_params: {temperature: 0, seed: 7}\n"
            "    published: true\n"
        )
    out.append("integrations:\n")
    for i in range(n.integrations):
        out.append(
            f"  - team: team-{i % n.teams}\n    name: alerts-{i}\n    provider: slack\n    connection:\n"
            "      webhook_url: \"{{ secret('SLACK_WEBHOOK_URL') }}\"\n    subscriptions:\n"
            "      - {topic_pattern: job.*, scope: team}\n    delivery_policy: multishot\n"
        )
    return "".join(out)


def _project(p: int, n: Sizes) -> str:
    out = [
        f"  - key: project-{p}\n    name: Project {p}\n    description: Generated project {p} for the benchmark.\n",
        f"    team: team-{p % n.teams}\n    shares:\n      - {{team: team-{(p + 7) % n.teams}, role: role-{p % n.roles}}}\n",
        "    models:\n      - model: llama-3.1-8b-instruct\n        default: true\n"
        "        placement: {compute_pools: [a100-pool], max_ttft_ms: 800}\n"
        "      - model: qwen3-8b\n        online: false\n        speculative_decoding: {num_draft_steps: 4}\n",
        "    metrics:\n",
    ]
    for m in range(METRICS):
        out.append(
            f"      - key: metric-{m}\n        name: Metric {m}\n        kind: scalar\n        scoring: higher_is_better\n"
            f"        description: Metric {m} of project {p}, averaged over every completion of the "
            "deployed support models and shown on the project dashboard.\n        unit: points\n"
        )
    out.append("    graders:\n")
    for g in range(GRADERS):
        out.append(
            f"      - key: grader-{g}\n        name: Grader {g}\n        metric: metric-{g}\n        judge:\n"
            f"          model: judge-{(p + g) % n.models}\n          criteria: {CRITERIA}\n          examples:\n"
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


def generate(directory: Path, total: int) -> int:
    """Write the manifest tree of ``total`` resources; returns its size in bytes."""
    n = Sizes.of(total)
    assert n.total == total, (n, total)
    (directory / "recipes").mkdir(parents=True, exist_ok=True)
    (directory / "recipes" / "train.py").write_text("async def main(ctx):\n    ctx.log('train')\n")
    files = {"access.yaml": _access(n), "models.yaml": _models(n)}
    for f in range(min(8, n.projects)):
        body = "".join(_project(p, n) for p in range(f, n.projects, 8))
        files[f"projects-{f}.yaml"] = HEADER + "projects:\n" + body
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return sum(len(text.encode("utf-8")) for text in files.values())


@dataclass
class Result:
    size: int
    manifest_mb: float
    walls: list[float]
    peak_mb: float
    output_kb: float
    summary: str


def bench(total: int, directory: Path, repeat: int) -> Result:
    """Validate the generated manifests ``repeat`` times (each run checked): the wall times of
    every run, so the table can give the median and the fastest (this machine's wall times vary
    by up to 30 % from run to run)."""
    size = generate(directory, total)
    walls, run = [], None
    for _ in range(max(1, repeat)):
        run = measure([*CLI, "validate", str(directory)], env={"OPENAI_API_KEY": "x", "SLACK_WEBHOOK_URL": "x"})
        found = VALID.search(run.stdout)
        if run.code != 0 or not found or int(found.group(1).replace(",", "")) != total:
            expected = f"expected exit 0 and 'Valid: ... {total} resources'"
            raise BenchmarkFailed(f"validate of {total:,} resources: {expected}", run)
        walls.append(run.wall)
    output_kb = (len(run.stdout.encode()) + len(run.stderr.encode())) / 1024
    return Result(total, size / 1e6, walls, run.peak_mb, output_kb, found.group(0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--keep", type=Path, help="write the manifests here and keep them")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each size: median and fastest")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-validate-"))
    before = load_line()
    results = [bench(size, base / f"n{size}", args.repeat) for size in args.sizes]
    print(f"before: {before}\nafter:  {load_line()}\nPython {sys.version.split()[0]}")
    print(f"wall: median and fastest of {args.repeat} runs")
    print(markdown_table(
        ["N", "manifest MB", "wall s (median)", "wall s (fastest)", "peak MB", "output KB", "result"],
        [
            [f"{r.size:,}", f"{r.manifest_mb:.1f}", f"{statistics.median(r.walls):.2f}", f"{min(r.walls):.2f}",
             f"{r.peak_mb:.0f}", f"{r.output_kb:.0f}", r.summary]
            for r in results
        ],
    ))


if __name__ == "__main__":
    main()
