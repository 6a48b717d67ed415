"""``adaptive-plan emulator``: run the local Adaptive API emulator in the foreground."""

from __future__ import annotations

import sqlite3
import threading

import click

from adaptive_plan.cli.options import no_color_option
from adaptive_plan.emulator.server import Faults, start_emulator


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0 picks a free one).")
@click.option("--db", "db_path", default=None, help="SQLite file for the state (default: in memory).")
@click.option("--api-key", default=None, help="Admin API key (default: generated).")
@click.option("--deploy-delay", default=0.0, type=float, help="Seconds a deployment stays PENDING.")
@click.option(
    "--ab-test-duration", default=None, type=float,
    help="Seconds after which an AB test ends by itself (default: never).",
)
@click.option("--latency-ms", default=0.0, type=float, help="Added latency per API request.")
@click.option("--error-rate", default=0.0, type=float, help="Share of API requests answered with HTTP 503.")
@click.option("--throttle-rate", default=0.0, type=float, help="Share answered with HTTP 429 + Retry-After.")
@click.option("--retry-after", default=1.0, type=float, help="Retry-After seconds sent with 429.")
@click.option(
    "--max-in-flight", default=0, type=int, help="Answer 429 + Retry-After beyond this many requests at once."
)
@click.option(
    "--drop-after-commit-rate", default=0.0, type=float, help="Share of mutations that commit, then drop."
)
@click.option("--seed", default=None, type=int, help="Seed for the random faults.")
@no_color_option
def command(
    host: str,
    port: int,
    db_path: str | None,
    api_key: str | None,
    deploy_delay: float,
    ab_test_duration: float | None,
    latency_ms: float,
    error_rate: float,
    throttle_rate: float,
    retry_after: float,
    max_in_flight: int,
    drop_after_commit_rate: float,
    seed: int | None,
    no_color: bool,
) -> None:
    """Run a local, stateful Adaptive API emulator (GraphQL at /api/graphql).

    Example:

        adaptive-plan emulator --port 8765 --db emulator.db --deploy-delay 2
    """
    faults = Faults(
        latency_ms=latency_ms,
        error_rate=error_rate,
        throttle_rate=throttle_rate,
        retry_after_s=retry_after,
        max_in_flight=max_in_flight,
        drop_after_commit_rate=drop_after_commit_rate,
        seed=seed,
    )
    try:
        emulator = start_emulator(
            db_path=db_path,
            api_key=api_key,
            host=host,
            port=port,
            deploy_delay=deploy_delay,
            faults=faults,
            ab_test_duration=ab_test_duration,
        )
    except sqlite3.Error as error:
        raise click.ClickException(f"cannot open the database {db_path}: {error}") from None
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    click.echo(f"Adaptive emulator listening on {emulator.url}")
    click.echo(f"ADAPTIVE_URL={emulator.url}")
    shown = "(the key you gave)" if api_key else emulator.api_key
    click.echo(f"ADAPTIVE_API_KEY={shown}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("Stopping emulator")
    finally:
        emulator.stop()
