"""The grader kind against the real emulator: every grader type created and equal on re-read,
judge templates defaulted (SDK's) but compared only when declared, locked graders unlocked
around updates and deletes, metric updates vs replace, graders made with the official SDK."""

from __future__ import annotations

from _engine import actions, apply, assert_no_changes, changes, desired_of, live_of, load, plan

from adaptive_plan.apply.waiting import make_probe
from adaptive_plan.kinds._judge_templates import SYSTEM_TEMPLATE, USER_TEMPLATE
from adaptive_plan.kinds.grader import GraderKind
from adaptive_plan.kinds.metric import MetricKind
from adaptive_plan.model.address import Address

KIND = GraderKind()
JUDGE = "llama-3.3-70b-instruct"

GRADERS = """
version: 1
projects:
  - key: {project}
    metrics:
      - {{key: helpful, kind: scalar, scoring: higher_is_better, description: shared}}
    graders:
      - key: politeness
        name: Politeness
        locked: {locked}
        metric: {{key: polite, name: {metric_name}, kind: {metric_kind}, description: is it polite}}
        judge:
          model: {judge}
          criteria: {criteria}
          examples:
            - input: [{{role: user, content: hi}}]
              output: hello dear
              pass: true
              reasoning: polite
            - input: [{{role: user, content: hi}}]
              output: go away
              pass: false
      - key: faithful
        prebuilt: {{criteria: faithfulness, model: {judge}}}
      - key: remote-check
        {remote}
      - key: tone
        metric: helpful
        custom: {{description: tone check}}
      - key: length
        function:
          source: |
            async def grade(sample):
                return 1.0
          description: short is good
"""


def _manifest(tmp_path, project, **overrides):
    values = {
        "project": project,
        "judge": JUDGE,
        "locked": True,
        "metric_name": "Polite",
        "metric_kind": "bool",
        "criteria": "The reply is polite.",
        "remote": "remote: {url: 'https://grader.example/score'}",
        **overrides,
    }
    return load(tmp_path, GRADERS.format(**values))


def _address(project: str, key: str) -> Address:
    return Address("grader", key, Address("project", project))


