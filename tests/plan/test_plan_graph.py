"""Ordering, references, cycles, targets and step assembly."""

from __future__ import annotations

import pytest
from plan_fakes import declare, live, manifest, res, standard_kinds

from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.plan import Action
from adaptive_plan.plan.planner import PlanOptions, make_plan


def order(plan):
    return [change.address for change in plan.changes]


def steps(plan):
    return {step.id: step for step in plan.steps()}


FULL = (
    declare("team.t"),
    declare("model.m"),
    declare("project.p", refs=["team.t"]),
    declare("project.p/grader.g", refs=["model.m"]),
    declare("project.p/deployment.m", refs=["model.m"]),
    declare("project.q", refs=["team.t"]),
)


def test_order_follows_references_and_parents_not_list_position() -> None:
    plan = make_plan(manifest(*reversed(FULL)), live(), standard_kinds(), PlanOptions())
    names = order(plan)
    assert names.index("team.t") < names.index("project.p") < names.index("project.p/grader.g")
    assert names.index("model.m") < names.index("project.p/deployment.m")
    assert names == sorted(names, key=names.index)  # stable
    assert plan.changes[names.index("project.p/grader.g")].depends_on == ("model.m", "project.p")


def test_ties_are_broken_by_address() -> None:
    plan = make_plan(
        manifest(declare("team.z"), declare("team.a"), declare("model.q")),
        live(),
        standard_kinds(),
        PlanOptions(),
    )
    assert order(plan) == ["model.q", "team.a", "team.z"]


def test_steps_are_sequential_and_wait_for_dependencies() -> None:
    plan = make_plan(manifest(*FULL), live(), standard_kinds(), PlanOptions())
    by_id = steps(plan)
    assert [s.verb for s in plan.changes[order(plan).index("project.p/deployment.m")].steps] == [
        "attach",
        "deploy",
        "update",
    ]
    assert by_id["project.p/deployment.m#1"].after == ("model.m#1", "project.p#1")
    assert by_id["project.p/deployment.m#2"].after == ("project.p/deployment.m#1",)
    assert by_id["project.p/deployment.m#3"].after == ("project.p/deployment.m#2",)
    assert by_id["team.t#1"].after == ()


def test_a_change_without_steps_passes_its_dependencies_through() -> None:
    # project.p is a no-op; its grader still waits for the team's step through it.
    state = live(res("project.p", ["team.t"]))
    plan = make_plan(
        manifest(declare("team.t"), declare("project.p", refs=["team.t"]), declare("project.p/grader.g")),
        state,
        standard_kinds(),
        PlanOptions(),
    )
    assert steps(plan)["project.p/grader.g#1"].after == ("team.t#1",)


def test_identical_steps_are_merged_with_the_union_of_their_edges() -> None:
    shares = [{"team": "a", "role": "r"}, {"team": "b", "role": "r"}]
    plan = make_plan(
        manifest(
            declare("team.a"),
            declare("team.b"),
            declare("project.p"),
            declare("project.p/share.a", refs=["team.a"], shared_call=shares),
            declare("project.p/share.b", refs=["team.b"], shared_call=shares),
        ),
        live(),
        standard_kinds(),
        PlanOptions(),
    )
    share_steps = [step for step in plan.steps() if step.verb == "share"]
    assert {step.id for step in share_steps} == {"project.p/share.a#1"}
    assert len(share_steps) == 2, "each share change lists the one shared step"
    assert set(share_steps[0].after) == {"team.a#1", "team.b#1", "project.p#1"}


def test_deletions_run_on_the_reversed_graph() -> None:
    state = live(
        res("team.t"),
        res("model.m"),
        res("project.old", ["team.t"]),
        res("project.p"),
        res("project.p/grader.g", ["model.m"]),
        res("model.m2"),
        res("project.p/deployment.x", ["model.m2"]),
    )
    plan = make_plan(
        manifest(declare("project.p"), prune=True), state, standard_kinds(), PlanOptions(allow_delete=True)
    )
    deletes = [change.address for change in plan.changes if change.action is Action.DELETE]
    assert len(deletes) == 6
    names = order(plan)
    assert names.index("project.old") < names.index("team.t")
    assert names.index("project.p/grader.g") < names.index("model.m")
    assert names.index("project.p/deployment.x") < names.index("model.m2")
    by_id = steps(plan)
    assert by_id["team.t#1"].after == ("project.old#1",)
    assert by_id["model.m#1"].after == ("project.p/grader.g#1",)
    assert by_id["project.p/grader.g#1"].after == ()


def test_children_are_deleted_before_their_parent() -> None:
    state = live(res("project.p"), res("project.p/grader.g"))
    kinds = standard_kinds()
    # the child is pruned by its declared parent's policy; then the parent goes in a later plan
    plan = make_plan(manifest(declare("project.p"), prune=True), state, kinds, PlanOptions())
    assert [c.action for c in plan.changes] == [Action.NOOP, Action.DELETE]
    both = make_plan(manifest(prune=True), state, kinds, PlanOptions(targets=("project.p",)))
    assert order(both) == ["project.p"], "children of an undeclared parent are not ours to list"


