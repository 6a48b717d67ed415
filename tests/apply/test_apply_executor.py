"""The executor against the real emulator over HTTP: order, parallelism, failures, polls, secrets."""

from __future__ import annotations

import json
import time

import pytest
from apply_steps import (
    CREATE_RECIPE,
    DESCRIBE_PROJECT,
    deployment,
    online,
    plan_of,
    project,
    step,
    team,
)

from adaptive_plan.apply.executor import execute_plan
from adaptive_plan.model.errors import ApplyError
from adaptive_plan.model.events import StepDone, StepFailed, StepSkipped, StepStarted
from adaptive_plan.model.plan import Poll
from adaptive_plan.model.secrets import Sensitive, secret_token
from adaptive_plan.render.progress import render_apply_report


def run(plan, client, **kw):
    events: list = []
    report = execute_plan(plan, client, on_event=events.append, **kw)
    return report, events


def teams(client) -> dict[str, str]:
    return {t["key"]: t["name"] for t in client.execute("query ListTeams { teams { key name } }")["teams"]}


def projects(client) -> set[str]:
    return {p["key"] for p in client.execute("query ListProjects { projects { key } }")["projects"]}


def max_concurrency(events) -> int:
    running = peak = 0
    for event in events:
        running += (
            1 if isinstance(event, StepStarted) else -1 if isinstance(event, StepDone | StepFailed) else 0
        )
        peak = max(peak, running)
    return peak


def test_dependency_order_is_respected_and_independent_steps_run_in_parallel(emulator, client) -> None:
    emulator.faults.latency_ms = 80
    steps = [team(f"t{i}") for i in range(4)]
    steps += [project(f"p{i}", f"t{i}", after=(f"team.t{i}#1",)) for i in range(4)]
    plan = plan_of(*reversed(steps))  # list order must not matter

    report, events = run(plan, client, parallelism=10)

    assert report.ok and len(report.done) == 8
    finished = {e.step_id: i for i, e in enumerate(events) if isinstance(e, StepDone)}
    started = {e.step_id: i for i, e in enumerate(events) if isinstance(e, StepStarted)}
    for item in steps:
        assert all(finished[dependency] < started[item.id] for dependency in item.after)
    assert max_concurrency(events) >= 4
    assert {"p0", "p1", "p2", "p3"} <= projects(client)


def test_parallelism_bounds_the_steps_in_flight(emulator, client) -> None:
    emulator.faults.latency_ms = 50
    report, events = run(plan_of(*(team(f"t{i}") for i in range(6))), client, parallelism=2)
    assert report.ok
    assert max_concurrency(events) == 2


def test_a_failed_step_skips_its_dependants_and_independent_branches_finish(emulator, client) -> None:
    bad = project("bad", "no-such-team")
    child = step("project.bad", 2, "share", DESCRIBE_PROJECT, (bad.id,), variables={"key": "bad"})
    grandchild = project("later", "t-ok", after=(child.id, "team.t-ok#1"))
    plan = plan_of(team("t-ok"), bad, child, grandchild, team("t-other"))

    report, events = run(plan, client)

    assert not report.ok
    assert {s.id for s in report.done} == {"team.t-ok#1", "team.t-other#1"}
    [(failed, message)] = report.failed
    assert failed.id == "project.bad#1"
    assert message.startswith("CreateProject: EntityNotFound: team")  # the server's own message
    assert [(s.id, cause) for s, cause in report.skipped] == [
        ("project.bad#2", "project.bad#1"),
        ("project.later#1", "project.bad#1"),
    ]
    assert [type(e) for e in events if isinstance(e, StepSkipped)] == [StepSkipped, StepSkipped]
    assert "later" not in projects(client)
    text = render_apply_report(report)
    assert "1 failed, 2 skipped" in text and "project.bad: create: CreateProject" in text


def test_rerunning_after_a_transient_failure_converges(emulator, client) -> None:
    emulator.faults.fail_operation("CreateTeam", times=1, status=200, message="Injected: try again")
    plan = plan_of(team("a"), project("pa", "a", after=("team.a#1",)))
    first, _ = run(plan, client)
    assert [m for _, m in first.failed] == ["CreateTeam: Injected: try again"]
    assert [s.id for s, _ in first.skipped] == ["project.pa#1"]
    second, _ = run(plan, client)
    assert second.ok and "pa" in projects(client)


def test_unknown_outcome_is_settled_by_the_probe_without_a_duplicate(emulator, client) -> None:
    emulator.faults.drop_after_commit("CreateProject")
    probe = Poll(DESCRIBE_PROJECT, {"key": "dropped"}, "project.id", ())
    plan = plan_of(team("owner"), project("dropped", "owner", after=("team.owner#1",), probe=probe))
    report, _ = run(plan, client)
    assert report.ok, report.failed
    assert "dropped" in projects(client)


