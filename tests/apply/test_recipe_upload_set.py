"""A directory recipe uploads exactly the files its content hash covers: no ``__pycache__``,
no ``.pyc``, no dot files (``model.recipe_content``), through the real CLI and emulator."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.cli.main import cli
from adaptive_plan.emulator.server import Emulator

MANIFEST = """\
version: 1
projects:
  - key: p
    recipes:
      - key: train
        path: train
"""


def _tree(root: Path) -> None:
    files = {
        "main.py": "print('train')\n",
        "lib/util.py": "X = 1\n",
        "lib/__pycache__/util.cpython-311.pyc": "\x00compiled",
        "stale.pyc": "\x00compiled",
        ".env": "TOKEN=never-uploaded\n",
        ".git/config": "[core]\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _run(emulator: Emulator, *args: str) -> str:
    env = {"ADAPTIVE_URL": emulator.url, "ADAPTIVE_API_KEY": emulator.api_key, "NO_COLOR": "1"}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code in (0, 2), result.output
    return result.output


def test_only_recipe_files_are_uploaded_and_hashed(
    emulator: Emulator, client: AdaptiveClient, tmp_path: Path
) -> None:
    (tmp_path / "manifest.yaml").write_text(MANIFEST)
    _tree(tmp_path / "train")
    saved = tmp_path / "plan.json"
    _run(emulator, "plan", str(tmp_path), "-o", str(saved))
    _run(emulator, "apply", str(saved), "--auto-approve")
    archive = client.rest("GET", "/projects/p/recipes/train/download").content
    with zipfile.ZipFile(io.BytesIO(archive)) as uploaded:
        assert sorted(uploaded.namelist()) == ["lib/util.py", "main.py"]

    # A file that is never uploaded does not make a saved plan stale; a recipe file does.
    (tmp_path / "train" / "main.py").write_text("print('train v2')\n")
    _run(emulator, "plan", str(tmp_path), "-o", str(saved))
    (tmp_path / "train" / ".env").write_text("TOKEN=changed\n")
    assert "Apply complete" in _run(emulator, "apply", str(saved), "--auto-approve")
    assert json.loads(saved.read_text())["uploads"], "the saved plan records the upload's digest"
    (tmp_path / "train" / "lib" / "util.py").write_text("X = 2\n")
    _run(emulator, "plan", str(tmp_path), "-o", str(saved))
    (tmp_path / "train" / "lib" / "util.py").write_text("X = 3\n")
    env = {"ADAPTIVE_URL": emulator.url, "ADAPTIVE_API_KEY": emulator.api_key}
    refused = CliRunner().invoke(cli, ["apply", str(saved), "--auto-approve"], env=env)
    assert refused.exit_code == 1 and "file changed since the plan was made" in refused.output, refused.output
