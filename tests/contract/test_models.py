"""The model registry through the SDK: list, get, add_external, add_hf_model, update_compute_config.

Attaching models to projects (model services) lives in test_model_services.py.
"""

from __future__ import annotations

import time

import pydantic
import pytest
from adaptive_sdk.graphql_client import JobData, ModelData
from adaptive_sdk.graphql_client.enums import ProviderName


def _wait_for_model(sdk, key: str, timeout: float = 5.0) -> ModelData | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        model = sdk.models.get(key)
        if model is not None:
            return model
        time.sleep(0.1)
    return None


def test_seeded_registry_lists_base_models(sdk) -> None:
    models = sdk.models.list()
    assert models
    assert any(not m.is_external for m in models)
    for model in models:
        assert model.key
        assert model.created_at > 0


def test_list_accepts_filters(sdk, external_model) -> None:
    everything = {m.key for m in sdk.models.list({"view_all": True})}
    assert external_model in everything
    assert {
        m.key for m in sdk.models.list({"in_storage": True, "online": ["ONLINE", "OFFLINE"]})
    } <= everything


def test_add_external_openai_model(sdk, uniq) -> None:
    name = uniq("gpt")
    created = sdk.models.add_external(
        name=name,
        external_model_id="gpt-4o",
        api_key="sk-test-not-real",
        provider="open_ai",
        extra_params={"temperature": 0},
    )
    assert isinstance(created, ModelData)
    assert created.name == name
    assert created.is_external is True
    assert created.provider_name == ProviderName.OPEN_AI
    assert created.key

    fetched = sdk.models.get(created.key)
    assert fetched is not None
    assert (fetched.id, fetched.name, fetched.is_external) == (created.id, name, True)
    assert created.key in {m.key for m in sdk.models.list()}


def test_add_external_google_model(sdk, uniq) -> None:
    created = sdk.models.add_external(
        name=uniq("gemini"), external_model_id="gemini-2.0-flash", api_key="g-test", provider="google"
    )
    assert created.provider_name == ProviderName.GOOGLE
    fetched = sdk.models.get(created.key)
    assert fetched is not None
    assert fetched.provider_name == ProviderName.GOOGLE


def test_add_external_azure_is_broken_in_the_sdk(sdk, uniq) -> None:
    """Unsupported: the SDK raises KeyError('azure') before sending anything (no emulator involvement)."""
    with pytest.raises(KeyError):
        sdk.models.add_external(
            name=uniq("az"), external_model_id="gpt-4o", api_key="x", provider="azure", endpoint="https://x"
        )


def test_get_of_a_missing_model_is_none(sdk, uniq) -> None:
    assert sdk.models.get(uniq("nomodel")) is None


def test_get_accepts_the_id(sdk, external_model) -> None:
    by_key = sdk.models.get(external_model)
    assert by_key is not None
    by_id = sdk.models.get(str(by_key.id))
    assert by_id is not None
    assert by_id.key == external_model


def test_add_hf_model_returns_a_job_and_the_model_appears(sdk, uniq) -> None:
    key = uniq("qwen")
    job = sdk.models.add_hf_model(
        hf_model_id="Qwen/Qwen3-0.6B",
        output_model_name="Qwen small",
        output_model_key=key,
        hf_token="hf_test",
    )
    assert isinstance(job, JobData)
    assert job.id
    assert job.created_at > 0
    model = _wait_for_model(sdk, key)
    assert model is not None
    assert model.name == "Qwen small"
    assert model.is_external is False

    described = sdk.jobs.get(str(job.id))
    assert described is not None
    assert (str(described.id), described.name) == (str(job.id), job.name)
    assert sdk.jobs.delete(str(job.id)) is True
    assert sdk.jobs.get(str(job.id)) is None
    assert sdk.models.get(key) is not None  # deleting the import job keeps the imported model


def test_jobs_list_is_broken_in_the_sdk_once_a_job_exists(sdk, uniq) -> None:
    """Unsupported: ``jobs.list`` assigns ``JobDataPlus`` objects to a validate-on-assignment model
    field typed ``ListJobsJobsNodes`` (resources/jobs.py), so pydantic rejects any non-empty page."""
    sdk.models.add_hf_model(
        hf_model_id="Qwen/Qwen3-0.6B", output_model_name="q", output_model_key=uniq("q"), hf_token="hf_test"
    )
    with pytest.raises(pydantic.ValidationError, match="ListJobsJobsNodes"):
        sdk.jobs.list()


def test_update_compute_config(sdk) -> None:
    base = next(m for m in sdk.models.list() if not m.is_external)
    updated = sdk.models.update_compute_config(base.key, {"tp": 2, "kv_cache_len": 4096, "max_seq_len": 8192})
    assert updated.key == base.key
    assert updated.compute_config is not None
    assert (updated.compute_config.tp, updated.compute_config.kv_cache_len) == (2, 4096)
    assert updated.compute_config.max_seq_len == 8192

    partial = sdk.models.update_compute_config(base.key, {"max_seq_len": 16384})
    assert partial.compute_config is not None
    assert (partial.compute_config.tp, partial.compute_config.max_seq_len) == (2, 16384)
    fetched = sdk.models.get(base.key)
    assert fetched is not None
    assert fetched.compute_config == partial.compute_config
