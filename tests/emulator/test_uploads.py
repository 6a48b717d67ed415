"""Uploads: GraphQL multipart (raw and through the SDK), recipe zip download, chunked datasets."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from adaptive_sdk import Adaptive

from tests.emulator.conftest import HTTP, data, error

RECIPE = """fragment R on CustomRecipe { key name content contentHash entrypoint isMultifile
  labels(withProtected: false) { key value } all: labels { key } }"""


def _multipart(
    emulator, query: str, variables: dict, files: dict[str, tuple[str, bytes, str]], mapping: dict
):
    operations = {"query": query, "operationName": None, "variables": variables}
    form = {"operations": json.dumps(operations), "map": json.dumps(mapping)}
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    return HTTP.post(f"{emulator.url}/api/graphql", data=form, files=files, headers=headers).json()


def _project(emulator) -> None:
    data(emulator, 'mutation { createProject(input: {name: "P", key: "p"}) { key } }')


def test_multipart_create_recipe_from_a_zip_and_download_it(emulator) -> None:
    _project(emulator)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", "print('main')\n")
        archive.writestr("lib/util.py", "X = 1\n")
    query = (
        RECIPE
        + """ mutation($input: CreateRecipeInput!, $file: Upload!) {
      createCustomRecipe(project: "p", input: $input, file: $file) { ...R } }"""
    )
    variables = {
        "input": {"name": "GRPO", "key": "grpo", "labels": [{"key": "team", "value": "ml"}]},
        "file": None,
    }
    body = _multipart(
        emulator,
        query,
        variables,
        {"0": ("grpo.zip", buffer.getvalue(), "application/zip")},
        {"0": ["variables.file"]},
    )
    recipe = body["data"]["createCustomRecipe"]
    assert recipe["isMultifile"] is True and recipe["entrypoint"] == "main.py"
    assert recipe["labels"] == [{"key": "team", "value": "ml"}]
    assert {label["key"] for label in recipe["all"]} == {"team", "adaptive.protected/uploaded-by"}
    download = HTTP.get(
        f"{emulator.url}/api/v1/projects/p/recipes/grpo/download",
        headers={"Authorization": f"Bearer {emulator.api_key}"},
    )
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert sorted(archive.namelist()) == ["lib/util.py", "main.py"]


def test_sdk_uploads_a_single_file_recipe_and_updates_it(emulator, tmp_path: Path) -> None:
    _project(emulator)
    client = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
    path = tmp_path / "my_recipe.py"
    path.write_text("print('v1')\n")
    created = client.recipes.upload(path=str(path), project="p")
    assert (created.key, created.content) == ("my-recipe", "print('v1')\n")
    assert created.content_hash == hashlib.sha256(b"my_recipe.py\0print('v1')\n\0").hexdigest()
    path.write_text("print('v2')\n")
    updated = client.recipes.upsert(path=str(path), project="p")
    assert updated.content == "print('v2')\n" and updated.content_hash != created.content_hash
    renamed = client.recipes.update(recipe_key="my-recipe", name="Renamed", project="p")  # JSON, file: null
    assert (renamed.name, renamed.content) == ("Renamed", "print('v2')\n")
    duplicate = error(
        emulator,
        RECIPE
        + """ mutation { createCustomRecipe(project: "p",
        input: {name: "x", key: "my-recipe"}, file: null) { ...R } }""",
    )
    assert duplicate  # file is Upload!: null is rejected before anything is written


def test_chunked_dataset_upload_over_rest(emulator) -> None:
    _project(emulator)
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    lines = b"".join(
        json.dumps({"messages": [{"role": "user", "content": f"q{i}"}]}).encode() + b"\n" for i in range(10)
    )
    chunks = [lines[:100], lines[100:]]
    init = HTTP.post(
        f"{emulator.url}/api/v1/upload/init",
        headers=headers,
        json={"content_type": "application/jsonl", "metadata": None, "total_parts_count": 2},
    )
    session = init.json()["session_id"]
    for number, chunk in enumerate(chunks, start=1):
        part = HTTP.post(
            f"{emulator.url}/api/v1/upload/part",
            params={"session_id": session, "part_number": number},
            content=chunk,
            headers={**headers, "Content-Type": "application/octet-stream"},
        )
        assert part.status_code == 200
    status = data(
        emulator,
        """mutation($i: DatasetCreateFromMultipartUpload!) {
        createDatasetFromMultipartUpload(input: $i) { datasetId status progress error } }""",
        {"i": {"project": "p", "name": "Big", "key": "big", "uploadSessionId": session}},
    )
    dataset_id = status["createDatasetFromMultipartUpload"]["datasetId"]
    describe = 'query($id: IdOrKey!) { dataset(idOrKey: $id, project: "p") { key kind records downloadUrl } }'
    found = data(emulator, describe, {"id": dataset_id})
    assert found["dataset"]["kind"] == "PROMPT" and found["dataset"]["records"] == 10
    url = found["dataset"]["downloadUrl"]
    assert HTTP.get(f"{emulator.url}{url}", headers=headers).content == lines


def test_rest_upload_needs_a_key(emulator) -> None:
    assert HTTP.post(f"{emulator.url}/api/v1/upload/init", json={"total_parts_count": 1}).status_code == 401
