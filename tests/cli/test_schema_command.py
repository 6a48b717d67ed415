"""``adaptive-plan schema``: writes the packaged schemas an editor can load, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from adaptive_plan.cli.main import cli
from adaptive_plan.schema_files import MANIFEST, NAMES, PLAN, schema_bytes

ROOT = Path(__file__).resolve().parents[2]


def test_writes_both_schemas_and_replaces_old_copies(tmp_path: Path) -> None:
    out = tmp_path / "deploy"
    out.mkdir()
    (out / MANIFEST).write_text("{}")  # an older copy
    result = CliRunner().invoke(cli, ["schema", "--out", str(out), "--no-color"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)
    for name in NAMES:
        assert (out / name).read_bytes() == schema_bytes(name) == (ROOT / "schemas" / name).read_bytes()
        assert f"Wrote {out / name}" in result.output
    team_key = json.loads((out / MANIFEST).read_text())["$defs"]["team"]["properties"]["key"]
    assert team_key["markdownDescription"] == team_key["description"]


def test_creates_the_directory_and_prints_with_a_dash(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path / "new" / "dir")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "dir" / PLAN).is_file()
    printed = CliRunner().invoke(cli, ["schema", "--out", "-"])
    assert printed.exit_code == 0 and printed.stdout.encode() == schema_bytes(MANIFEST)


def test_refuses_a_file_as_the_directory(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path / "f")])
    assert result.exit_code == 2 and "is not a directory" in result.output
    assert "Traceback" not in result.output
