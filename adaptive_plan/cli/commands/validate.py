"""``adaptive-plan validate``: check manifests offline and report every problem at once."""

from __future__ import annotations

import json
import sys

import click

from adaptive_plan.cli.options import format_option, manifest_paths, no_color_option, var_options
from adaptive_plan.manifest.load import LoadResult, load_manifests
from adaptive_plan.manifest.sets import manifest_sets
from adaptive_plan.model.errors import UNCHECKED_REFERENCE, Diagnostic, ManifestError


@click.command("validate")
@manifest_paths
@var_options
@format_option(("text", "json"))
@click.option(
    "--whole-set", is_flag=True,
    help="PATHS are changed files (as pre-commit passes them): validate, once each, the whole manifest "
    "set each belongs to; YAML without a top-level 'version:' is ignored.",
)
@click.option(
    "--verbose", "-v", is_flag=True,
    help="List each reference to an undeclared key, instead of one line counting them.",
)
@no_color_option
def command(
    paths: tuple[str, ...], var_files: tuple[str, ...], var_overrides: dict[str, str], output_format: str,
    whole_set: bool, verbose: bool, no_color: bool,
) -> None:
    """Validate the manifests in PATHS offline: templates, YAML, schema, references, recipe files.

    Every problem is printed at once on stdout, one per line, as
    FILE:LINE:COL: ADDRESS: message, followed by a summary line. A reference to
    something the manifests do not declare is a warning: it must already exist
    live. Those with a close match (a typo?) are listed; the others, which only
    plan can check against live state, are counted on one line (--verbose lists
    them). Exit status: 0 valid (warnings allowed), 1 invalid.

    With --whole-set (the pre-commit hook), each manifest set the files belong to is
    validated whole, and each summary line starts with the set's directory.

    Example:

        adaptive-plan validate examples/multi-environment/manifest.yaml \\
            --var-file examples/multi-environment/envs/prod.yaml --var replicas=3
    """
    if not whole_set:
        report = _validate(list(paths), var_files, var_overrides, output_format, verbose=verbose)
        if not report["valid"]:
            sys.exit(1)
        return
    reports = [
        {"set": str(found.root), **_validate([str(f) for f in found.files], var_files, var_overrides,
                                             output_format, prefix=f"{found.root}: ", echo_json=False,
                                             verbose=verbose)}
        for found in manifest_sets(paths)
    ]
    if output_format == "json":
        click.echo(json.dumps(reports, indent=2))
    if not all(report["valid"] for report in reports):
        sys.exit(1)


def _validate(
    paths: list[str], var_files: tuple[str, ...], var_overrides: dict[str, str], output_format: str,
    *, prefix: str = "", echo_json: bool = True, verbose: bool = False,
) -> dict[str, object]:
    """Validate one manifest set, print its report (text, or JSON when ``echo_json``), return it."""
    try:
        result: LoadResult | None = load_manifests(
            paths, var_files=var_files, var_overrides=var_overrides, mode="validate"
        )
        diagnostics = result.warnings
    except ManifestError as error:
        result, diagnostics = None, error.diagnostics
    errors = [d for d in diagnostics if d.severity == "error"]
    warnings = [d for d in diagnostics if d.severity != "error"]
    if not verbose:
        warnings = fold_unchecked(warnings)
    report = _report(result, errors, warnings)
    if output_format == "json":
        if echo_json:
            click.echo(json.dumps(report, indent=2))
    else:
        for diagnostic in errors + warnings:
            click.echo(str(diagnostic))
        click.echo(prefix + summary(result, errors, warnings))
    return report


def fold_unchecked(warnings: list[Diagnostic]) -> list[Diagnostic]:
    """``warnings`` with every ``UNCHECKED_REFERENCE`` replaced by one line counting them (an
    estate's references to base models would otherwise print thousands of lines)."""
    unchecked = [d for d in warnings if d.code == UNCHECKED_REFERENCE]
    if not unchecked:
        return warnings
    subjects = list(dict.fromkeys(d.subject for d in unchecked))
    named = ", ".join(f"{kind} {key!r}" for kind, _, key in (s.partition(" ") for s in subjects[:3]))
    more = f" and {len(subjects) - 3} more" if len(subjects) > 3 else ""
    keys = _plural(len(subjects), "key")
    message = (
        f"{_plural(len(unchecked), 'reference')} to {keys} the manifests do not declare ({named}{more}) "
        "must already exist live: plan checks them against live state (validate --verbose lists each)"
    )
    folded = Diagnostic(message, severity="warning", code=UNCHECKED_REFERENCE)
    return [d for d in warnings if d.code != UNCHECKED_REFERENCE] + [folded]


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
