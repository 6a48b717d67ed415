"""How the live read grows with the estate, in bytes (sizes, never times): every request body
stays under the bound whatever the size, and what a plan sends and receives grows linearly in
the number of projects, also when every project deploys the same base model (reading that
model's projects under each project's services once made request 1 grow with the square, and
listing them in each deployment's identity made the live state do the same).

The estate is made with the real CLI (``apply``) in steps of ``STEP`` projects on one emulator;
after each step one ``plan`` is measured through the emulator's per-request byte counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.kinds import KINDS
from adaptive_plan.live.batch import FIRST_OPERATION, MAX_DOCUMENT_BYTES, SCOPED_OPERATION
from adaptive_plan.live.fingerprint import canonical_json
from adaptive_plan.live.reader import read_live_state
from tests.e2e._e2e import Cli

STEP = 12
STEPS = 3
LIMIT = 256 * 1024
BASE_MODEL = "llama-3.1-8b-instruct"  # one catalogue model, deployed in every project


def _project(index: int, sfx: str) -> str:
    key = f"size-{sfx}-{index:03d}"
    return f"""
  - key: {key}
    name: Project {index}
    team: size-{sfx}
    metrics:
      - {{key: csat, kind: scalar, scoring: higher_is_better}}
      - {{key: resolved, kind: bool, scoring: higher_is_better}}
    graders:
      - key: polite
        metric: resolved
        judge: {{model: {BASE_MODEL}, criteria: "The reply to {key} is polite."}}
    recipes:
      - {{key: sft, path: recipes/train.py}}
    models:
      - {{model: {BASE_MODEL}, default: true}}
"""


def _write(cli: Cli, projects: int) -> None:
    recipes = cli.dir / "recipes"
    recipes.mkdir(exist_ok=True)
    (recipes / "train.py").write_text("def main():\n    return 1\n")
    teams = f"teams:\n  - {{key: size-{cli.sfx}, name: Size}}\n"
    cli.write(teams + "projects:" + "".join(_project(i, cli.sfx) for i in range(projects)))


def _read_bytes(cli: Cli) -> tuple[int, int, int, int]:
    """(largest request body, request bytes, answer bytes, bytes of the live state read) of one
    converged plan; the last is the canonical JSON of every live resource (what fingerprints hash)."""
    cli.emu.stats.reset()
    assert cli.assert_no_changes()
    sizes = cli.emu.stats.sizes(FIRST_OPERATION) + cli.emu.stats.sizes(SCOPED_OPERATION)
    with AdaptiveClient(cli.emu.url, cli.emu.api_key) as client:
        live = read_live_state(client, KINDS)
    held = sum(len(canonical_json([r.attrs, r.identity])) for r in live.resources.values())
    return max(body for body, _ in sizes), sum(b for b, _ in sizes), sum(a for _, a in sizes), held


@pytest.fixture(scope="module")
def growth(emu, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, int, int, int]]:
    cli = Cli(emu, Path(tmp_path_factory.mktemp("size")), "g")
    measured = []
    for step in range(1, STEPS + 1):
        _write(cli, step * STEP)
        cli.apply_ok()
        measured.append(_read_bytes(cli))
    return measured


def test_every_read_request_stays_under_the_bound(growth) -> None:
    for largest, *_ in growth:
        assert largest <= MAX_DOCUMENT_BYTES + 100 < LIMIT  # the body: the query plus ~60 bytes of JSON


def test_what_a_plan_sends_receives_and_holds_grows_linearly_in_the_projects(growth) -> None:
    sent = [total for _, total, _, _ in growth]
    received = [total for _, _, total, _ in growth]
    held = [total for *_, total in growth]
    for series in (sent, received, held):
        first_step, second_step = series[1] - series[0], series[2] - series[1]
        assert first_step > 0
        assert abs(second_step - first_step) <= 0.02 * first_step, series  # each STEP projects cost the same
