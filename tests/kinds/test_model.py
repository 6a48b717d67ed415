"""Registry models against the real emulator: external and HF entries, write-only keys, partial config."""

from __future__ import annotations

import pytest
from _engine import (
    actions,
    apply,
    assert_equal_live,
    assert_no_changes,
    changes,
    live_attrs,
    load,
    plan,
    plan_json,
)

from adaptive_plan.model.errors import ManifestError, PlanError
from adaptive_plan.model.secrets import Sensitive

CANARY = "sk-canary-7f3a9b1c5d"
ENV = {"OPENAI_KEY": CANARY}


def _external(key: str, extra: str = "") -> str:
    return (
        f"models:\n  - key: {key}\n    external:\n      provider: open_ai\n      external_model_id: gpt-4o\n"
        "      api_key: \"{{ secret('OPENAI_KEY') }}\"\n" + extra
    )


def test_external_model_create_then_plan_is_empty_and_the_key_never_shows(client, uniq, tmp_path) -> None:
    key = uniq("gpt")
    manifest = load(tmp_path, _external(key, "    published: false\n    stable: true\n"), ENV)
    made = apply(client, manifest, ENV)
    change = changes(made)[f"model.{key}"]
    assert [s.operation for s in change.steps] == ["AddExternalModel", "UpdateModelRegistry"]
    assert isinstance(change.steps[0].variables["input"]["providerData"]["openAI"]["apiKey"], Sensitive)
    assert CANARY not in plan_json(made)
    assert live_attrs(client, f"model.{key}")["external"]["external_model_id"] == "gpt-4o"
    assert_equal_live(client, manifest, "model")
    assert_no_changes(client, manifest)


def _hf(key: str, extra: str = "") -> str:
    return (
        f"models:\n  - key: {key}\n    huggingface:\n      model_id: Qwen/Qwen3-8B\n"
        "      hf_token: \"{{ secret('HF_TOKEN') }}\"\n      compute_pool: a100-pool\n" + extra
    )


HF_ENV = {"HF_TOKEN": "hf_canary_token_123"}


def test_compute_config_and_flags_manage_only_declared_keys(sdk, client, uniq, tmp_path) -> None:
    key = uniq("qwen")
    apply(client, load(tmp_path / "a", _hf(key), HF_ENV), HF_ENV)
    manifest = load(
        tmp_path / "b", _hf(key, "    compute_config: {max_seq_len: 4096}\n    stable: false\n"), HF_ENV
    )
    change = changes(plan(client, manifest))[f"model.{key}"]
    assert {a.path for a in change.attributes if not a.sensitive} >= {"compute_config.max_seq_len"}
    apply(client, manifest, HF_ENV)
    assert_no_changes(client, manifest)
    sdk.models.update_compute_config(model=key, compute_config={"max_seq_len": 2048})
    [attr] = [a for a in changes(plan(client, manifest))[f"model.{key}"].attributes if not a.sensitive]
    assert (attr.path, attr.before, attr.after) == ("compute_config.max_seq_len", 2048, 4096)


def test_compute_config_on_an_external_model_is_a_manifest_error(client, uniq, tmp_path) -> None:
    key = uniq("gpt")
    with pytest.raises(ManifestError, match="compute_config"):
        plan(client, load(tmp_path, _external(key, "    compute_config: {tp: 2}\n"), ENV))


def test_a_name_whose_slug_is_not_the_key_is_a_manifest_error(client, uniq, tmp_path) -> None:
    key = uniq("gpt")
    manifest = load(tmp_path, _external(key, "    name: GPT 4o Judge\n"), ENV)
    with pytest.raises(ManifestError) as caught:
        plan(client, manifest)
    assert f"model.{key}" in str(caught.value) and "gpt-4o-judge" in str(caught.value)


def test_provider_settings_cannot_change_in_place(client, uniq, tmp_path) -> None:
    key = uniq("gpt")
    apply(client, load(tmp_path / "a", _external(key), ENV), ENV)
    manifest = load(tmp_path / "b", _external(key).replace("gpt-4o", "gpt-4.1"), ENV)
    with pytest.raises(PlanError) as caught:  # it could never be sent: the plan refuses it
        plan(client, manifest)
    assert 'external.external_model_id: "gpt-4o"' in str(caught.value)


def test_huggingface_import_waits_for_the_model_then_plan_is_empty(client, uniq, tmp_path) -> None:
    key = uniq("qwen")
    manifest = load(tmp_path, _hf(key, f"    name: {key}\n"), HF_ENV)
    made = apply(client, manifest, HF_ENV)
    [step] = changes(made)[f"model.{key}"].steps
    assert step.operation == "AddHFModel" and step.poll is not None
    assert "hf_canary_token_123" not in plan_json(made)
    assert_no_changes(client, manifest)


def test_catalogue_models_are_never_unmanaged_or_deleted(client, tmp_path) -> None:
    made = plan(client, load(tmp_path, "prune: true\nteams: []\n"))
    assert not [a for a in made.unmanaged if a.startswith("model.")]
    assert not [a for a in actions(made) if a.startswith("model.")]
