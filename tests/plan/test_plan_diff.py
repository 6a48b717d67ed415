"""The planner's per-address diff: create / update / no-op / delete and ownership rules."""

from __future__ import annotations

import pytest
from plan_fakes import FakeKind, declare, live, manifest, res, standard_kinds

from adaptive_plan.kinds.base import DeleteBehaviour
from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.plan import Action, AttrChange
from adaptive_plan.model.secrets import Sensitive, secret_token
from adaptive_plan.plan.planner import PlanOptions, make_plan


def by_address(plan):
    return {change.address: change for change in plan.changes}


def test_create_update_and_noop() -> None:
    plan = make_plan(
        manifest(declare("team.a", name="A"), declare("team.b", name="B2"), declare("team.c", name="C")),
        live(res("team.b", name="B"), res("team.c", name="C")),
        standard_kinds(),
        PlanOptions(),
    )
    changes = by_address(plan)
    assert changes["team.a"].action is Action.CREATE
    assert changes["team.a"].attributes == (AttrChange("name", None, "A"),)
    assert [step.id for step in changes["team.a"].steps] == ["team.a#1"]
    assert changes["team.a"].source == "main.yaml:1:3"
    assert changes["team.b"].action is Action.UPDATE
    assert changes["team.b"].attributes == (AttrChange("name", "B", "B2"),)
    assert changes["team.b"].steps[0].variables["paths"] == ["name"]
    assert changes["team.c"].action is Action.NOOP and changes["team.c"].steps == ()
    assert plan.counts()["create"] == 1 and plan.counts()["update"] == 1
    assert plan.input_hash == "hash-1"
    assert plan.fingerprints == {"team.b": "fp-team.b", "team.c": "fp-team.c"}


def test_no_changes_when_live_matches() -> None:
    plan = make_plan(
        manifest(declare("team.a", name="A")), live(res("team.a", name="A")), standard_kinds(), PlanOptions()
    )
    assert not plan.has_changes


def test_unmanaged_attribute_is_not_compared() -> None:
    plan = make_plan(
        manifest(declare("team.a", name="A")),
        live(res("team.a", name="A", description="set in the UI")),
        standard_kinds(),
        PlanOptions(),
    )
    assert not plan.has_changes


def test_map_attribute_diffs_have_nested_paths() -> None:
    plan = make_plan(
        manifest(declare("project.p", placement={"pools": ["a"], "ttft": 5, "new": 1})),
        live(res("project.p", placement={"pools": ["a", "b"], "ttft": 5})),
        standard_kinds(),
        PlanOptions(),
    )
    assert by_address(plan)["project.p"].attributes == (
        AttrChange("placement.new", None, 1),
        AttrChange("placement.pools", ["a", "b"], ["a"]),
    )


def test_undeclared_top_level_object_is_listed_unmanaged() -> None:
    plan = make_plan(manifest(), live(res("team.x"), res("project.p")), standard_kinds(), PlanOptions())
    assert plan.unmanaged == ["project.p", "team.x"]
    assert plan.changes == []


def test_undeclared_child_of_undeclared_parent_is_not_ours_to_list() -> None:
    plan = make_plan(manifest(), live(res("project.p/grader.g")), standard_kinds(), PlanOptions())
    assert plan.unmanaged == []


def test_undeclared_child_of_declared_parent_is_unmanaged_unless_pruned() -> None:
    state = live(res("project.p"), res("project.p/grader.old"))
    plan = make_plan(manifest(declare("project.p")), state, standard_kinds(), PlanOptions())
    assert plan.unmanaged == ["project.p/grader.old"]
    assert not plan.has_changes

    project = {"key": "p", "prune": True}
    pruned = make_plan(
        manifest(declare("project.p"), projects=[project]), state, standard_kinds(), PlanOptions()
    )
    change = by_address(pruned)["project.p/grader.old"]
    assert change.action is Action.DELETE and [s.verb for s in change.steps] == ["delete"]
    assert "prune" in change.reason
    assert pruned.unmanaged == []


def test_top_level_prune_deletes_undeclared_top_level_objects() -> None:
    plan = make_plan(
        manifest(prune=True), live(res("team.x")), standard_kinds(), PlanOptions(allow_delete=True)
    )
    assert by_address(plan)["team.x"].action is Action.DELETE
    assert plan.allow_delete


def test_ownership_never_ignores_undeclared() -> None:
    kinds = standard_kinds(model=FakeKind("model", ownership="never"))
    plan = make_plan(manifest(prune=True), live(res("model.base")), kinds, PlanOptions())
    assert plan.changes == [] and plan.unmanaged == []


def test_exclusive_children_deleted_only_when_parent_declares_the_list() -> None:
    state = live(res("project.p"), res("project.p/share.t"))
    ignored = make_plan(manifest(declare("project.p")), state, standard_kinds(), PlanOptions())
    assert ignored.changes[0].address == "project.p" and len(ignored.changes) == 1
    assert ignored.unmanaged == []

    kinds = standard_kinds(share=FakeKind("share", parent="project", ownership="exclusive", managed=True))
    deleted = make_plan(manifest(declare("project.p")), state, kinds, PlanOptions())
    assert by_address(deleted)["project.p/share.t"].action is Action.DELETE


