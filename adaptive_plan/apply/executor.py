"""``execute_plan``: run a plan's steps through the API client, in dependency order.

The graph comes from the plan's steps alone (``Step.after``), walked with stdlib
``graphlib.TopologicalSorter`` and a bounded ``ThreadPoolExecutor``. When more steps are
ready than there are request slots, calls of one mutation go together in one request
(``batches.py``, ``api/batch.py``; ``batch_size=1`` sends each alone); a call whose outcome
the batch's answer does not tell is run again alone, probing first when it creates. A server
that refuses a batched document as a whole while each of its calls succeeds alone gets no
more batches in that apply. A failed step's
dependants are skipped transitively (Terraform's ``upstreamFailed``), independent
branches run to the end, and the report lists done / failed / skipped. When ``cancel`` is
set (Ctrl-C), nothing more starts, waits for ONLINE stop at their next poll, the requests in
flight end, and the report also lists what was in flight and what never started. Events are
reported from the calling thread only. Imports ``model`` and ``api``; never ``kinds``
or ``plan``.
"""

from __future__ import annotations

import graphlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from adaptive_plan.api.config import PROBED
from adaptive_plan.api.errors import ApiError, NotFoundError, ValidationError
from adaptive_plan.apply.batches import DEFAULT_BATCH_SIZE, Batcher
from adaptive_plan.apply.chunked import upload_in_parts
from adaptive_plan.apply.report import ApplyReport
from adaptive_plan.apply.requests import Scrub, StepError, fill_outputs, read_uploads, resolve, set_at
from adaptive_plan.apply.waiting import make_probe, wait_for
from adaptive_plan.model.errors import ApplyError
from adaptive_plan.model.events import Event, StepDone, StepFailed, StepSkipped, StepStarted
from adaptive_plan.model.plan import Plan, Step

__all__ = ["ApplyReport", "execute_plan"]


def execute_plan(
    plan: Plan,
    client: Any,
    *,
    on_event: Callable[[Event], None],
    parallelism: int = 10,
    wait_timeout: float = 600,
    environ: Mapping[str, str] | None = None,
    cancel: threading.Event | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ApplyReport:
    """Apply every step of ``plan``; never raises for a failed step (see the report)."""
    steps = {step.id: step for step in plan.steps()}
    position = {step_id: index for index, step_id in enumerate(steps)}
    sorter = _sorter(steps)
    cancel = cancel or threading.Event()
    runner = _Runner(client, os.environ if environ is None else environ, wait_timeout, cancel)
    limit = max(1, parallelism)
    report = ApplyReport()
    batcher = Batcher(steps, batch_size)
    blocked: dict[str, str] = {}  # step id -> the failed step it waits for
    ready: list[str] = []
    running: dict[Future[list[Outcome]], tuple[list[Step], float]] = {}

    def cause_of(step: Step) -> str | None:
        return next((blocked[a] for a in step.after if a in blocked), None)

    def joinable(step: Step) -> bool:  # may go in another step's batch: not waiting on a failure
        return cause_of(step) is None

    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="apply") as pool:
        while sorter.is_active() and not cancel.is_set():
            became_ready = sorter.get_ready()
            batcher.ready(became_ready)
            ready = sorted([*batcher.release(ready), *became_ready], key=position.__getitem__)
            while ready and len(running) < limit and not cancel.is_set():
                step_id = ready.pop(0)
                claimed = step_id in batcher.claimed
                batcher.started(step_id)
                if claimed:  # already sent with an earlier step
                    continue
                step = steps[step_id]
                cause = cause_of(step)
                if cause is not None:
                    blocked[step.id] = cause
                    report.skipped.append((step, cause))
                    on_event(StepSkipped(step.id, step.address, step.verb, cause))
                    sorter.done(step.id)
                    continue
                free = _window(client, limit) - len(running)
                joined = batcher.companions(step, len(ready), free, joinable) if runner.batching else []
                group = [step, *joined]
                for member in group:
                    on_event(StepStarted(member.id, member.address, member.verb))
                running[pool.submit(runner.run_group, group)] = (group, time.monotonic())
            if not running:
                continue
            finished, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in finished:
                group, started = running.pop(future)
                for step, outcome in zip(group, future.result(), strict=True):
                    _record(step, started, outcome, report, blocked, on_event)
                    sorter.done(step.id)
        if cancel.is_set():
            _wind_down(steps, running, report, blocked, on_event)
    return report


def _window(client: Any, limit: int) -> int:
    """Requests the client lets into flight now: its adaptive window (smaller after the server
    refused some), at most ``limit``. Fewer slots means fuller batches: fewer requests."""
    window = getattr(getattr(client, "concurrency", None), "window", limit)
    return max(1, min(limit, int(window)))


def _wind_down(
    steps: Mapping[str, Step],
    running: dict[Future[list[Outcome]], tuple[list[Step], float]],
    report: ApplyReport,
    blocked: dict[str, str],
    on_event: Callable[[Event], None],
) -> None:
    """After a cancel: let the steps in flight end (their requests complete, waits stop), then
    list what never started."""
    report.interrupted = True
    for future in list(running):
        group, started = running.pop(future)
        for step, outcome in zip(group, future.result(), strict=True):
            _record(step, started, outcome, report, blocked, on_event)
    ended = (*report.failed, *report.skipped, *report.in_flight)
    seen = {s.id for s in report.done} | {s.id for s, _ in ended}
    report.not_started = [step for step in steps.values() if step.id not in seen]