def test_waits_for_a_deployment_to_come_online(emulator, client) -> None:
    deploy = deployment(
        "serving", "llama-3.1-8b-instruct", ("project.serving#1",), online("serving", "llama-3.1-8b-instruct")
    )
    plan = plan_of(team("s"), project("serving", "s", after=("team.s#1",)), *deploy)
    started = time.monotonic()
    report, events = run(plan, client)
    assert report.ok, report.failed
    assert time.monotonic() - started >= 0.25  # the emulator's deploy delay
    status = client.execute(deploy[1].poll.document, deploy[1].poll.variables)
    assert status["project"]["modelService"]["status"] == "ONLINE"
    assert [e.verb for e in events if isinstance(e, StepDone)][-2:] == ["attach", "deploy"]


def test_gives_up_waiting_after_the_wait_timeout(emulator, client) -> None:
    deploy = deployment("slow", "qwen3-8b", ("project.slow#1",), online("slow", "qwen3-8b"))
    plan = plan_of(team("w"), project("slow", "w", after=("team.w#1",)), *deploy)
    report, _ = run(plan, client, wait_timeout=0.05)
    [(failed, message)] = report.failed
    assert failed.verb == "deploy"
    assert (
        "gave up after 0.05s" in message and "project.modelService.status" in message and "ONLINE" in message
    )


CANARY = "canary-5e1b7c09d2"
FIELDS = "contentFiles isMultifile content"


def test_secrets_are_resolved_only_when_sent_and_never_reported(emulator, client) -> None:
    env = {"TEAM_DISPLAY_NAME": CANARY, "MISSING_TEAM": f"{CANARY}-team"}
    named = team("secretive", name=Sensitive("Team " + secret_token("TEAM_DISPLAY_NAME")))
    failing = project("leaky", Sensitive(secret_token("MISSING_TEAM")))
    plan = plan_of(named, failing)
    assert CANARY not in json.dumps(plan.to_dict())

    report, events = run(plan, client, environ=env)

    assert teams(client)["secretive"] == f"Team {CANARY}"  # the value did reach the API
    assert [s.id for s in report.done] == ["team.secretive#1"]
    [(_, message)] = report.failed
    assert message.startswith("CreateProject:")
    everything = repr(events) + repr(report) + render_apply_report(report, color=True)
    assert CANARY not in everything


def test_an_unset_secret_fails_the_step_without_sending_it(emulator, client) -> None:
    before = client.request_count
    plan = plan_of(team("x", name=Sensitive(secret_token("NOT_SET_ANYWHERE"))))
    report, _ = run(plan, client, environ={})
    assert report.failed[0][1] == "environment variable NOT_SET_ANYWHERE is not set (needed by secret())"
    assert client.request_count == before


def test_uploads_a_directory_as_a_sorted_zip_and_a_file_as_python(emulator, client, tmp_path) -> None:
    recipe_dir = tmp_path / "grpo"
    (recipe_dir / "lib").mkdir(parents=True)
    (recipe_dir / "main.py").write_text("print('main')\n")
    (recipe_dir / "lib" / "util.py").write_text("X = 1\n")
    single = tmp_path / "single.py"
    single.write_text("print('single')\n")

    def recipe(key: str, path: str, n: int) -> object:
        variables = {"project": "rp", "input": {"name": key, "key": key}, "file": None}
        return step(
            "project.rp/recipe." + key,
            n,
            "create",
            CREATE_RECIPE,
            ("project.rp#1",),
            variables=variables,
            uploads={"file": path},
        )

    plan = plan_of(
        team("r"),
        project("rp", "r", after=("team.r#1",)),
        recipe("multi", str(recipe_dir), 1),
        recipe("one", str(single), 1),
    )
    report, _ = run(plan, client)
    assert report.ok, report.failed
    query = f'query R($k: IdOrKey!) {{ customRecipe(idOrKey: $k, project: "rp") {{ {FIELDS} }} }}'
    multi = client.execute(query, {"k": "multi"})["customRecipe"]
    assert multi["contentFiles"] == ["lib/util.py", "main.py"] and multi["isMultifile"]
    one = client.execute(query, {"k": "one"})["customRecipe"]
    assert one["content"] == "print('single')\n"


def test_an_unreadable_upload_fails_only_that_step(emulator, client, tmp_path) -> None:
    variables = {"project": "nope", "input": {"name": "r"}, "file": None}
    broken = step(
        "recipe.r",
        1,
        "create",
        CREATE_RECIPE,
        variables=variables,
        uploads={"file": str(tmp_path / "gone.py")},
    )
    report, _ = run(plan_of(broken, team("fine")), client)
    assert [s.id for s in report.done] == ["team.fine#1"]
    assert report.failed[0][1].startswith("cannot read ") and "gone.py" in report.failed[0][1]


def test_a_cycle_in_the_steps_is_refused_before_anything_is_sent(emulator, client) -> None:
    a = team("a", after=("team.b#1",))
    b = team("b", after=("team.a#1",))
    before = client.request_count
    with pytest.raises(ApplyError, match="cycle"):
        run(plan_of(a, b), client)
    assert client.request_count == before


def test_unknown_outcome_without_a_probe_is_reported_not_resent(emulator, client) -> None:
    emulator.faults.drop_after_commit("CreateTeam")
    report, _ = run(plan_of(team("once")), client)
    [(_, message)] = report.failed
    assert message.startswith("CreateTeam:")
    assert "once" in teams(client), "the server committed it; re-running the plan will see it live"
