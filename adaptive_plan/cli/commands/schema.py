"""``adaptive-plan schema``: write the JSON Schemas shipped with this version of adaptive-plan.

For editors without a checkout of this repository: point a manifest's modeline at the
written ``manifest.schema.json`` (``# yaml-language-server: $schema=manifest.schema.json``).
"""

from __future__ import annotations

import os

import click

from adaptive_plan.cli.options import no_color_option
from adaptive_plan.schema_files import MANIFEST, NAMES, schema_bytes


@click.command("schema")
@click.option(
    "--out", "out", default=".", show_default=True, metavar="DIR",
    help="Directory to write manifest.schema.json and plan.schema.json to; '-' prints the manifest schema.",
)
@no_color_option
def command(out: str, no_color: bool) -> None:
    """Write the packaged manifest and plan JSON Schemas to DIR (existing copies are replaced).

    Example:

        adaptive-plan schema --out deploy/
    """
    if out == "-":
        click.echo(schema_bytes(MANIFEST).decode("utf-8"), nl=False)
        return
    if os.path.exists(out) and not os.path.isdir(out):
        raise click.BadParameter(f"{out} is not a directory", param_hint="--out")
    os.makedirs(out, exist_ok=True)
    for name in NAMES:
        target = os.path.join(out, name)
        if os.path.islink(target):
            os.unlink(target)  # never write through a link
        with open(target, "wb") as handle:
            handle.write(schema_bytes(name))
        click.echo(f"Wrote {target}")