def _sorter(steps: Mapping[str, Step]) -> graphlib.TopologicalSorter[str]:
    graph = {step_id: {a for a in step.after if a in steps} for step_id, step in steps.items()}
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter(graph)
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        raise ApplyError("the plan's steps form a cycle: " + " → ".join(error.args[1])) from None
    return sorter


def _record(
    step: Step,
    started: float,
    failure: str | _Interrupted | None,
    report: ApplyReport,
    blocked: dict[str, str],
    on_event: Callable[[Event], None],
) -> None:
    if isinstance(failure, _Interrupted):  # its outcome is unknown: neither done nor failed
        report.in_flight.append((step, str(failure)))
    elif failure is None:
        report.done.append(step)
        on_event(StepDone(step.id, step.address, step.verb, time.monotonic() - started))
    else:
        blocked[step.id] = step.id
        report.failed.append((step, str(failure)))
        on_event(StepFailed(step.id, step.address, step.verb, str(failure)))


class _Interrupted(Exception):
    """Raised in a worker waiting for a step's outcome once the apply is cancelled; returned
    by ``_Runner.run`` for a step whose request was sent but whose outcome was not seen."""


Outcome = str | _Interrupted | None  # a step's failure message, interrupted, or None (done)


class _Runner:
    """Runs one step in a worker thread; returns None when done, else the failure message."""

    def __init__(
        self, client: Any, environ: Mapping[str, str], wait_timeout: float, cancel: threading.Event
    ) -> None:
        self.client = client
        self.environ = environ
        self.wait_timeout = wait_timeout
        self.cancel = cancel
        self.outputs: dict[str, dict[str, Any]] = {}  # step id -> response data, for output_of()
        self.batching = True  # off once a server refused a batch whose calls all succeeded alone

    def run_group(self, steps: list[Step]) -> list[Outcome]:
        """Each step's outcome; several steps (calls of one mutation) go in one request."""
        if len(steps) == 1:
            return [self.run(steps[0])]
        scrub = Scrub([step.variables for step in steps], self.environ)
        refused = False
        try:
            calls = [resolve(fill_outputs(step.variables, self.outputs), self.environ) for step in steps]
            answers: list[Any] = self.client.execute_batch(
                steps[0].document, calls,
                idempotent=all(step.idempotent for step in steps), sensitive=scrub.secrets,
            )
        except ValidationError:  # the server refused the document as a whole: nothing ran
            answers, refused = [None] * len(steps), True
        except (ApiError, StepError):  # the request failed as a whole: every outcome is unknown
            answers = [None] * len(steps)
        outcomes: list[Outcome] = []
        for step, answer in zip(steps, answers, strict=True):
            if isinstance(answer, dict):
                self.outputs[step.id] = answer
                outcomes.append(None)
            elif isinstance(answer, NotFoundError) and step.absent_ok:
                outcomes.append(None)
            elif isinstance(answer, ApiError):
                outcomes.append(scrub(str(answer)))
            elif self.cancel.is_set():  # sent, outcome unknown, and nothing more may start
                outcomes.append(_Interrupted("sent in a batch whose answer did not tell; interrupted"))
            else:  # the answer did not say: alone, and a create is probed before it is re-sent
                outcomes.append(self.run(step, probe_first=True))
        if refused and all(outcome is None for outcome in outcomes):
            self.batching = False  # each call was fine alone: this server refuses batched documents
        return outcomes

    def run(self, step: Step, *, probe_first: bool = False) -> Outcome:
        scrub = Scrub([step.variables, *(p.variables for p in (step.probe, step.poll) if p)], self.environ)
        try:
            if probe_first and not step.idempotent and self._already_applied(step):
                self.outputs[step.id] = {PROBED: True}
                return None
            self._call(step, scrub)
        except _Interrupted as interrupted:
            return interrupted
        except NotFoundError as error:
            return None if step.absent_ok else scrub(str(error))
        except ApiError as error:
            return scrub(str(error))
        except StepError as error:
            return scrub(str(error))
        except Exception as error:  # a worker must report, never take the walk down
            return scrub(f"unexpected {type(error).__name__}: {error}")
        return None

    def _already_applied(self, step: Step) -> bool:
        check = make_probe(self.client, step.probe, self.environ)
        return check is not None and check()

    def _call(self, step: Step, scrub: Scrub) -> None:
        variables = resolve(fill_outputs(step.variables, self.outputs), self.environ)
        files = dict(step.uploads)
        for variable in step.chunked:  # large files: sent in parts first, the session id goes here
            set_at(variables, variable, upload_in_parts(self.client, files.pop(variable)))
        uploads = read_uploads(files) if files else None
        self.outputs[step.id] = self.client.execute(
            step.document,
            variables,
            operation_name=step.operation or None,
            idempotent=step.idempotent,
            probe=make_probe(self.client, step.probe, self.environ),
            uploads=uploads,
            sensitive=scrub.secrets,
        )
        if step.poll is not None:
            wait_for(self.client, step.poll, self.environ, self.wait_timeout, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        """Between polls: returns early, raising ``_Interrupted``, once the apply is cancelled."""
        if self.cancel.wait(seconds):
            raise _Interrupted("sent; interrupted while waiting for it to be ready")
