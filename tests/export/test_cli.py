"""``adaptive-plan export`` options and refusals, through the real CLI and emulator."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml
from _export_support import tree

from adaptive_plan.model.errors import ConfigError
from adaptive_plan.model.recipe_content import unpack_zip

MANIFEST = """\
version: 1
teams:
  - {key: cli-team, name: CLI team}
projects:
  - key: alpha
    name: Alpha
    team: cli-team
    metrics:
      - key: stars
        kind: scalar
        description: "Template-looking text: {{ '{{' }}not a var}} {{ '{%' }} x %}"
    recipes:
      - {key: one-file, path: recipes/one.py}
  - key: beta
"""


@pytest.fixture(scope="module")
def applied(cli, tmp_path_factory) -> None:
    source = tmp_path_factory.mktemp("source")
    (source / "recipes").mkdir()
    (source / "recipes/one.py").write_text("print('one')\n")
    (source / "manifest.yaml").write_text(MANIFEST)
    result = cli("apply", str(source), "--auto-approve", "--no-color")
    assert result.exit_code == 0, result.output


def test_refuses_to_overwrite_without_force(cli, applied, tmp_path) -> None:
    (tmp_path / "manifest.yaml").write_text("# mine\n")
    refused = cli("export", "--out", str(tmp_path))
    assert refused.exit_code == 1
    assert "refusing to overwrite" in refused.stderr and "manifest.yaml" in refused.stderr
    assert "--force" in refused.stderr and "Traceback" not in refused.output
    assert tree(tmp_path) == {"manifest.yaml": b"# mine\n"}  # nothing half-written
    forced = cli("export", "--out", str(tmp_path), "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "manifest.yaml").read_text() != "# mine\n"
    cli.assert_no_changes(tmp_path)


def test_force_replaces_a_stale_recipe_directory(cli, applied, tmp_path) -> None:
    stale = tmp_path / "recipes/alpha/one-file/old.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("left over\n")
    assert cli("export", "--out", str(tmp_path), "--force").exit_code == 0
    assert not stale.exists()
    cli.assert_no_changes(tmp_path)


def test_dash_writes_the_manifest_to_stdout(cli, applied, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", "--out", "-", "--project", "alpha")
    assert result.exit_code == 0, result.output
    document = yaml.safe_load(result.stdout)
    assert [p["key"] for p in document["projects"]] == ["alpha"]
    assert "teams" not in document  # --project keeps that project only
    assert "Exported 1 manifest" in result.stderr and "Exported 1 manifest" not in result.stdout
    assert (tmp_path / "recipes/alpha/one-file/one.py").read_text() == "print('one')\n"
    (tmp_path / "adopted.yaml").write_text(result.stdout)
    cli.assert_no_changes(tmp_path / "adopted.yaml")


def test_template_text_survives_the_round_trip(cli, applied, tmp_path) -> None:
    cli.export(tmp_path, "--project", "alpha", "--kind", "metric")
    text = (tmp_path / "manifest.yaml").read_text()
    assert "{{ '{{' }}not a var}}" in text
    cli.assert_no_changes(tmp_path)


def test_single_file_recipe_points_at_the_file(cli, applied, tmp_path) -> None:
    cli.export(tmp_path, "--project", "alpha")
    recipe = yaml.safe_load((tmp_path / "manifest.yaml").read_text())["projects"][0]["recipes"][0]
    assert recipe == {"key": "one-file", "path": "recipes/alpha/one-file/one.py"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--project", "alpah"), "no such (unarchived) project on the instance (did you mean 'alpha'?)"),
        (("--out", "-", "--layout", "per-project"), "use --layout single"),
        (("--kind", "datasets"), "Invalid value for '--kind'"),
    ],
)
def test_bad_options_are_clear_errors(cli, applied, tmp_path, args, message) -> None:
    result = cli("export", "--out", str(tmp_path / "out"), *args)
    assert result.exit_code in (1, 2)
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_bad_source_date_epoch_is_a_clear_error(cli, applied, tmp_path) -> None:
    result = cli("export", "--out", str(tmp_path), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 1
    assert "SOURCE_DATE_EPOCH must be an integer" in result.stderr


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["../escape.py", "/etc/evil.py", "a/../../evil.py"])
def test_archive_members_outside_the_recipe_are_refused(name) -> None:
    with pytest.raises(ConfigError, match="refusing archive member"):
        unpack_zip(_zip({"main.py": b"x", name: b"y"}), "recipe 'r'")


def test_an_archive_is_unpacked_sorted() -> None:
    assert list(unpack_zip(_zip({"b/x.py": b"2", "main.py": b"1"}), "r")) == ["b/x.py", "main.py"]
    with pytest.raises(ConfigError, match="not a zip"):
        unpack_zip(b"plain text", "r")