def test_kind_without_delete_says_what_happens_instead() -> None:
    kinds = standard_kinds(
        team=FakeKind("team", delete=DeleteBehaviour(False, "teams cannot be deleted through the API"))
    )
    plan = make_plan(manifest(prune=True), live(res("team.x")), kinds, PlanOptions())
    change = by_address(plan)["team.x"]
    assert change.action is Action.NOOP and change.steps == ()
    assert "teams cannot be deleted through the API" in change.warnings[0]
    assert not plan.has_changes


def test_archive_note_is_the_reason_of_a_possible_delete() -> None:
    kinds = standard_kinds(
        project=FakeKind("project", delete=DeleteBehaviour(True, "projects are archived, not deleted"))
    )
    plan = make_plan(manifest(prune=True), live(res("project.old")), kinds, PlanOptions())
    assert "archived" in by_address(plan)["project.old"].reason


def test_requires_replace_gives_delete_then_create_steps() -> None:
    kinds = standard_kinds(model=FakeKind("model", replace_on=("provider",)))
    plan = make_plan(
        manifest(declare("model.m", provider="b")), live(res("model.m", provider="a")), kinds, PlanOptions()
    )
    change = by_address(plan)["model.m"]
    assert change.action is Action.REPLACE
    assert [(s.id, s.verb) for s in change.steps] == [("model.m#1", "delete"), ("model.m#2", "create")]
    assert change.steps[1].after == ("model.m#1",)
    assert "provider" in change.reason


def test_write_only_values() -> None:
    kinds = standard_kinds(model=FakeKind("model", write_only=("api_key",)))
    key = Sensitive(secret_token("OPENAI_API_KEY"))
    desired = manifest(declare("model.m", api_key=key, name="M"))

    created = by_address(make_plan(desired, live(), kinds, PlanOptions()))["model.m"]
    assert AttrChange("api_key", None, key, sensitive=True) in created.attributes

    same = make_plan(desired, live(res("model.m", name="M")), kinds, PlanOptions())
    assert not same.has_changes, "write-only values are never compared"

    renamed = by_address(make_plan(desired, live(res("model.m", name="old")), kinds, PlanOptions()))[
        "model.m"
    ]
    assert [a.path for a in renamed.attributes] == ["name", "api_key"]
    assert renamed.steps[0].variables["paths"] == ["name", "api_key"]

    forced = by_address(
        make_plan(desired, live(res("model.m", name="M")), kinds, PlanOptions(replace=("model.m",)))
    )
    assert forced["model.m"].action is Action.UPDATE
    assert forced["model.m"].attributes == (AttrChange("api_key", None, key, sensitive=True, resent=True),)


def test_secret_in_a_plain_attribute_is_marked_sensitive() -> None:
    value = Sensitive("Bearer " + secret_token("TOKEN"))
    plan = make_plan(manifest(declare("team.a", header=value)), live(), standard_kinds(), PlanOptions())
    assert plan.changes[0].attributes[0].sensitive


def test_kind_warnings_reach_the_change() -> None:
    class Warned(FakeKind):
        def warnings(self, desired, actual):
            return [f"detaching {actual.address} deletes it"] if desired is None else []

    kinds = standard_kinds(deployment=Warned("deployment", parent="project"))
    state = live(res("project.p"), res("project.p/deployment.m"))
    plan = make_plan(manifest(declare("project.p"), prune=True), state, kinds, PlanOptions())
    assert by_address(plan)["project.p/deployment.m"].warnings == (
        "detaching project.p/deployment.m deletes it",
    )


def test_a_change_the_api_cannot_make_is_refused_not_planned_forever() -> None:
    class NoUpdate(FakeKind):
        def update_steps(self, desired, actual, changes):
            return []

    kinds = standard_kinds(team=NoUpdate("team"))
    with pytest.raises(PlanError) as caught:
        renamed = manifest(declare("team.a", name="new"))
        make_plan(renamed, live(res("team.a", name="old")), kinds, PlanOptions())
    assert "team.a: the API has no call that changes name" in str(caught.value)
    assert 'declare the live value (name: "old")' in str(caught.value)


def test_a_delete_lists_the_live_values_it_removes() -> None:
    state = live(res("project.p"), res("project.p/grader.g", judge="x", unit=None))
    plan = make_plan(manifest(declare("project.p"), prune=True), state, standard_kinds(), PlanOptions())
    assert by_address(plan)["project.p/grader.g"].attributes == (AttrChange("judge", "x", None),)


def test_replace_of_a_parent_resends_the_write_only_values_within_it() -> None:
    kinds = standard_kinds(grader=FakeKind("grader", parent="project", write_only=("token",)))
    desired = manifest(
        declare("project.p"), declare("project.p/grader.g", token=Sensitive(secret_token("T")))
    )
    state = live(res("project.p"), res("project.p/grader.g"))
    plan = make_plan(desired, state, kinds, PlanOptions(replace=("project.p",)))
    assert by_address(plan)["project.p/grader.g"].action is Action.UPDATE
    assert by_address(plan)["project.p"].action is Action.NOOP
    assert plan.warnings == []
