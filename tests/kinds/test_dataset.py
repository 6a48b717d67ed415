"""Datasets end to end through the CLI: upload (GraphQL multipart, or the REST upload session in
parts over 5 MiB), content compared by hash, replace on change, only declared datasets ever
downloaded, prune, drift of SDK changes, export only with --kind dataset, validate errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli import Cli, write

FIVE_MIB = 5 * 1024 * 1024


def _lines(count: int, answer: str = "yes", padding: int = 0) -> str:
    return "".join(
        json.dumps(
            {"messages": [{"role": "user", "content": f"q{i} " + "x" * padding}], "completion": answer}
        )
        + "\n"
        for i in range(count)
    )


def _manifest(directory: Path, project: str, datasets: dict[str, str], *, prune: bool = False) -> Path:
    """A project declaring ``datasets`` (key -> JSONL content), each written to ``data/KEY.jsonl``."""
    (directory / "data").mkdir(parents=True, exist_ok=True)
    entries = ""
    for key, content in datasets.items():
        (directory / "data" / f"{key}.jsonl").write_text(content)
        entries += f"      - key: {key}\n        path: data/{key}.jsonl\n"
    body = f"projects:\n  - key: {project}\n" + ("    prune: true\n" if prune else "")
    return write(directory, body + ("    datasets:\n" + entries if entries else "    datasets: []\n"))


@pytest.fixture(scope="module")
def cli(emu) -> Cli:
    return Cli(emu)


def _downloads(emu, since: int) -> list[str]:
    return [call for call in emu.stats.rest[since:] if call.startswith("GET /api/v1/datasets/")]


def test_upload_then_plan_is_empty_and_the_bytes_are_live(cli, sdk, emu, uniq, tmp_path) -> None:
    project = uniq("data")
    manifest = _manifest(tmp_path, project, {"eval": _lines(3)})
    [step] = cli.changes(manifest)[f"project.{project}/dataset.eval"]["steps"]
    assert step["operation"] == "LoadDataset"
    cli.apply(manifest)
    downloaded = tmp_path / "back.jsonl"
    sdk.datasets.download("eval", str(downloaded), project=project)
    assert downloaded.read_bytes() == (tmp_path / "data/eval.jsonl").read_bytes()
    assert sdk.datasets.get("eval", project=project).name == "eval"  # name defaults to the key
    before = len(emu.stats.rest)
    cli.assert_no_changes(manifest)
    assert "cannot be changed in place" not in cli("plan", str(manifest)).output  # no warning on a no-op
    assert len(_downloads(emu, before)) == 2  # the declared dataset, once, to compare its content


def test_changed_content_is_a_replace(cli, sdk, uniq, tmp_path) -> None:
    project = uniq("data")
    cli.apply(_manifest(tmp_path / "a", project, {"eval": _lines(2)}))
    first = sdk.datasets.get("eval", project=project).id
    manifest = _manifest(tmp_path / "b", project, {"eval": _lines(2, answer="no")})
    change = cli.changes(manifest)[f"project.{project}/dataset.eval"]
    assert change["action"] == "replace"
    assert [s["operation"] for s in change["steps"]] == ["DeleteDataset", "LoadDataset"]
    assert [a["path"] for a in change["attributes"]] == ["content_hash"]
    assert any("deleted with its 2 records" in w for w in change["warnings"])
    cli.apply(manifest, "--allow-delete")
    assert sdk.datasets.get("eval", project=project).id != first
    cli.assert_no_changes(manifest)
    renamed = _manifest(tmp_path / "c", project, {"eval": _lines(2, answer="no")})
    (renamed / "manifest.yaml").write_text(
        (renamed / "manifest.yaml").read_text() + "        name: Evaluation\n"
    )
    assert cli.changes(renamed)[f"project.{project}/dataset.eval"]["action"] == "replace"


def test_a_file_over_five_mib_goes_through_the_upload_session(cli, sdk, emu, uniq, tmp_path) -> None:
    project = uniq("big")
    content = _lines(5600, padding=1000)
    assert len(content.encode()) > FIVE_MIB
    manifest = _manifest(tmp_path, project, {"big": content})
    [step] = cli.changes(manifest)[f"project.{project}/dataset.big"]["steps"]
    assert (
        step["operation"] == "CreateDatasetFromMultipartUpload"
        and "in 2 parts of 5 MiB" in step["description"]
    )
    ops, rest = len(emu.stats.operations), len(emu.stats.rest)
    cli.apply(manifest)
    assert "LoadDataset" not in emu.stats.operations[ops:]
    assert emu.stats.rest[rest:] == [
        "POST /api/v1/upload/init",
        "POST /api/v1/upload/part",
        "POST /api/v1/upload/part",
    ]
    downloaded = tmp_path / "back.jsonl"
    sdk.datasets.download("big", str(downloaded), project=project)
    assert downloaded.read_bytes() == content.encode()
    cli.assert_no_changes(manifest)


def test_undeclared_datasets_are_listed_never_downloaded_and_pruned_when_asked(
    cli, sdk, emu, uniq, tmp_path
) -> None:
    project = uniq("data")
    manifest = _manifest(tmp_path / "a", project, {})
    cli.apply(manifest)
    source = tmp_path / "sdk.jsonl"
    source.write_text(_lines(4))
    sdk.datasets.upload(str(source), dataset_key="training", project=project)
    before = len(emu.stats.rest)
    assert f"project.{project}/dataset.training" in cli.plan_json(manifest)["unmanaged"]
    status, report = cli.drift(manifest)
    assert status == 0 and f"project.{project}/dataset.training" in report["unmanaged"]
    out = tmp_path / "out"
    assert cli("export", "--project", project, "--out", str(out)).exit_code == 0  # no --kind dataset
    assert not (out / "datasets").exists() and "training" not in (out / "manifest.yaml").read_text()
    assert _downloads(emu, before) == []  # data nobody manages is never read
    pruned = _manifest(tmp_path / "b", project, {}, prune=True)
    change = cli.changes(pruned)[f"project.{project}/dataset.training"]
    assert change["action"] == "delete" and any(
        "removes it with its 4 records" in w for w in change["warnings"]
    )
    cli.apply(pruned, "--allow-delete")
    assert sdk.datasets.list(project=project) == []


def test_drift_reports_content_replaced_out_of_band(cli, sdk, uniq, tmp_path) -> None:
    project = uniq("data")
    manifest = _manifest(tmp_path, project, {"eval": _lines(2)})
    cli.apply(manifest)
    sdk.datasets.delete("eval", project=project)
    other = tmp_path / "other.jsonl"
    other.write_text(_lines(2, answer="changed by hand"))
    sdk.datasets.upload(str(other), dataset_key="eval", project=project)
    status, report = cli.drift(manifest)
    [item] = report["drifted"]
    assert (status, item["address"], item["fix"]) == (2, f"project.{project}/dataset.eval", "replace")
    assert [a["path"] for a in item["attributes"]] == ["content_hash"]


def test_export_with_kind_dataset_round_trips(cli, sdk, uniq, tmp_path) -> None:
    project = uniq("data")
    cli.apply(_manifest(tmp_path / "a", project, {}))
    source = tmp_path / "eval.jsonl"
    source.write_text(_lines(3))
    sdk.datasets.upload(str(source), dataset_key="eval", name="Evaluation", project=project)
    out = tmp_path / "out"
    result = cli("export", "--project", project, "--kind", "dataset", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / f"datasets/{project}/eval.jsonl").read_bytes() == source.read_bytes()
    text = (out / "manifest.yaml").read_text()
    assert f"path: datasets/{project}/eval.jsonl" in text and "name: Evaluation" in text
    cli.assert_no_changes(out)


def test_bad_files_are_validate_errors_with_their_place(cli, tmp_path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data/bad.jsonl").write_text('{"ok": 1}\n[1, 2]\n')
    (tmp_path / "data/empty.jsonl").write_text("\n")
    (tmp_path.parent / "outside.jsonl").write_text('{"a": 1}\n')
    body = (
        "projects:\n  - key: p\n    datasets:\n"
        "      - {key: bad, path: data/bad.jsonl}\n"
        "      - {key: empty, path: data/empty.jsonl}\n"
        "      - {key: out, path: ../outside.jsonl}\n"
        "      - {key: dir, path: data}\n"
    )
    result = cli("validate", str(write(tmp_path, body)))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        ":5:26: project.p/dataset.bad: dataset file 'data/bad.jsonl': line 2 is not a JSON object" in ln
        for ln in lines
    ), result.output
    assert any("project.p/dataset.empty:" in ln and "holds no records" in ln for ln in lines)
    assert any("project.p/dataset.out:" in ln and "escapes the manifest directory" in ln for ln in lines)
    assert any("project.p/dataset.dir:" in ln and "must be a file" in ln for ln in lines)


def test_a_saved_plan_applies_and_goes_stale_when_the_dataset_changes(cli, sdk, uniq, tmp_path) -> None:
    project = uniq("data")
    manifest = _manifest(tmp_path / "a", project, {"eval": _lines(2)})
    saved = tmp_path / "plan.json"
    assert cli("plan", str(manifest), "-o", str(saved)).exit_code == 0
    assert cli("apply", str(saved), "--auto-approve").exit_code == 0
    changed = _manifest(tmp_path / "b", project, {"eval": _lines(2, answer="v2")})
    assert cli("plan", str(changed), "-o", str(saved), "--allow-delete").exit_code == 0
    other = tmp_path / "other.jsonl"
    other.write_text(_lines(3, answer="by hand"))
    sdk.datasets.delete("eval", project=project)
    sdk.datasets.upload(str(other), dataset_key="eval", project=project)
    stale = cli("apply", str(saved), "--auto-approve")
    assert stale.exit_code == 1 and f"project.{project}/dataset.eval" in stale.output  # read again, differs