def test_delete_waits_for_the_update_that_stops_referencing_it() -> None:
    state = live(
        res("model.old"),
        res("model.new"),
        res("project.p"),
        res("project.p/grader.g", ["model.old"], judge="old"),
    )
    plan = make_plan(
        manifest(
            declare("model.new"),
            declare("project.p"),
            declare("project.p/grader.g", ["model.new"], judge="new"),
            prune=True,
        ),
        state,
        standard_kinds(),
        PlanOptions(),
    )
    assert steps(plan)["model.old#1"].after == ("project.p/grader.g#1",)


def test_cycle_is_reported_with_every_member_in_order() -> None:
    desired = manifest(
        declare("team.a", refs=["model.b"]),
        declare("model.b", refs=["project.c"]),
        declare("project.c", refs=["team.a"]),
    )
    with pytest.raises(PlanError) as caught:
        make_plan(desired, live(), standard_kinds(), PlanOptions())
    message = str(caught.value)
    assert "dependency cycle" in message
    members = message.split(": ", 1)[1].split(" (")[0].split(" → ")
    assert members[0] == members[-1] and set(members) == {"team.a", "model.b", "project.c"}
    ring = members[:-1]
    for node, dependency in zip(ring, ring[1:] + ring[:1], strict=True):
        expected = {"team.a": "model.b", "model.b": "project.c", "project.c": "team.a"}
        assert expected[node] == dependency


def test_unknown_references_are_all_reported_naming_both_ends() -> None:
    desired = manifest(
        declare("model.gpt-4o-judge"),
        declare("project.bot"),
        declare("project.bot/grader.g", refs=["model.gpt-4o"]),
        declare("project.bot/grader.h", refs=["model.nothing-like-it"]),
    )
    with pytest.raises(PlanError) as caught:
        make_plan(desired, live(res("model.gpt-4o-mini-live")), standard_kinds(), PlanOptions())
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "main.yaml:3:3: project.bot/grader.g references model.gpt-4o which is neither declared nor live"
        " (did you mean model.gpt-4o-judge?)"
    )
    assert lines[1].endswith(
        "project.bot/grader.h references model.nothing-like-it which is neither declared nor live"
    )


def test_reference_to_a_live_object_is_fine() -> None:
    plan = make_plan(
        manifest(declare("project.p/grader.g", refs=["model.base"]), declare("project.p")),
        live(res("model.base")),
        standard_kinds(),
        PlanOptions(),
    )
    assert order(plan) == ["project.p", "project.p/grader.g"]


def test_target_keeps_descendants_and_dependencies_transitively() -> None:
    plan = make_plan(manifest(*FULL), live(), standard_kinds(), PlanOptions(targets=("project.p",)))
    assert set(order(plan)) == {
        "team.t",
        "project.p",
        "project.p/grader.g",
        "model.m",
        "project.p/deployment.m",
    }
    narrow = make_plan(
        manifest(*FULL), live(), standard_kinds(), PlanOptions(targets=("project.p/grader.g",))
    )
    assert order(narrow) == ["model.m", "team.t", "project.p", "project.p/grader.g"]
    assert narrow.targets == ["project.p/grader.g"]


def test_unknown_or_malformed_target_is_an_error() -> None:
    with pytest.raises(PlanError, match=r"--target project\.pp matches nothing.*did you mean project\.p\?"):
        make_plan(manifest(*FULL), live(), standard_kinds(), PlanOptions(targets=("project.pp",)))
    with pytest.raises(PlanError, match="--target 'nonsense'"):
        make_plan(manifest(*FULL), live(), standard_kinds(), PlanOptions(targets=("nonsense",)))


def test_replace_of_an_undeclared_address_is_an_error() -> None:
    with pytest.raises(PlanError, match=r"--replace model\.zzz"):
        make_plan(manifest(*FULL), live(), standard_kinds(), PlanOptions(replace=("model.zzz",)))


def test_replace_without_write_only_values_warns() -> None:
    plan = make_plan(
        manifest(declare("team.a")), live(res("team.a")), standard_kinds(), PlanOptions(replace=("team.a",))
    )
    assert "no write-only values" in plan.warnings[0]


def test_address_declared_twice_is_an_error() -> None:
    with pytest.raises(PlanError, match=r"team\.a is declared twice: at main.yaml:1:3 and at main.yaml:2:3"):
        make_plan(manifest(declare("team.a"), declare("team.a")), live(), standard_kinds(), PlanOptions())


def test_plan_round_trips_through_its_saved_form() -> None:
    from adaptive_plan.model.plan import Plan

    plan = make_plan(manifest(*FULL), live(res("team.t")), standard_kinds(), PlanOptions())
    again = Plan.from_dict(plan.to_dict())
    assert again.to_dict() == plan.to_dict()
    assert [s.id for s in again.steps()] == [s.id for s in plan.steps()]
