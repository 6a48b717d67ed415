"""Generated manifest trees for ``bench_plan_apply.py``: exactly N resources, a realistic mix.

Layout written under ``root``: ``teams.yaml`` (the teams), one ``projects/<key>.yaml`` per
project and one ``recipes/<key>.py`` per recipe. About one team per 50 resources; each project
(owned by a team in turn) carries, in this order, up to 4 feedback metrics, 3 LLM-as-judge
graders, 1 recipe and 1 model deployment, so a full project is 10 resources and the last
project is cut short to land on exactly N. Every resource is a create against an empty instance.

    python benchmarks/_generate.py 1000 /tmp/bench-1000
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

HEADER = "# yaml-language-server: $schema=../schemas/manifest.schema.json\nversion: 1\n"
JUDGE_MODEL = "llama-3.3-70b-instruct"  # seeded by the emulator's catalogue
DEPLOYED_MODEL = "llama-3.1-8b-instruct"
CHILDREN = ("metric",) * 4 + ("grader",) * 3 + ("recipe", "deployment")
CRITERIA = (
    "The reply answers the customer's question, cites the order number when there is one, "
    "stays polite and never promises refunds the policy does not allow. ({topic})"
)
RECIPE = '''"""Supervised fine-tuning recipe for {project} (generated for the benchmark)."""

from adaptive_harmony.runtime import recipe_main


@recipe_main
async def main(config, ctx):
    dataset = await ctx.load_dataset("{project}-conversations")
    return await ctx.train_sft(model="{model}", dataset=dataset, epochs=2, seed={seed})
'''


@dataclass
class ProjectSpec:
    key: str
    team: str
    children: list[str] = field(default_factory=list)


@dataclass
class Layout:
    teams: list[str]
    projects: list[ProjectSpec]

    @property
    def resources(self) -> int:
        return len(self.teams) + sum(1 + len(p.children) for p in self.projects)


def layout(total: int) -> Layout:
    """How ``total`` resources are split into teams, projects and project children."""
    if total < 2:
        raise ValueError("at least 2 resources (a team and a project)")
    teams = [f"team-{i:03d}" for i in range(max(1, total // 50))]
    projects: list[ProjectSpec] = []
    left = total - len(teams)
    while left > 0:
        spec = ProjectSpec(f"project-{len(projects):04d}", teams[len(projects) % len(teams)])
        spec.children = list(CHILDREN[: left - 1])
        projects.append(spec)
        left -= 1 + len(spec.children)
    return Layout(teams, projects)


def _teams_yaml(teams: list[str]) -> str:
    out = [HEADER, "teams:\n"]
    out += [f"  - key: {t}\n    name: Team {t.split('-')[1]}\n" for t in teams]
    return "".join(out)


def _project_yaml(spec: ProjectSpec) -> str:
    n = spec.key.split("-")[1]
    out = [
        HEADER,
        "projects:\n",
        f"  - key: {spec.key}\n    name: Project {n}\n    description: Support assistant number {n}.\n",
        f"    team: {spec.team}\n",
    ]
    metrics = [f"metric-{i}" for i, c in enumerate(c for c in spec.children if c == "metric")]
    if metrics:
        out.append("    metrics:\n")
        for i, key in enumerate(metrics):
            kind, scoring = ("bool", "higher_is_better") if i % 2 == 0 else ("scalar", "lower_is_better")
            out.append(
                f"      - key: {key}\n        name: Metric {i}\n        kind: {kind}\n"
                f"        scoring: {scoring}\n        description: Feedback metric {i} of {spec.key}.\n"
            )
    graders = sum(c == "grader" for c in spec.children)
    if graders:
        out.append("    graders:\n")
        for i in range(graders):
            out.append(
                f"      - key: judge-{i}\n        name: Judge {i}\n        judge:\n"
                f"          model: {JUDGE_MODEL}\n"
                f"          criteria: \"{CRITERIA.format(topic=f'{spec.key} aspect {i}')}\"\n"
            )
    if "recipe" in spec.children:
        out.append(f"    recipes:\n      - key: sft\n        path: ../recipes/{spec.key}.py\n")
    if "deployment" in spec.children:
        out.append(f"    models:\n      - model: {DEPLOYED_MODEL}\n        default: true\n")
    return "".join(out)


def write_tree(total: int, root: Path) -> Layout:
    """Write the manifest tree of ``total`` resources under ``root`` and return its layout."""
    plan = layout(total)
    (root / "projects").mkdir(parents=True, exist_ok=True)
    (root / "recipes").mkdir(exist_ok=True)
    (root / "teams.yaml").write_text(_teams_yaml(plan.teams))
    for seed, spec in enumerate(plan.projects):
        (root / "projects" / f"{spec.key}.yaml").write_text(_project_yaml(spec))
        if "recipe" in spec.children:
            source = RECIPE.format(project=spec.key, model=DEPLOYED_MODEL, seed=seed)
            (root / "recipes" / f"{spec.key}.py").write_text(source)
    return plan


def change_one_percent(root: Path, plan: Layout) -> int:
    """Edit the description of one metric in each of the first ``max(1, N // 100)`` projects
    that have one (1% of the resources); returns how many resources now differ from live."""
    wanted = max(1, plan.resources // 100)
    changed = 0
    for spec in plan.projects:
        if changed == wanted:
            break
        if "metric" not in spec.children:
            continue
        path = root / "projects" / f"{spec.key}.yaml"
        text = path.read_text()
        old, new = "description: Feedback metric 0 of", "description: Changed feedback metric 0 of"
        path.write_text(text.replace(old, new))
        changed += 1
    return changed


if __name__ == "__main__":
    done = write_tree(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{done.resources} resources: {len(done.teams)} teams, {len(done.projects)} projects")
