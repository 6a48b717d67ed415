"""The pipeline every engine command shares: connect, load, read live state, plan.

    desired = load_manifests(paths, variables)
    live    = read_live_state(client, KINDS)
    plan    = make_plan(desired, live, KINDS, options)

Nothing here prints; commands render what it returns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from adaptive_plan.api.client import DEFAULT_PARALLELISM, AdaptiveClient
from adaptive_plan.api.errors import ApiConfigError
from adaptive_plan.cli.local import local_instance
from adaptive_plan.kinds import KINDS
from adaptive_plan.live.checks import run_checks
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.manifest.load import LoadResult, load_manifests
from adaptive_plan.model.errors import ConfigError, Diagnostic, PlanError
from adaptive_plan.model.plan import Plan
from adaptive_plan.model.snapshot import LiveState
from adaptive_plan.plan.planner import PlanOptions, collect_desired, make_plan


@dataclass(frozen=True)
class Connection:
    """Where to connect; ``parallelism`` (``apply --parallelism``) sizes the client's
    connection pool and caps its requests in flight."""

    url: str | None
    api_key: str | None
    local: bool = False
    parallelism: int = DEFAULT_PARALLELISM


@dataclass(frozen=True)
class Inputs:
    paths: Sequence[str]
    var_files: Sequence[str] = ()
    var_overrides: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Planned:
    plan: Plan
    live: LiveState
    warnings: list[Diagnostic]
    target_url: str


@contextlib.contextmanager
def open_client(connection: Connection) -> Iterator[AdaptiveClient]:
    """A client for ``--url``/``--api-key`` (or their env vars), or for the local emulator."""
    parallelism = connection.parallelism
    if connection.local:
        with local_instance() as (url, key), AdaptiveClient(url, key, parallelism=parallelism) as client:
            yield client
        return
    try:
        client = AdaptiveClient.from_env(connection.url, connection.api_key, parallelism=parallelism)
    except ApiConfigError as error:
        raise ConfigError(f"{error.message}; or use --local for the embedded emulator") from None
    with client:
        yield client


def load(inputs: Inputs, mode: str) -> LoadResult:
    return load_manifests(
        inputs.paths, var_files=inputs.var_files, var_overrides=inputs.var_overrides, mode=mode  # type: ignore[arg-type]
    )


def plan_against(
    client: AdaptiveClient, loaded: LoadResult, options: PlanOptions, *, check: bool = True
) -> Planned:
    """Read live state and make the plan for already-loaded manifests; with ``check``, also
    make the plan's server-side checks (``live.checks``) and fail on any problem they find."""
    live = read_live_state(client, KINDS, declared=collect_desired(loaded.manifest, KINDS))
    plan = make_plan(loaded.manifest, live, KINDS, options)
    if check and plan.checks:
        checked = run_checks(client, plan.checks)
        if checked.problems:
            raise PlanError("\n".join(checked.problems))
        plan.warnings.extend(checked.notes)
    return Planned(plan=plan, live=live, warnings=list(loaded.warnings), target_url=client.url)
