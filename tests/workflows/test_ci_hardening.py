"""The CI recipes are safe to copy: adaptive-plan is installed from a pinned requirement pip
accepts, set in one place; secrets reach only the steps that need them; third-party actions are
pinned by commit; forks get validate and a clear line instead of a red plan; a failed plan
replaces the sticky comment; the reviewed-plan deploy picks the plan of the merged pull
request's head commit and refuses without one; each workflow passes actionlint.

Steps run with bash as GitHub runs them. GitHub itself is not here: ``gh`` is a small stand-in
that answers from JSON files through the real ``jq`` (as ``gh --jq`` does), and the comment
script runs under node with a stand-in ``github`` client that records its calls.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from tests.workflows._recipes import (
    RECIPES,
    ROOT,
    WORKFLOWS,
    connection,
    load_workflow,
    run_step,
    step,
    step_script,
    steps,
)

INSTALL = "Install adaptive-plan"
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
README = (ROOT / "README.md").read_text(encoding="utf-8")


# --- installing adaptive-plan ----------------------------------------------------------

CHECK = "Check the pinned adaptive-plan requirement"
SHIPPED = RECIPES / "adaptive-plan-requirements.txt"


def test_every_workflow_installs_from_the_one_requirements_file() -> None:
    for name in (CHECK, INSTALL):
        scripts = {path.name: step_script(path.name, name) for path in WORKFLOWS}
        assert len(set(scripts.values())) == 1, f"{name!r} differs between workflows"
    assert step_script("plan.yml", INSTALL) == 'python -m pip install -r "$ADAPTIVE_PLAN_REQUIREMENTS"'
    for path in WORKFLOWS:
        document = load_workflow(path)
        assert document["env"]["ADAPTIVE_PLAN_REQUIREMENTS"] == ".github/adaptive-plan-requirements.txt"
        text = path.read_text(encoding="utf-8")
        assert "adaptive-plan==0.1.0" not in text and "vars.ADAPTIVE_PLAN" not in text.replace(
            "vars.ADAPTIVE_PLAN_APPLY_REVIEWED", ""
        )  # a repository variable would be empty for forks, whose validate must still install
        for job in document["jobs"].values():
            names = [s.get("name", s.get("uses", "")) for s in job["steps"]]
            if INSTALL in names:  # checked before setup-python, whose cache is keyed on the file
                assert names.index(CHECK) < next(i for i, n in enumerate(names) if "setup-python" in n)
                python = next(s for s in job["steps"] if "setup-python" in s.get("uses", ""))
                assert python["with"]["cache-dependency-path"] == "${{ env.ADAPTIVE_PLAN_REQUIREMENTS }}"


def _documented_requirements() -> list[str]:
    """The lines the README tells users to put in the requirements file."""
    section = README.split("<!-- install-requirement:start -->")[1]
    section = section.split("<!-- install-requirement:end -->")[0]
    return [line.strip() for line in re.findall(r"^```text\n(.*?)```", section, re.MULTILINE | re.DOTALL)]


def _check(tmp_path: Path, text: str | None) -> Any:
    file = tmp_path / ".github" / "adaptive-plan-requirements.txt"
    file.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        file.unlink(missing_ok=True)
    else:
        file.write_text(text, encoding="utf-8")
    env = {"ADAPTIVE_PLAN_REQUIREMENTS": ".github/adaptive-plan-requirements.txt"}
    return run_step(step_script("plan.yml", CHECK), tmp_path, env)


def test_the_documented_requirements_are_ones_pip_accepts_and_are_pinned(tmp_path: Path) -> None:
    values = _documented_requirements()
    assert len(values) >= 3, values
    for value in values:
        requirement = Requirement(value)  # pip's own parser (packaging); raises on a bad line
        assert requirement.name == "adaptive-plan", value
        if requirement.url:
            assert requirement.url.startswith("git+https://"), value
            assert re.search(r"@(v?\d[\w.]*|[0-9a-f]{40})$", requirement.url), f"not pinned: {value}"
        else:
            assert str(requirement.specifier).startswith("=="), f"not pinned: {value}"
        ran = _check(tmp_path, f"# pinned\n{value}\n")
        assert ran.code == 0, ran.stdout + ran.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "commit .github/adaptive-plan-requirements.txt with one pinned requirement"),
        (SHIPPED.read_text(encoding="utf-8"), "must pin adaptive-plan"),  # copied as shipped: all comments
        ("adaptive-plan\n", "must pin adaptive-plan"),
        ("adaptive-plan @ git+https://github.com/acme/adaptive-plan\n", "must pin adaptive-plan"),
        ("adaptive-plan>=0.1\n", "must pin adaptive-plan"),
        ("# adaptive-plan==0.1.0\n", "must pin adaptive-plan"),
    ],
    ids=["missing", "as-shipped", "bare", "git-without-ref", "range", "commented"],
)
def test_the_check_refuses_a_missing_or_unpinned_requirement(
    tmp_path: Path, text: str | None, message: str
) -> None:
    ran = _check(tmp_path, text)
    assert ran.code == 1 and message in ran.stdout, ran.stdout + ran.stderr


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pip_installs_the_project_from_a_git_url_pinned_to_a_commit(tmp_path: Path) -> None:
    """The check and the install step, run for real with pip (``--dry-run``), on this project at
    one commit, named in the requirements file as the README says."""
    source = tmp_path / "adaptive-plan"
    shutil.copytree(ROOT / "adaptive_plan", source / "adaptive_plan", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", source / "schemas")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    _git("init", "-q", cwd=source)
    _git("add", "-A", cwd=source)
    _git("commit", "-qm", "x", cwd=source)
    commit = _git("rev-parse", "HEAD", cwd=source)
    value = f"adaptive-plan @ git+file://localhost{source}@{commit}"  # pip wants a host in the URL
    assert Requirement(value).url.endswith(commit)
    work = tmp_path / "repo"
    assert _check(work, SHIPPED.read_text(encoding="utf-8") + value + "\n").code == 0
    python = Path(sys.executable).parent
    env = {"ADAPTIVE_PLAN_REQUIREMENTS": ".github/adaptive-plan-requirements.txt",
           "PATH": f"{python}{os.pathsep}{os.environ['PATH']}", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    # flags, not PIP_* variables: those would reach the pip that installs the build backend too
    script = step_script("drift.yml", INSTALL).replace("pip install", "pip install --dry-run --no-deps")
    ran = run_step(script, work, env)
    assert ran.code == 0, ran.stdout + ran.stderr
    assert "Would install adaptive-plan-0.1.0" in ran.stdout, ran.stdout


# --- secrets, pins, cache --------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_secrets_reach_only_the_steps_that_need_them(path: Path) -> None:
    document = load_workflow(path)
    assert "secrets." not in json.dumps(document.get("env", {})), "workflow-level env holds a secret"
    for name, job in document["jobs"].items():
        assert "secrets." not in json.dumps(job.get("env", {})), f"job {name} env holds a secret"
        for item in job["steps"]:
            assert "secrets." not in item.get("run", ""), f"{item.get('name')}: a secret inlined in a script"
            assert "secrets." not in json.dumps(item.get("with", {})), item.get("name")
    with_secrets = [s for s in steps(document) if "secrets." in json.dumps(s.get("env", {}))]
    assert with_secrets and all("adaptive-plan" in s.get("run", "") for s in with_secrets)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_by_commit_and_pip_is_cached(path: Path) -> None:
    document = load_workflow(path)
    used = [s["uses"] for s in steps(document) if "uses" in s]
    assert used
    for uses in used:
        assert SHA_PIN.match(uses), f"{uses}: pin third-party actions by a 40-character commit SHA"
    for line in path.read_text(encoding="utf-8").splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d", line), f"say which release the SHA is: {line.strip()}"
    for item in steps(document):
        if item.get("uses", "").startswith("actions/setup-python@"):
            assert item["with"]["cache"] == "pip", path.name
        if item.get("uses", "").startswith("actions/checkout@"):
            assert item["with"]["persist-credentials"] is False, path.name


# --- forks ------------------------------------------------------------------------------

FORK = "github.event.pull_request.head.repo.full_name"


def test_forks_skip_the_plan_job_and_the_summary_says_why(tmp_path: Path) -> None:
    document = load_workflow(RECIPES / "plan.yml")
    assert document["jobs"]["plan"]["if"] == f"{FORK} == github.repository"
    validate = document["jobs"]["validate"]
    assert "if" not in validate and any("validate" in s.get("run", "") for s in validate["steps"])
    note = step("plan.yml", "Say why a fork gets no plan", job="validate")
    assert note["if"] == f"{FORK} != github.repository"
    assert validate["steps"][0] == note  # first: said even when validate then fails
    ran = run_step(note["run"], tmp_path)
    assert ran.code == 0
    assert ran.summary.startswith(
        "Plan skipped: pull requests from forks get no repository variables or secrets"
    )


# --- a failed plan replaces the sticky comment -------------------------------------------


@pytest.mark.skipif(shutil.which("adaptive-plan") is None, reason="needs the installed adaptive-plan script")
def test_a_failed_plan_writes_the_error_for_the_comment_and_fails_the_job(emu, tmp_path: Path) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "manifest.yaml").write_text("version: 1\nteams: [{key: x, nmae: X}]\n")
    (tmp_path / "plan.json").write_text("{}")  # left over: must not be uploaded as this plan
    ran = run_step(step_script("plan.yml", "Plan"), tmp_path, {**connection(emu), "HEAD_SHA": "b" * 40})
    assert (ran.code, ran.outputs) == (0, {"failed": "true"})
    markdown = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert markdown.startswith("### adaptive-plan: the plan failed")
    assert "bbbbbbbbbbbb" in markdown and "unknown field 'nmae'" in markdown
    assert ran.summary == markdown and not (tmp_path / "plan.json").exists()
    document = load_workflow(RECIPES / "plan.yml")
    by_name = {s.get("name"): s for s in document["jobs"]["plan"]["steps"]}
    assert by_name["Post or update the plan comment"]["if"] == "${{ !cancelled() }}"
    assert by_name["Upload the saved plan"]["if"] == "steps.plan.outputs.failed == 'false'"
    assert by_name["Fail the job when the plan failed"]["if"] == "steps.plan.outputs.failed == 'true'"
    assert run_step(by_name["Fail the job when the plan failed"]["run"], tmp_path).code == 1


COMMENT_HARNESS = """
const calls = [];
const existing = JSON.parse(process.env.EXISTING);
const github = {
  paginate: async () => existing,
  rest: { issues: {
    listComments: 'listComments',
    updateComment: async (args) => calls.push(['update', args]),
    createComment: async (args) => calls.push(['create', args]),
  } },
};
const context = { repo: { owner: 'acme', repo: 'infra' }, issue: { number: 7 }, runId: 42,
                  serverUrl: 'https://github.com' };
