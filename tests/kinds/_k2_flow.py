"""Test support for the deployment/metric/grader/recipe kind tests: the real flow, small.

``run_steps`` sends a kind's steps with the real ``AdaptiveClient`` exactly as apply builds
them (secrets resolved at send time, a ``.py`` upload as text/x-python, a directory zipped,
polls waited on); ``read_live`` reads live state with the real live reader; ``desired_of``
and ``live_of`` pick one kind's resources. No mocks: everything goes to the real emulator.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.apply.requests import fill_outputs
from adaptive_plan.kinds import KINDS
from adaptive_plan.kinds.base import Kind, StepSpec
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import Poll
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.secrets import resolve_secrets
from adaptive_plan.model.snapshot import LiveState


def read_live(client: AdaptiveClient, kinds: Sequence[Kind] = KINDS) -> LiveState:
    return read_live_state(client, kinds)


def live_of(client: AdaptiveClient, kind: Kind) -> dict[Address, Resource]:
    """One kind's live resources, read by the real reader with that kind alone (small documents)."""
    return {r.address: r for r in read_live(client, (kind,)).resources.values() if r.kind == kind.name}


def desired_of(manifest: Manifest, kind: Kind) -> dict[Address, Resource]:
    return {r.address: r for r in kind.desired(manifest)}


def _upload(path: str) -> tuple[str, bytes, str]:
    source = Path(path)
    if source.is_file():
        return source.name, source.read_bytes(), "text/x-python"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            archive.write(file, file.relative_to(source).as_posix())
    return f"{source.name}.zip", buffer.getvalue(), "application/zip"


def _value_at(data: Any, path: str) -> Any:
    for part in path.split("."):
        if data is None:
            return None
        data = data[int(part)] if isinstance(data, list) else data.get(part)
    return data


def wait_for(client: AdaptiveClient, poll: Poll, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = _value_at(client.execute(poll.document, resolve_secrets(poll.variables)), poll.path)
        if value in poll.until:
            return value
        assert value not in poll.fail_on, f"poll failed: {poll.path} = {value}"
        assert time.monotonic() < deadline, f"timed out waiting for {poll.path} in {poll.until}: {value}"
        time.sleep(0.05)


def run_steps(
    client: AdaptiveClient, steps: Iterable[StepSpec], environ: dict[str, str] | None = None
) -> None:
    env = dict(os.environ if environ is None else environ)
    outputs: dict[Any, Any] = {}  # step number (1-based) -> response, for output_of(n, path)
    for number, step in enumerate(steps, start=1):
        uploads = {name: _upload(path) for name, path in step.uploads.items()}
        variables = fill_outputs(step.variables, outputs)
        variables = resolve_secrets(variables, env)
        outputs[number] = client.execute(step.document, variables, uploads=uploads or None)
        if step.poll is not None:
            wait_for(client, step.poll)


def probe_says_exists(client: AdaptiveClient, probe: Poll) -> bool:
    return _value_at(client.execute(probe.document, resolve_secrets(probe.variables)), probe.path) is not None


def converge(client: AdaptiveClient, kind: Kind, manifest: Manifest) -> dict[Address, Resource]:
    """Create or update every desired resource of ``kind`` from the live state; return the re-read."""
    live = live_of(client, kind)
    for address, wanted in desired_of(manifest, kind).items():
        actual = live.get(address)
        if actual is None:
            run_steps(client, kind.create_steps(wanted))
            continue
        changes = kind.compare(wanted, actual)
        if changes and kind.requires_replace(changes):
            run_steps(client, [*kind.delete_steps(actual), *kind.create_steps(wanted)])
        elif changes:
            run_steps(client, kind.update_steps(wanted, actual, changes))
    return live_of(client, kind)


def assert_converged(client: AdaptiveClient, kind: Kind, manifest: Manifest) -> dict[Address, Resource]:
    """Every desired resource exists live and compares equal on every managed attribute."""
    live = live_of(client, kind)
    for address, wanted in desired_of(manifest, kind).items():
        assert address in live, f"{address} missing live"
        assert kind.compare(wanted, live[address]) == [], f"{address}: {kind.compare(wanted, live[address])}"
    return live


def changed_paths(kind: Kind, manifest: Manifest, live: dict[Address, Resource]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for address, wanted in desired_of(manifest, kind).items():
        actual = live.get(address)
        paths: Sequence[str] = (
            ["<create>"] if actual is None else [c.path for c in kind.compare(wanted, actual)]
        )
        if paths:
            out[str(address)] = list(paths)
    return out


def load(directory: Path, text: str, files: dict[str, str] | None = None) -> Manifest:
    """Write ``manifest.yaml`` (and ``files``, relative paths) under ``directory`` and load it."""
    from adaptive_plan.manifest.load import load_manifests

    for relative, body in (files or {}).items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body)
    path = directory / "manifest.yaml"
    path.write_text(text)
    return load_manifests([str(path)], mode="plan").manifest
