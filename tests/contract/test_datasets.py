"""Datasets through the SDK: the small multipart upload, the >5 MiB chunked REST upload, get, list,
download (round-trips the bytes) and delete. The API has no dataset update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from adaptive_sdk.graphql_client import DatasetData
from adaptive_sdk.graphql_client.enums import DatasetKind

FIVE_MIB = 5 * 1024 * 1024


def _line(index: int, padding: int = 0) -> str:
    record = {
        "messages": [{"role": "user", "content": f"question {index} " + "x" * padding}],
        "completion": f"answer {index}",
    }
    return json.dumps(record) + "\n"


def _small_file(directory: Path, lines: int = 3) -> Path:
    path = directory / "small.jsonl"
    path.write_text("".join(_line(i) for i in range(lines)))
    return path


def _big_file(directory: Path) -> Path:
    """A JSONL file just over 5 MiB, so the SDK takes its chunked REST path (two parts)."""
    path = directory / "big.jsonl"
    with path.open("w") as handle:
        size, index = 0, 0
        while size <= FIVE_MIB + 1024:
            line = _line(index, padding=1000)
            handle.write(line)
            size += len(line.encode())
            index += 1
    return path


def _keys(sdk, project: str) -> set[str | None]:
    return {dataset.key for dataset in sdk.datasets.list(project=project)}


def test_small_upload_get_list_download(sdk, emulator, project, tmp_path, uniq) -> None:
    path = _small_file(tmp_path)
    key = uniq("ds")
    before = len(emulator.stats.operations)
    created = sdk.datasets.upload(str(path), dataset_key=key, name="Support tickets", project=project)
    assert emulator.stats.operations[before:] == ["LoadDataset"]  # the GraphQL multipart path
    assert isinstance(created, DatasetData)
    assert (created.key, created.name) == (key, "Support tickets")
    assert isinstance(created.kind, DatasetKind)
    assert created.records in (None, 3)
    assert created.download_url

    fetched = sdk.datasets.get(key, project=project)
    assert fetched is not None
    assert (fetched.id, fetched.name) == (created.id, "Support tickets")
    assert key in _keys(sdk, project)

    destination = tmp_path / "downloaded.jsonl"
    sdk.datasets.download(key, str(destination), project=project)
    assert destination.read_bytes() == path.read_bytes()


def test_name_defaults_to_key(sdk, project, tmp_path, uniq) -> None:
    key = uniq("ds")
    assert sdk.datasets.upload(str(_small_file(tmp_path)), dataset_key=key, project=project).name == key


def test_chunked_upload_over_five_mib(sdk, emulator, project, tmp_path, uniq) -> None:
    path = _big_file(tmp_path)
    assert path.stat().st_size > FIVE_MIB
    key = uniq("big")
    before = len(emulator.stats.operations)
    created = sdk.datasets.upload(str(path), dataset_key=key, project=project)
    operations = emulator.stats.operations[before:]
    assert "LoadDataset" not in operations  # the REST chunked path, then GraphQL to finish
    assert operations[0] == "CreateDatasetFromMultipartUpload"
    assert operations[-2:] == ["DatasetUploadProcessingStatus", "DescribeDataset"]
    assert (created.key, created.name) == (key, key)
    assert created.records in (None, sum(1 for _ in path.open()))
    assert key in _keys(sdk, project)

    destination = tmp_path / "big-downloaded.jsonl"
    sdk.datasets.download(str(created.id), str(destination), project=project)
    assert destination.read_bytes() == path.read_bytes()


def test_delete(sdk, project, tmp_path, uniq) -> None:
    key = uniq("ds")
    sdk.datasets.upload(str(_small_file(tmp_path)), dataset_key=key, project=project)
    assert sdk.datasets.delete(key, project=project) is True
    assert sdk.datasets.get(key, project=project) is None
    assert key not in _keys(sdk, project)


def test_datasets_are_scoped_to_their_project(sdk, project, tmp_path, uniq) -> None:
    other = uniq("proj2")
    sdk.projects.create(key=other)
    key = uniq("ds")
    sdk.datasets.upload(str(_small_file(tmp_path)), dataset_key=key, project=project)
    assert sdk.datasets.get(key, project=other) is None
    assert key not in _keys(sdk, other)


def test_get_and_download_of_a_missing_dataset(sdk, project, tmp_path, uniq) -> None:
    key = uniq("none")
    assert sdk.datasets.get(key, project=project) is None
    with pytest.raises(ValueError, match="not found"):
        sdk.datasets.download(key, str(tmp_path / "nothing.jsonl"), project=project)
