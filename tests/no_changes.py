"""The one definition of "after apply, plan shows no changes", for every harness.

``assert_no_changes`` takes either a ``Plan`` made in-process (``make_plan``) or the result of
``adaptive-plan plan --detailed-exitcode`` run through the CLI (click's ``Result`` or the e2e
``Run``); the harnesses' own ``assert_no_changes`` helpers only make one and hand it here.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.model.plan import Action, Plan


def assert_no_changes(outcome: Plan | Any) -> None:
    """No change that does something: a plan of no-ops, or exit 0 and "No changes." from the CLI."""
    if isinstance(outcome, Plan):
        doing = [change for change in outcome.changes if change.action is not Action.NOOP]
        pending = {change.address: [line.path for line in change.attributes] for change in doing}
        assert pending == {}, pending
        return
    assert outcome.exit_code == 0, outcome.output
    assert "No changes." in outcome.stdout, outcome.output