(async () => { SCRIPT
})().then(() => console.log(JSON.stringify(calls)));
"""


def _comment(tmp_path: Path, existing: list[dict[str, Any]]) -> list[Any]:
    script = step("plan.yml", "Post or update the plan comment")["with"]["script"]
    harness = tmp_path / "comment.cjs"
    harness.write_text(COMMENT_HARNESS.replace("SCRIPT", script), encoding="utf-8")
    done = subprocess.run(["node", str(harness)], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "EXISTING": json.dumps(existing)})
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the github-script step")
def test_the_comment_step_updates_the_sticky_comment_with_the_failure(tmp_path: Path) -> None:
    old = {"id": 5, "user": {"type": "Bot"}, "body": "<!-- adaptive-plan:plan -->\nPlan: 3 to add."}
    (tmp_path / "plan.md").write_text("### adaptive-plan: the plan failed\n\nthe error\n")
    calls = _comment(tmp_path, [{"id": 1, "user": {"type": "User"}, "body": "lgtm"}, old])
    body = "<!-- adaptive-plan:plan -->\n### adaptive-plan: the plan failed\n\nthe error\n"
    assert calls == [["update", {"owner": "acme", "repo": "infra", "comment_id": 5, "body": body}]]
    (tmp_path / "plan.md").unlink()  # the job stopped before the plan (install failed ...)
    calls = _comment(tmp_path, [old])
    body = calls[0][1]["body"]
    assert calls[0][0] == "update" and "the plan failed" in body and "Plan: 3 to add." not in body
    assert "https://github.com/acme/infra/actions/runs/42" in body
    calls = _comment(tmp_path, [])
    assert calls[0][0] == "create" and calls[0][1]["issue_number"] == 7


# --- the reviewed-plan deploy ----------------------------------------------------------

FAKE_GH = """#!/usr/bin/env bash
# gh stand-in: `gh api PATH --jq F` answers $GH_FIXTURES/<PATH with / and ? as _>.json through jq;
# `gh run download RUN --name N --dir D` copies $GH_FIXTURES/runs/RUN/N into D.
set -euo pipefail
if [ "$1" = api ]; then
  path=$2; shift 2; filter=.
  if [ "${1:-}" = --jq ]; then filter=$2; fi
  file="$GH_FIXTURES/$(printf '%s' "$path" | tr '/?=&' '____').json"
  [ -f "$file" ] || { echo "gh: HTTP 404: $path" >&2; exit 1; }
  jq -r "$filter" "$file"
