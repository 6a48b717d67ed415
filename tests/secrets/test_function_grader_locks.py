"""Function graders across lock states (the lock logic is the grader kind's; checked here only
through the CLI): whatever the lock before and after, code the server rejects fails the plan at
its file:line with nothing sent, and good code applies in one run and converges."""

from __future__ import annotations

import pytest
from _e2e import mutations

BAD = "async def grade(sample):\n    return (1.0\n"


def _write(cli, sfx: str, code: str, locked: bool | None) -> None:
    body = "".join(f"            {line}\n" for line in code.splitlines())
    lock = "" if locked is None else f"        locked: {str(locked).lower()}\n"
    cli.write(
        f"projects:\n  - key: fl-{sfx}\n    name: FL\n    graders:\n      - key: scorer\n{lock}"
        "        function:\n          source: |\n" + body
    )


CASES = [
    pytest.param(before, after, id=f"{b}-{a}")
    for before, b in ((False, "unlocked"), (True, "locked"))
    for after, a in ((False, "to-unlocked"), (True, "to-locked"), (None, "lock-unmanaged"))
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_lock_states_with_code_edits(cli, sdk, sfx: str, before: bool, after: bool | None) -> None:
    sdk.projects.create(key=f"fl-other-{sfx}", name="Other")
    _write(cli, sfx, "async def grade(sample):\n    return 1.0\n", before)
    cli.apply_ok()

    _write(cli, sfx, BAD, after)
    rejected = cli.apply()
    assert rejected.exit_code == 1 and rejected.exception is None, rejected
    assert f"project.fl-{sfx}/grader.scorer: the function grader's code fails" in rejected.stderr, rejected
    assert mutations(rejected) == [], rejected

    _write(cli, sfx, "async def grade(sample):\n    return 2.0\n", after)
    cli.apply_ok()
    cli.assert_no_changes()
    (grader,) = sdk.graders.list(project=f"fl-{sfx}")
    assert grader.locked is (before if after is None else after)
