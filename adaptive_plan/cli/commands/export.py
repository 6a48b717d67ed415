"""``adaptive-plan export``: write manifests (and recipe code) that declare the live instance."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click

from adaptive_plan.cli.options import connection_options, no_color_option
from adaptive_plan.cli.session import Connection, open_client
from adaptive_plan.export.exporter import ExportOptions, ExportResult, export_instance
from adaptive_plan.export.select import Selection
from adaptive_plan.export.writer import write_files
from adaptive_plan.kinds import KINDS
from adaptive_plan.model.errors import ConfigError

KIND_NAMES = [kind.name for kind in KINDS]
LOCAL_SOURCE = "the local emulator (.adaptive-plan/local.db)"  # its port changes every run


@click.command("export")
@connection_options
@click.option(
    "--project", "projects", multiple=True, metavar="KEY",
    help="Export only this project and its children (repeatable).",
)
@click.option(
    "--kind", "kinds", multiple=True, type=click.Choice(KIND_NAMES), metavar="KIND",
    help=f"Export only this kind (repeatable): {', '.join(KIND_NAMES)}.",
)
@click.option(
    "--out", "out", default=".", show_default=True, metavar="DIR",
    help="Directory to write to; '-' writes the manifest to stdout (recipe code still goes to ./recipes).",
)
@click.option(
    "--layout", type=click.Choice(["single", "per-project"]), default="single", show_default=True,
    help="single: one manifest.yaml; per-project: manifest.yaml plus projects/KEY.yaml each.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@no_color_option
def command(
    url: str | None, api_key: str | None, local: bool, projects: tuple[str, ...], kinds: tuple[str, ...],
    out: str, layout: str, force: bool, no_color: bool,
) -> None:
    """Turn the live instance into manifests you can commit, so the first plan shows no changes.

    Built-in and catalogue objects (the default team, built-in roles, base models, your own
    user) are left out. Write-only secrets become {{ secret('NAME') }} placeholders; the
    variables to set are listed at the end. Recipes are downloaded under recipes/PROJECT/KEY/.
    The header's time is SOURCE_DATE_EPOCH when set (reproducible exports).

    Example:

        adaptive-plan export --out adopted/ --layout per-project
    """
    to_stdout = out == "-"
    if to_stdout and layout != "single":
        raise ConfigError("--out - writes one document: use --layout single")
    root = os.path.abspath("." if to_stdout else out)
    with open_client(Connection(url, api_key, local)) as client:
        options = ExportOptions(
            selection=Selection(projects=projects, kinds=kinds), layout=layout,  # type: ignore[arg-type]
            root=root, source=LOCAL_SOURCE if local else _public_url(client.url), created=_created(),
        )
        result = export_instance(client, KINDS, options)
    manifests = {path: text.encode("utf-8") for path, text in result.manifests.items()}
    if to_stdout:
        write_files(root, result.files, force=force, replace_dirs=result.recipe_dirs)
        click.echo(next(iter(result.manifests.values())), nl=False)
    else:
        schema = _schema_to_write(root, result.schema)
        files = {**manifests, **schema, **result.files}
        write_files(root, files, force=force, replace_dirs=result.recipe_dirs)
    _report(result, out, err=to_stdout)


def _schema_to_write(root: str, schema: dict[str, bytes]) -> dict[str, bytes]:
    """The schema files to write: one already there with the same bytes is left as it is (no
    --force needed to export next to a schema written by ``adaptive-plan schema``)."""
    def unchanged(path: str, data: bytes) -> bool:
        full = Path(root, *path.split("/"))
        return full.is_file() and not full.is_symlink() and full.read_bytes() == data

    return {path: data for path, data in schema.items() if not unchanged(path, data)}


def _created() -> str:
    """The header's time: SOURCE_DATE_EPOCH when set, else now (UTC, seconds)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        seconds = int(raw) if raw else int(time.time())
    except ValueError:
        raise ConfigError(f"SOURCE_DATE_EPOCH must be an integer (seconds since 1970), got {raw!r}") from None
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _public_url(url: str) -> str:
    """The instance URL without credentials, query or fragment (it goes into committed files)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _report(result: ExportResult, out: str, *, err: bool) -> None:
    where = "stdout" if out == "-" else out
    recipes = len(result.recipe_dirs)
    click.echo(
        f"Exported {len(result.manifests)} manifest file(s) to {where}"
        + (f" and {recipes} recipe(s) under {'.' if err else out}/recipes" if recipes else "")
        + ".",
        err=err,
    )
    if err:
        click.echo(
            f"The modeline names {next(iter(result.schema))} beside the manifest: write it there with "
            "adaptive-plan schema --out DIR.",
            err=True,
        )
    if result.secrets:
        click.echo("Set these environment variables (write-only values that cannot be read back):", err=err)
        width = max(len(use.name) for use in result.secrets)
        for use in sorted(result.secrets, key=lambda use: use.name):
            click.echo(f"  {use.name.ljust(width)}  {use.address} {use.field}", err=err)
