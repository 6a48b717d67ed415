"""The deployment kind against the real emulator: attach → deploy (polled until ONLINE) →
default, every managed attribute equal on re-read, in-place updates, the detach warning and
what detach really does, and a change made with the official SDK shows up."""

from __future__ import annotations

from _engine import actions, apply, assert_no_changes, changes, desired_of, live_of, load, plan

from adaptive_plan.kinds.deployment import DeploymentKind, placement_attr
from adaptive_plan.model.address import Address

KIND = DeploymentKind()

DEPLOYMENTS = """
version: 1
projects:
  - key: {project}
    models:
      - model: llama-3.1-8b-instruct
        default: {default_llama}
        online: {online}
        placement: {{compute_pools: [{pools}], max_ttft_ms: 500}}
        speculative_decoding: {{num_draft_steps: 3}}
      - model: qwen3-8b
        default: {default_qwen}
"""


def _manifest(tmp_path, project, *, default_llama=True, online=True, pools="h100-pool, a100-pool"):
    text = DEPLOYMENTS.format(
        project=project,
        default_llama=default_llama,
        default_qwen=not default_llama,
        online=online,
        pools=pools,
    )
    return load(tmp_path, text)


def _project_yaml(project: str, *deployments: str) -> str:
    lines = "".join(f"      - {entry}\n" for entry in deployments)
    return f"version: 1\nprojects:\n  - key: {project}\n    models:\n{lines}"


def _pruned(tmp_path, project: str):
    """The project declared with no deployments and ``prune: true``: every deployment is detached."""
    return load(tmp_path, f"projects:\n  - key: {project}\n    prune: true\n")


def _address(project: str, model: str) -> Address:
    return Address("model", model, Address("project", project))


