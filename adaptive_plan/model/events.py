"""Apply progress events, reported to a callback; the CLI renders them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepStarted:
    step_id: str
    address: str
    verb: str


@dataclass(frozen=True)
class StepDone:
    step_id: str
    address: str
    verb: str
    seconds: float


@dataclass(frozen=True)
class StepFailed:
    step_id: str
    address: str
    verb: str
    message: str


@dataclass(frozen=True)
class StepSkipped:
    step_id: str
    address: str
    verb: str
    blocked_by: str


Event = StepStarted | StepDone | StepFailed | StepSkipped