elif [ "$1 $2" = "run download" ]; then
  run=$3; name=$5; dir=$7
  mkdir -p "$dir"; cp -r "$GH_FIXTURES/runs/$run/$name/." "$dir/"
  echo "$run $name" >> "$GH_FIXTURES/downloads"
else
  echo "gh stand-in: unexpected $*" >&2; exit 2
fi
"""
REPO, SHA, HEAD = "acme/infra", "f" * 40, "c" * 40


def _fixture(root: Path, path: str, body: Any) -> None:
    (root / (re.sub(r"[/?=&]", "_", path) + ".json")).write_text(json.dumps(body))


def _artifact(run: int, head: str, *, fork: bool = False, expired: bool = False, when: str = "") -> Any:
    return {"name": f"adaptive-plan-pr-7-{HEAD}", "expired": expired, "created_at": when,
            "workflow_run": {"id": run, "head_sha": head, "repository_id": 1,
                             "head_repository_id": 99 if fork else 1}}


@pytest.fixture
def github(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    bin_dir, fixtures = tmp_path / "bin", tmp_path / "gh"
    bin_dir.mkdir()
    fixtures.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GH_FIXTURES": str(fixtures)}
    return fixtures, env


def _pulls(fixtures: Path, pulls: list[Any]) -> None:
    _fixture(fixtures, f"repos/{REPO}/commits/{SHA}/pulls", pulls)


MERGED = {"number": 7, "merged_at": "2026-12-01T10:00:00Z", "base": {"ref": "main"}, "head": {"sha": HEAD}}
FETCH = "Fetch the reviewed plan of the merged pull request"


@pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq (gh --jq is jq)")
def test_reviewed_mode_applies_the_plan_of_the_merged_head_commit(tmp_path: Path, github) -> None:
    fixtures, env = github
    _pulls(fixtures, [MERGED])
    name = f"adaptive-plan-pr-7-{HEAD}"
    _fixture(fixtures, f"repos/{REPO}/actions/artifacts?name={name}", {"artifacts": [
        _artifact(10, HEAD, when="2026-12-01T09:00:00Z"),
        _artifact(11, HEAD, fork=True, when="2026-12-01T09:30:00Z"),   # a fork's upload: never
        _artifact(12, HEAD, when="2026-12-01T09:10:00Z"),
        _artifact(13, "d" * 40, when="2026-12-01T09:50:00Z"),          # another commit: never
        _artifact(14, HEAD, expired=True, when="2026-12-01T09:55:00Z"),
    ]})
    for run in (10, 12):
        (fixtures / "runs" / str(run) / name).mkdir(parents=True)
        (fixtures / "runs" / str(run) / name / "plan.json").write_text(json.dumps({"run": run}))
        (fixtures / "runs" / str(run) / name / "plan.md").write_text("Plan: 1 to add.")
    work = tmp_path / "work"
    work.mkdir()
    fetch = step("deploy.yml", FETCH)
    assert fetch["if"] == "vars.ADAPTIVE_PLAN_APPLY_REVIEWED == 'true'"
    ran = run_step(fetch["run"], work, env)
    assert ran.code == 0, ran.stdout + ran.stderr
    assert json.loads((work / "plan.json").read_text()) == {"run": 12}  # newest of this repo, this commit
    assert (fixtures / "downloads").read_text().split() == ["12", name]
    assert f"reviewed on #7 at {HEAD}" in ran.summary and "Plan: 1 to add." in ran.summary


@pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq (gh --jq is jq)")
@pytest.mark.parametrize("case", ["no pull request", "not merged", "no artifact", "only a fork's", "expired"])
def test_reviewed_mode_refuses_without_a_plan_of_that_commit(tmp_path: Path, github, case: str) -> None:
    fixtures, env = github
    _pulls(fixtures, [] if case == "no pull request" else [{**MERGED, "merged_at": None}]
           if case == "not merged" else [MERGED])
    artifacts = {"no artifact": [], "only a fork's": [_artifact(11, HEAD, fork=True)],
                 "expired": [_artifact(14, HEAD, expired=True)]}.get(case, [])
    path = f"repos/{REPO}/actions/artifacts?name=adaptive-plan-pr-7-{HEAD}"
    _fixture(fixtures, path, {"artifacts": artifacts})
    work = tmp_path / "work"
    work.mkdir()
    ran = run_step(step_script("deploy.yml", FETCH), work, env)
    assert ran.code == 1 and "refusing to apply" in ran.stdout, ran.stdout + ran.stderr
    assert not (work / "plan.json").exists() and not (fixtures / "downloads").exists()


def test_apply_runs_only_the_saved_plan_with_the_manifest_secrets_in_its_step() -> None:
    apply = step("deploy.yml", "Apply exactly the saved plan")
    assert apply["run"] == "adaptive-plan apply plan.json --auto-approve --parallelism 10"
    assert {"ADAPTIVE_API_KEY", "OPENAI_API_KEY", "SLACK_WEBHOOK_URL"} <= set(apply["env"])
    plan = step("deploy.yml", "Plan")
    assert "OPENAI_API_KEY" not in plan["env"]  # read only at apply


# --- actionlint ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("actionlint") is None,
                    reason="actionlint is not installed (see CONTRIBUTING.md: checking the CI recipes)")
def test_each_workflow_passes_actionlint() -> None:
    done = subprocess.run(["actionlint", "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