def test_create_attaches_deploys_and_waits_then_everything_is_equal(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    wanted = desired_of(manifest, KIND)[_address(project, "llama-3.1-8b-instruct")]
    steps = changes(plan(client, manifest))[str(wanted.address)].steps
    assert [step.verb for step in steps] == ["attach", "deploy", "update(is_default)"]
    assert steps[1].poll is not None and steps[1].poll.until == ("ONLINE",)
    assert steps[2].variables["input"]["project"] == project, "make-default names the project explicitly"
    pools = (Address("compute_pool", "a100-pool"), Address("compute_pool", "h100-pool"))
    assert wanted.refs == (Address("project", project), Address("model", "llama-3.1-8b-instruct"), *pools)
    apply(client, manifest)
    live = live_of(client, KIND)
    llama = live[_address(project, "llama-3.1-8b-instruct")]
    assert llama.identity["status"] == "ONLINE", "the deploy step's poll waited for ONLINE"
    assert llama.attrs == {
        "default": True,
        "online": True,
        "placement": {"compute_pools": ["a100-pool", "h100-pool"], "max_ttft_ms": 500},
        "name": "Llama 3.1 8B Instruct",  # the server names a service after its model
        "tool_providers": [],
        "system_prompt_template": None,
    }
    assert live[_address(project, "qwen3-8b")].attrs["default"] is False
    assert_no_changes(client, manifest)


def test_speculative_decoding_is_write_only(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    apply(client, manifest)
    address = _address(project, "llama-3.1-8b-instruct")
    wanted, actual = desired_of(manifest, KIND)[address], live_of(client, KIND)[address]
    assert "speculative_decoding" in wanted.attrs and "speculative_decoding" not in actual.attrs
    assert_no_changes(client, manifest)


def test_updates_are_one_update_model_service_with_only_the_changes(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, default_llama=False, online=False, pools="a100-pool")
    llama = _address(project, "llama-3.1-8b-instruct")
    update = changes(apply(client, changed))[str(llama)]
    paths = sorted({line.path.split(".")[0] for line in update.attributes})
    assert paths == ["default", "online", "placement", "speculative_decoding"], "write-only re-sent"
    (step,) = update.steps
    assert step.operation == "UpdateModel"
    assert step.variables["input"] == {
        "project": project,
        "modelService": "llama-3.1-8b-instruct",
        "isDefault": False,
        "desiredOnline": False,
        "placement": {"computePools": ["a100-pool"], "maxTtftMs": 500},
        "speculativeDecoding": {"numDraftSteps": 3},
    }
    assert_no_changes(client, changed)
    after = live_of(client, KIND)
    assert after[llama].identity["status"] == "TURNED_OFF"
    assert after[_address(project, "qwen3-8b")].attrs["default"] is True


def test_turning_back_online_polls_until_online(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project, online=False))
    address = _address(project, "llama-3.1-8b-instruct")
    assert live_of(client, KIND)[address].identity["status"] == "TURNED_OFF"
    (step,) = changes(apply(client, _manifest(tmp_path, project)))[str(address)].steps
    assert step.poll is not None and step.poll.until == ("ONLINE",)
    assert live_of(client, KIND)[address].identity["status"] == "ONLINE", "apply waited on the poll"


def test_first_deployment_declared_not_default_stays_not_default(client, project, tmp_path) -> None:
    manifest = load(tmp_path, _project_yaml(project, "{model: qwen3-8b, default: false}"))
    apply(client, manifest)
    assert live_of(client, KIND)[_address(project, "qwen3-8b")].attrs["default"] is False
    assert_no_changes(client, manifest)


def test_detach_warns_when_it_deletes_the_model_from_storage(client, sdk, project, uniq, tmp_path) -> None:
    external = sdk.models.add_external(
        name=uniq("judge"), external_model_id="gpt-4o-mini", api_key="sk-not-real", provider="open_ai"
    ).key
    apply(client, load(tmp_path, _project_yaml(project, f"model: {external}")))
    detach = changes(apply(client, _pruned(tmp_path, project)))[str(_address(project, external))]
    (warning,) = detach.warnings
    assert f"detach deletes model {external} from storage" in warning
    assert [step.verb for step in detach.steps] == ["detach"]
    assert _address(project, external) not in live_of(client, KIND)
    assert sdk.models.get(external) is None, "the warning told the truth: the model is gone"


def test_no_warning_when_bound_elsewhere_or_published(client, sdk, project, uniq, tmp_path) -> None:
    other = uniq("other")
    sdk.projects.create(key=other, name=other)
    external = sdk.models.add_external(
        name=uniq("shared"), external_model_id="gpt-4o-mini", api_key="sk-not-real", provider="open_ai"
    ).key
    sdk.models.add_to_project(model=external, project=other)
    apply(client, load(tmp_path, _project_yaml(project, f"model: {external}", "model: qwen3-8b")))
    assert live_of(client, KIND)[_address(project, external)].identity["bound_elsewhere"] is True
    detached = apply(client, _pruned(tmp_path, project))
    shared, published = str(_address(project, external)), str(_address(project, "qwen3-8b"))
    assert actions(detached) == {shared: "delete", published: "delete"}
    assert changes(detached)[shared].warnings == () and changes(detached)[published].warnings == ()
    assert sdk.models.get(external) is not None


def test_changes_made_with_the_sdk_show_up(client, sdk, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    apply(client, manifest)
    sdk.models.update(model="qwen3-8b", project=project, is_default=True)
    sdk.models.update(
        model="llama-3.1-8b-instruct", project=project, placement={"compute_pools": ["a100-pool"]}
    )
    llama = str(_address(project, "llama-3.1-8b-instruct"))
    drifted = changes(plan(client, manifest))[llama]
    lines = {line.path: (line.before, line.after) for line in drifted.attributes}
    assert lines["default"] == (False, True)
    assert lines["placement.compute_pools"] == (["a100-pool"], ["a100-pool", "h100-pool"])
    assert lines["placement.max_ttft_ms"] == (None, 500)
    apply(client, manifest)
    assert_no_changes(client, manifest)


def test_placement_pool_ids_are_normalised_to_keys() -> None:
    pools = {"6f1c0000-0000-0000-0000-000000000001": "h100-pool"}
    value = {"computePools": ["6f1c0000-0000-0000-0000-000000000001", "a100-pool"], "maxTtftMs": None}
    assert placement_attr(value, pools) == {"compute_pools": ["a100-pool", "h100-pool"], "max_ttft_ms": None}
    assert placement_attr({"compute_pools": ["h100-pool", "a100-pool"]}) == placement_attr(value, pools)