def test_every_type_created_then_equal_on_every_managed_attribute(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    apply(client, manifest)
    assert_no_changes(client, manifest)
    live = live_of(client, KIND)
    politeness = live[_address(project, "politeness")]
    assert politeness.attrs["locked"] is True
    assert politeness.attrs["metric.key"] == "polite" and politeness.attrs["metric.kind"] == "bool"
    assert politeness.attrs["judge.system_template"] == SYSTEM_TEMPLATE, "the SDK's template is sent"
    assert politeness.attrs["judge.user_template"] == USER_TEMPLATE
    assert live[_address(project, "faithful")].attrs["prebuilt.criteria"] == "faithfulness"
    assert live[_address(project, "tone")].attrs["metric.description"] == "shared"
    wanted = desired_of(manifest, KIND)[_address(project, "politeness")]
    assert "judge.system_template" not in wanted.attrs, "templates are compared only when declared"
    assert Address("model", JUDGE) in wanted.refs


def test_a_metric_named_by_a_grader_is_the_graders_not_a_metric_resource(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    apply(client, manifest)
    metrics = MetricKind()
    helpful = Address("metric", "helpful", Address("project", project))
    assert helpful not in desired_of(manifest, metrics)
    assert metrics.unlisted(live_of(client, metrics)[helpful])  # read, but the grader's


def test_locked_grader_is_unlocked_updated_and_relocked(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, criteria="The reply is very polite.")
    address = _address(project, "politeness")
    update = changes(apply(client, changed))[str(address)]
    assert [line.path for line in update.attributes] == ["judge.criteria"]
    assert [step.verb for step in update.steps] == ["unlock", "update", "lock"]
    assert_no_changes(client, changed)
    after = live_of(client, KIND)[address]
    assert after.attrs["locked"] is True and after.attrs["judge.user_template"] == USER_TEMPLATE
    assert len(after.attrs["judge.examples"]) == 2, "unmanaged config fields are re-sent as they are"


def test_declared_templates_are_compared_and_unlocking_is_an_update(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    text = GRADERS.format(
        project=project, judge=JUDGE, locked=False, metric_name="Polite", metric_kind="bool",
        criteria="The reply is polite.", remote="remote: {url: 'https://grader.example/score'}",
    ).replace("          criteria: The reply is polite.\n", "          criteria: The reply is polite.\n"
              "          system_template: Judge strictly.\n")  # fmt: skip
    changed = load(tmp_path, text)
    address = _address(project, "politeness")
    wanted, actual = desired_of(changed, KIND)[address], live_of(client, KIND)[address]
    assert sorted(change.path for change in KIND.compare(wanted, actual)) == [
        "judge.system_template",
        "locked",
    ]
    apply(client, changed)
    assert_no_changes(client, changed)
    after = live_of(client, KIND)[address]
    assert after.attrs["judge.system_template"] == "Judge strictly." and after.attrs["locked"] is False


def test_type_change_and_metric_changes(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, remote="custom: {description: now custom}", metric_name="Courtesy")
    live = live_of(client, KIND)
    remote = _address(project, "remote-check")
    remote_changes = KIND.compare(desired_of(changed, KIND)[remote], live[remote])
    assert {change.path for change in remote_changes} >= {"type", "custom.description"}
    assert not KIND.requires_replace(remote_changes)
    politeness = _address(project, "politeness")
    metric_changes = KIND.compare(desired_of(changed, KIND)[politeness], live[politeness])
    assert [change.path for change in metric_changes] == ["metric.name"] and not KIND.requires_replace(
        metric_changes
    )
    updated = changes(apply(client, changed))
    assert [step.verb for step in updated[str(politeness)].steps] == ["unlock", "update(metric)", "lock"]
    assert updated[str(remote)].action.value == "update"
    assert_no_changes(client, changed)
    rekinded = _manifest(tmp_path, project, remote="custom: {description: now custom}", metric_kind="scalar")
    rekind = KIND.compare(desired_of(rekinded, KIND)[politeness], live_of(client, KIND)[politeness])
    assert KIND.requires_replace(rekind), "a grader's metric kind cannot change in place"
    before_id = live_of(client, KIND)[politeness].identity["id"]
    assert actions(apply(client, rekinded))[str(politeness)] == "replace"
    after = live_of(client, KIND)[politeness]
    assert after.identity["id"] != before_id and after.attrs["metric.kind"] == "scalar"
    assert_no_changes(client, rekinded)


def test_locked_grader_delete_unlocks_first(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    pruning = load(tmp_path, f"projects:\n  - key: {project}\n    prune: true\n")
    deleted = changes(apply(client, pruning))
    assert [step.verb for step in deleted[str(_address(project, "politeness"))].steps] == ["unlock", "delete"]
    assert [step.verb for step in deleted[str(_address(project, "tone"))].steps] == ["delete"]
    assert _address(project, "politeness") not in live_of(client, KIND)
    assert_no_changes(client, pruning)


def test_graders_made_with_the_sdk_match_and_changes_show(client, sdk, project, tmp_path) -> None:
    sdk.graders.create.binary_judge(
        key="politeness", criteria="The reply is polite.", judge_model=JUDGE, project=project
    )
    text = f"""version: 1
projects:
  - key: {project}
    graders:
      - key: politeness
        judge: {{model: {JUDGE}, criteria: The reply is polite.}}
"""
    manifest = load(tmp_path, text)
    address = _address(project, "politeness")
    assert_no_changes(client, manifest)
    sdk.graders.lock(grader_key="politeness", locked=True, project=project)
    locked = load(tmp_path, text + "        locked: false\n")
    changes = KIND.compare(desired_of(locked, KIND)[address], live_of(client, KIND)[address])
    assert [(c.path, c.before, c.after) for c in changes] == [("locked", True, False)]


def test_retried_create_is_probed_through_the_metric(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    (create,) = changes(plan(client, manifest))[str(_address(project, "length"))].steps
    assert create.idempotent is False
    probe = make_probe(client, create.probe, {})
    assert probe is not None and not probe()
    apply(client, manifest)
    assert probe()
