"""``adaptive-plan validate`` through the real CLI: output formats, summary and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.manifest.helpers import validate, write


def test_valid_manifest_prints_summary_and_exits_0(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1\nteams: [{key: a}, {key: b}]\n")
    write(tmp_path, "b.yml", "version: 1\nprojects: [{key: p, team: a}]\n")
    result = validate(str(tmp_path))
    assert result.exit_code == 0
    assert result.output == "Valid: 2 files, 3 resources.\n"


def test_invalid_manifest_lists_errors_then_warnings_and_exits_1(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nprojects:\n  - {key: p, team: ghost, nmae: x}\n")
    result = validate(str(file))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{file}:3:27: project.p: unknown field 'nmae' (did you mean 'name'?)",
        "warning: 1 reference to 1 key the manifests do not declare (team 'ghost') must already exist "
        "live: plan checks them against live state (validate --verbose lists each)",
        "Invalid: 1 error, 1 warning.",
    ]
    verbose = validate(str(file), "--verbose")
    assert verbose.output.splitlines()[1] == (
        f"{file}:3:20: project.p: warning: team 'ghost' is not declared in the manifests; "
        "it must already exist live"
    )


def test_undeclared_references_fold_into_one_line_and_typos_stay_listed(tmp_path: Path) -> None:
    """A catalogue base model referenced by every deployment warns once, not once per use; a
    reference close to a declared key (a typo?) is listed with its suggestion."""
    entry = "  - {{key: p{}, team: ml-platfrom, models: [{{model: llama-3.1-8b-instruct}}]}}\n"
    projects = "".join(entry.format(i) for i in range(50))
    file = write(tmp_path, "m.yaml", f"version: 1\nteams: [{{key: ml-platform}}]\nprojects:\n{projects}")
    result = validate(str(file))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    typos = [line for line in lines if "(did you mean 'ml-platform'?)" in line]
    assert len(typos) == 50 and typos[0].startswith(f"{file}:4:")
    folded = [line for line in lines if "must already exist live: plan checks them" in line]
    assert folded == [
        "warning: 50 references to 1 key the manifests do not declare (model 'llama-3.1-8b-instruct') must "
        "already exist live: plan checks them against live state (validate --verbose lists each)"
    ]
    assert lines[-1] == "Valid: 1 file, 101 resources (51 warnings)."
    as_json = json.loads(validate(str(file), "--format", "json").output)
    assert len(as_json["warnings"]) == 51
    listed = json.loads(validate(str(file), "--format", "json", "--verbose").output)
    assert len(listed["warnings"]) == 100
    assert sum("llama-3.1-8b-instruct" in w["message"] for w in listed["warnings"]) == 50


def test_json_format_is_one_document(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nroles:\n  - key: r\n")
    result = validate("--format", "json", str(file))
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False and report["warnings"] == []
    assert report["errors"] == [
        {
            "severity": "error",
            "file": str(file),
            "line": 3,
            "column": 5,
            "address": "role.r",
            "message": "missing required field 'permissions'",
        }
    ]


def test_json_format_when_valid(tmp_path: Path) -> None:
    file = write(tmp_path, "m.yaml", "version: 1\nteams: [{key: a}]\n")
    report = json.loads(validate("--format", "json", str(file)).output)
    assert report == {
        "valid": True,
        "files": [str(file)],
        "resources": 1,
        "errors": [],
        "warnings": [],
        "summary": "Valid: 1 file, 1 resource.",
    }


def test_var_and_var_file_options(tmp_path: Path) -> None:
    file = write(
        tmp_path, "m.yaml", "version: 1\nvariables: {env: dev}\nteams: [{key: 'ml-{{ vars.env }}'}]\n"
    )
    var_file = write(tmp_path, "prod.vars", "env: 'bad key'\n")
    assert validate(str(file), "--var-file", str(var_file), "--var", "env=prod").exit_code == 0
    out = validate(str(file), "--var-file", str(var_file)).output
    assert "'ml-bad key' is not a valid key" in out


def test_malformed_var_is_a_usage_error(tmp_path: Path) -> None:
    result = validate("--var", "novalue", str(tmp_path))
    assert result.exit_code == 2 and "expected NAME=VALUE, got 'novalue'" in result.output


def test_paths_default_to_current_directory(tmp_path: Path) -> None:
    write(tmp_path, "m.yaml", "version: 1\n")
    done = subprocess.run(
        [sys.executable, "-m", "adaptive_plan", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "Valid: 1 file, 0 resources.\n", "")


def test_secret_values_never_printed(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "m.yaml",
        "version: 1\nteams:\n  - key: 'a'\n    name: \"{{ secret('TOKEN') }}\"\n    nmae: x\n",
    )
    result = validate("--format", "json", str(file), env={"TOKEN": "hunter2-value"})
    assert "hunter2-value" not in result.output and result.exit_code == 1
