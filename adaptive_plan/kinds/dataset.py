"""Evaluation datasets of a project (``project.K/dataset.KEY``), ADAPTIVE_API.md §4.16.

Owns: desired datasets from ``projects[].datasets`` plus the files the manifest loader
resolved and hashed (``manifest.dataset_sources``), live ones from ``datasets(project:)``
(request 2, once per project), and the steps:

- create = ``createDataset`` (GraphQL multipart, operation ``LoadDataset``) for a file of
  5 MiB or less; above that, the file goes through the REST upload session in parts (cut as
  the SDK cuts them, ``model.dataset_content.upload_parts``), then
  ``createDatasetFromMultipartUpload`` with the session id, polled until the dataset is READY;
- delete = ``deleteDataset``;
- there is no update: a changed file or name is a replace (delete, then upload again).

The content cannot be read back except by downloading it, and the tool never downloads data
it does not manage: only a dataset the manifests declare is downloaded (``live_downloads``
looks at ``LiveData.declared``) and hashed like the manifest's file. An undeclared dataset is
listed as unmanaged, pruned under ``prune``, and exported only with ``--kind dataset``.
``name`` is managed only when declared (the SDK and this kind default it to the key).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from adaptive_plan.kinds._shared import project_entries, step
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.dataset_content import CHUNKED_ABOVE, MIB, content_hash, upload_parts
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.resource import Resource

ALIAS = "dataset"
REST_PREFIX = "/api/v1"
SESSION_VARIABLE = "input.uploadSessionId"

LOAD_DATASET = Operation(
    "LoadDataset",
    """mutation LoadDataset($input: DatasetCreate!, $file: Upload!) {
  createDataset(input: $input, file: $file) { id key status }
}""",
)

CREATE_FROM_UPLOAD = Operation(
    "CreateDatasetFromMultipartUpload",
    """mutation CreateDatasetFromMultipartUpload($input: DatasetCreateFromMultipartUpload!) {
  createDatasetFromMultipartUpload(input: $input) { datasetId status progress error }
}""",
)

DELETE_DATASET = Operation(
    "DeleteDataset",
    """mutation DeleteDataset($idOrKey: IdOrKey!, $project: IdOrKey!) {
  deleteDataset(idOrKey: $idOrKey, project: $project)
}""",
)

DESCRIBE_DATASET = Operation(
    "DescribeDataset",
    """query DescribeDataset($input: IdOrKey!, $project: IdOrKey!) {
  dataset(idOrKey: $input, project: $project) { id key status }
}""",
)


class DatasetKind(Kind):
    name = "dataset"
    section = "datasets"
    parent = "project"
    ownership = "prune"
    export_by_default = False  # data, possibly large: exported only when asked for by --kind
    live_scope = "project"
    scoped_query = """datasets(project: $KEY) {
    id key name kind records status downloadUrl
    metricsUsage { scoreCount comparisonCount metric { key } }
  }"""

    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for project_address, path, entry, _ in project_entries(manifest, "datasets"):
            key = str(entry["key"])
            source = manifest.dataset_sources.get((project_address.key, key))
            attrs: dict[str, Any] = {"content_hash": source.content_hash if source else None}
            if "name" in entry:
                attrs["name"] = entry["name"]
            resources.append(
                Resource(
                    address=project_address.child(self.name, key),
                    kind=self.name,
                    attrs=attrs,
                    refs=(project_address,),
                    identity={
                        "project": project_address.key,
                        "key": key,
                        "path": source.path if source else entry.get("path"),
                        "size": source.size if source else 0,
                    },
                    source=manifest.mark(path),
                )
            )
        return resources

    def live_downloads(self, data: LiveData) -> list[str]:
        """The content of the declared datasets only: nothing else is ever downloaded."""
        return [
            download_path(dataset)
            for project, dataset in _live_datasets(data)
            if Address("project", project).child(self.name, dataset["key"]) in data.declared
        ]

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = []
        for project, dataset in _live_datasets(data):
            body = data.downloads.get(download_path(dataset))
            resources.append(
                Resource(
                    address=Address("project", project).child(self.name, dataset["key"]),
                    kind=self.name,
                    attrs={"content_hash": content_hash(body) if body else None, "name": dataset.get("name")},
                    identity={
                        "project": project,
                        "key": dataset["key"],
                        "id": dataset.get("id"),
                        "records": dataset.get("records"),
                        "download": download_path(dataset),
                        "usage": _usage(dataset),
                    },
                )
            )
        return resources

    def compare(self, desired: Resource, actual: Resource) -> list[AttrChange]:
        changes = super().compare(desired, actual)
        if actual.attrs.get("content_hash") is None:  # not downloaded (gone since): say so, not a hash
            return [
                AttrChange("content_hash", "(unknown)", c.after) if c.path == "content_hash" else c
                for c in changes
            ]
        return changes

    def requires_replace(self, changes: Sequence[AttrChange]) -> bool:
        return bool(changes)  # no update mutation: a changed file or name is delete + upload

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        project, key = desired.identity["project"], desired.identity["key"]
        path, size = desired.identity["path"], desired.identity["size"]
        values = {"project": project, "name": desired.attrs.get("name") or key, "key": key}
        probe = Poll(DESCRIBE_DATASET, {"input": key, "project": project}, "dataset.id", until=())
        if size <= CHUNKED_ABOVE:
            return [
                step(
                    "upload",
                    LOAD_DATASET,
                    {"input": values, "file": None},
                    f"upload dataset {key} to project {project} ({size:,} bytes)",
                    uploads={"file": path},
                    idempotent=False,
                    probe=probe,
                )
            ]
        parts, part_size = upload_parts(size)
        return [
            step(
                "upload",
                CREATE_FROM_UPLOAD,
                {"input": {**values, "uploadSessionId": None}},
                uploads={SESSION_VARIABLE: path},
                chunked=(SESSION_VARIABLE,),
                idempotent=False,
                probe=probe,
                poll=Poll(probe.document, probe.variables, "dataset.status", ("READY",), ("FAILED",)),
                description=(
                    f"upload dataset {key} to project {project} ({size:,} bytes, in {parts} parts of "
                    f"{part_size / MIB:g} MiB through the REST upload session)"
                ),
            )
        ]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        return ()  # never reached: requires_replace holds for every change

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        project, key = actual.identity["project"], actual.identity["key"]
        variables = {"idOrKey": key, "project": project}
        return [step("delete", DELETE_DATASET, variables, f"delete dataset {key} from project {project}")]

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        if actual is None:
            return []
        key, project = actual.address.key, actual.identity["project"]
        records = actual.identity.get("records")
        held = f" with its {records:,} records" if isinstance(records, int) else ""
        usage = "; ".join(actual.identity.get("usage") or [])
        scored = f" ({usage} recorded against it)" if usage else ""
        if desired is None:
            return [f"deleting dataset {key} removes it{held} from project {project}{scored}"]
        if not self.compare(desired, actual):
            return []
        return [
            f"datasets cannot be changed in place: {key} is deleted{held}{scored} and uploaded again from "
            f"{desired.identity.get('path')}, under a new id"
        ]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """``key``, and ``name`` when it is not the key; the exporter downloads the content and
        sets ``path``."""
        entry: dict[str, Any] = {"key": resource.address.key}
        if resource.attrs.get("name") not in (None, "", resource.address.key):
            entry["name"] = resource.attrs["name"]
        return entry


def download_path(dataset: dict[str, Any]) -> str:
    """The REST route of a dataset's original file: its ``downloadUrl`` without ``/api/v1``."""
    url = str(dataset.get("downloadUrl") or f"/datasets/{dataset.get('id')}/download")
    if url.startswith(REST_PREFIX + "/"):
        url = url[len(REST_PREFIX) :]
    return url + ("&" if "?" in url else "?") + "format=original"


def _live_datasets(data: LiveData) -> Iterator[tuple[str, dict[str, Any]]]:
    """(project key, dataset) for every keyed dataset (one without a key cannot be declared)."""
    for project, datasets in data.scoped("project", ALIAS).items():
        for dataset in datasets or []:
            if isinstance(dataset, dict) and dataset.get("key") and not dataset.get("deleted"):
                yield project, dataset


def _usage(dataset: dict[str, Any]) -> list[str]:
    """``N scores on metric M`` for each metric with results on this dataset."""
    lines = []
    for usage in dataset.get("metricsUsage") or []:
        count = (usage.get("scoreCount") or 0) + (usage.get("comparisonCount") or 0)
        if count:
            lines.append(f"{count:,} scores on metric {(usage.get('metric') or {}).get('key')}")
    return lines
