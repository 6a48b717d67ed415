"""The apply report: which steps were done, which failed (with the API's message), which skipped."""

from __future__ import annotations

from dataclasses import dataclass, field

from adaptive_plan.model.plan import Step


@dataclass
class ApplyReport:
    """``failed``: (step, message) where the message is the server's, secrets scrubbed.
    ``skipped``: (step, id of the failed step it was waiting for, directly or not).
    After an interruption (``interrupted``): ``in_flight``, (step, what is known) for the steps
    whose request was sent but whose outcome was not seen; ``not_started``, the steps never begun.
    """

    done: list[Step] = field(default_factory=list)
    failed: list[tuple[Step, str]] = field(default_factory=list)
    skipped: list[tuple[Step, str]] = field(default_factory=list)
    in_flight: list[tuple[Step, str]] = field(default_factory=list)
    not_started: list[Step] = field(default_factory=list)
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped and not self.interrupted
