"""The deployment kind against the real emulator: attach → deploy (polled until ONLINE) →
default, every managed attribute equal on re-read, in-place updates, the detach warning and
what detach really does, and a change made with the official SDK shows up."""

from __future__ import annotations

from _k2_flow import assert_converged, converge, desired_of, live_of, load, run_steps

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


def _address(project: str, model: str) -> Address:
    return Address("model", model, Address("project", project))


def test_create_attaches_deploys_and_waits_then_everything_is_equal(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    wanted = desired_of(manifest, KIND)[_address(project, "llama-3.1-8b-instruct")]
    steps = KIND.create_steps(wanted)
    assert [step.verb for step in steps] == ["attach", "deploy", "update(is_default)"]
    assert steps[1].poll is not None and steps[1].poll.until == ("ONLINE",)
    assert steps[2].variables["input"]["project"] == project, "make-default names the project explicitly"
    pools = (Address("compute_pool", "a100-pool"), Address("compute_pool", "h100-pool"))
    assert wanted.refs == (Address("project", project), Address("model", "llama-3.1-8b-instruct"), *pools)
    live = converge(client, KIND, manifest)
    llama = live[_address(project, "llama-3.1-8b-instruct")]
    assert llama.identity["status"] == "ONLINE", "the deploy step's poll waited for ONLINE"
    assert llama.attrs == {
        "default": True,
        "online": True,
        "placement": {"compute_pools": ["a100-pool", "h100-pool"], "max_ttft_ms": 500},
    }
    assert live[_address(project, "qwen3-8b")].attrs["default"] is False
    assert_converged(client, KIND, manifest)


def test_speculative_decoding_is_write_only(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    converge(client, KIND, manifest)
    address = _address(project, "llama-3.1-8b-instruct")
    wanted, actual = desired_of(manifest, KIND)[address], live_of(client, KIND)[address]
    assert "speculative_decoding" in wanted.attrs and "speculative_decoding" not in actual.attrs
    assert KIND.compare(wanted, actual) == []


def test_updates_are_one_update_model_service_with_only_the_changes(client, project, tmp_path) -> None:
    converge(client, KIND, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, default_llama=False, online=False, pools="a100-pool")
    live = live_of(client, KIND)
    llama = _address(project, "llama-3.1-8b-instruct")
    changes = KIND.compare(desired_of(changed, KIND)[llama], live[llama])
    assert sorted(change.path for change in changes) == ["default", "online", "placement"]
    (step,) = KIND.update_steps(desired_of(changed, KIND)[llama], live[llama], changes)
    assert step.operation == "UpdateModel"
    assert step.variables["input"] == {
        "project": project,
        "modelService": "llama-3.1-8b-instruct",
        "isDefault": False,
        "desiredOnline": False,
        "placement": {"computePools": ["a100-pool"], "maxTtftMs": 500},
        "speculativeDecoding": {"numDraftSteps": 3},
    }
    converge(client, KIND, changed)
    after = assert_converged(client, KIND, changed)
    assert after[llama].identity["status"] == "TURNED_OFF"
    assert after[_address(project, "qwen3-8b")].attrs["default"] is True


def test_turning_back_online_polls_until_online(client, project, tmp_path) -> None:
    converge(client, KIND, _manifest(tmp_path, project, online=False))
    address = _address(project, "llama-3.1-8b-instruct")
    assert live_of(client, KIND)[address].identity["status"] == "TURNED_OFF"
    manifest = _manifest(tmp_path, project)
    wanted, actual = desired_of(manifest, KIND)[address], live_of(client, KIND)[address]
    (step,) = KIND.update_steps(wanted, actual, KIND.compare(wanted, actual))
    assert step.poll is not None
    run_steps(client, [step])
    assert live_of(client, KIND)[address].identity["status"] == "ONLINE"


def test_first_deployment_declared_not_default_stays_not_default(client, project, tmp_path) -> None:
    manifest = load(tmp_path, _project_yaml(project, "{model: qwen3-8b, default: false}"))
    converge(client, KIND, manifest)
    assert live_of(client, KIND)[_address(project, "qwen3-8b")].attrs["default"] is False
    assert_converged(client, KIND, manifest)


def test_detach_warns_when_it_deletes_the_model_from_storage(client, sdk, project, uniq, tmp_path) -> None:
    external = sdk.models.add_external(
        name=uniq("judge"), external_model_id="gpt-4o-mini", api_key="sk-not-real", provider="open_ai"
    ).key
    manifest = load(tmp_path, _project_yaml(project, f"model: {external}"))
    converge(client, KIND, manifest)
    actual = live_of(client, KIND)[_address(project, external)]
    (warning,) = KIND.warnings(None, actual)
    assert f"detach deletes model {external} from storage" in warning
    assert [step.verb for step in KIND.delete_steps(actual)] == ["detach"]
    run_steps(client, KIND.delete_steps(actual))
    assert _address(project, external) not in live_of(client, KIND)
    assert sdk.models.get(external) is None, "the warning told the truth: the model is gone"


def test_no_warning_when_bound_elsewhere_or_published(client, sdk, project, uniq, tmp_path) -> None:
    other = uniq("other")
    sdk.projects.create(key=other, name=other)
    external = sdk.models.add_external(
        name=uniq("shared"), external_model_id="gpt-4o-mini", api_key="sk-not-real", provider="open_ai"
    ).key
    sdk.models.add_to_project(model=external, project=other)
    converge(client, KIND, load(tmp_path, _project_yaml(project, f"model: {external}", "model: qwen3-8b")))
    live = live_of(client, KIND)
    shared, published = live[_address(project, external)], live[_address(project, "qwen3-8b")]
    assert shared.identity["bound_elsewhere"] == [other]
    assert KIND.warnings(None, shared) == [] and KIND.warnings(None, published) == []
    run_steps(client, KIND.delete_steps(shared))
    assert sdk.models.get(external) is not None


def test_changes_made_with_the_sdk_show_up(client, sdk, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    converge(client, KIND, manifest)
    sdk.models.update(model="qwen3-8b", project=project, is_default=True)
    sdk.models.update(
        model="llama-3.1-8b-instruct", project=project, placement={"compute_pools": ["a100-pool"]}
    )
    live = live_of(client, KIND)
    llama = _address(project, "llama-3.1-8b-instruct")
    changes = {
        c.path: (c.before, c.after) for c in KIND.compare(desired_of(manifest, KIND)[llama], live[llama])
    }
    assert changes["default"] == (False, True)
    assert changes["placement"][0] == {"compute_pools": ["a100-pool"], "max_ttft_ms": None}
    converge(client, KIND, manifest)
    assert_converged(client, KIND, manifest)


def test_placement_pool_ids_are_normalised_to_keys() -> None:
    pools = {"6f1c0000-0000-0000-0000-000000000001": "h100-pool"}
    value = {"computePools": ["6f1c0000-0000-0000-0000-000000000001", "a100-pool"], "maxTtftMs": None}
    assert placement_attr(value, pools) == {"compute_pools": ["a100-pool", "h100-pool"], "max_ttft_ms": None}
    assert placement_attr({"compute_pools": ["h100-pool", "a100-pool"]}) == placement_attr(value, pools)
