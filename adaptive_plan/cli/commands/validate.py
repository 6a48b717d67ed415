"""``adaptive-plan validate``: check manifests offline and report every problem at once."""

from __future__ import annotations

import json
import sys

import click

from adaptive_plan.cli.options import format_option, manifest_paths, no_color_option, var_options
from adaptive_plan.manifest.load import LoadResult, load_manifests
from adaptive_plan.model.errors import Diagnostic, ManifestError


@click.command("validate")
@manifest_paths
@var_options
@format_option(("text", "json"))
@no_color_option
def command(
    paths: tuple[str, ...], var_files: tuple[str, ...], var_overrides: dict[str, str], output_format: str,
    no_color: bool,
) -> None:
    """Validate the manifests in PATHS offline: templates, YAML, schema, references, recipe files.

    Every problem is printed at once on stdout, one per line, as
    FILE:LINE:COL: ADDRESS: message, followed by a summary line. A reference to
    something the manifests do not declare is a warning: it must already exist
    live. Exit status: 0 valid (warnings allowed), 1 invalid.

    Example:

        adaptive-plan validate examples/multi-environment/manifest.yaml \\
            --var-file examples/multi-environment/envs/prod.yaml --var replicas=3
    """
    try:
        result: LoadResult | None = load_manifests(
            list(paths), var_files=var_files, var_overrides=var_overrides, mode="validate"
        )
        diagnostics = result.warnings
    except ManifestError as error:
        result, diagnostics = None, error.diagnostics
    errors = [d for d in diagnostics if d.severity == "error"]
    warnings = [d for d in diagnostics if d.severity != "error"]
    if output_format == "json":
        click.echo(json.dumps(_report(result, errors, warnings), indent=2))
    else:
        for diagnostic in errors + warnings:
            click.echo(str(diagnostic))
        click.echo(summary(result, errors, warnings))
    if result is None:
        sys.exit(1)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(result: LoadResult | None, errors: list[Diagnostic], warnings: list[Diagnostic]) -> str:
    """``Valid: 3 files, 42 resources.`` or ``Invalid: 2 errors, 1 warning.``"""
    if result is None:
        return f"Invalid: {_plural(len(errors), 'error')}, {_plural(len(warnings), 'warning')}."
    files = _plural(len(result.manifest.files), "file")
    resources = _plural(result.resource_count, "resource")
    tail = f" ({_plural(len(warnings), 'warning')})" if warnings else ""
    return f"Valid: {files}, {resources}{tail}."


def _report(
    result: LoadResult | None, errors: list[Diagnostic], warnings: list[Diagnostic]
) -> dict[str, object]:
    return {
        "valid": result is not None,
        "files": list(result.manifest.files) if result else None,
        "resources": result.resource_count if result else None,
        "errors": [d.to_dict() for d in errors],
        "warnings": [d.to_dict() for d in warnings],
        "summary": summary(result, errors, warnings),
    }
