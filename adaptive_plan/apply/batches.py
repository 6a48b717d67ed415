"""Which ready steps apply sends together in one request (``api.batch``), and how many.

A step may join a batch when a lost or unclear answer can be settled by running it again
alone: it is idempotent, or a probe can tell whether it happened, or it removes something
(``absent_ok``: "not found" is success). It must also send no file, wait for no poll, and
no other step may read its response (``output_of``): a batch answer that does not tell a
call's outcome gives no response to read. Calls of the same document are batched, so the
request keeps that operation's name.

Sizing: when more steps are ready than there are free request slots, the ready steps are
spread over the free slots (at most ``size`` calls and ``BODY_BUDGET`` bytes of variables a
request); with slots to spare, each step goes alone, as fast as a batch and simpler to read.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from adaptive_plan.api.batch import template
from adaptive_plan.model.plan import OUTPUT_REF, Step

DEFAULT_BATCH_SIZE = 20
BODY_BUDGET = 64 * 1024  # bytes of variables in one request: the request stays far under 256 KB


def read_by_others(steps: Iterable[Step]) -> frozenset[str]:
    """Ids of the steps whose response a later step reads through ``output_of``."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            ref = value.get(OUTPUT_REF)
            if isinstance(ref, dict) and "step" in ref:
                found.add(str(ref["step"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for step in steps:
        walk(step.variables)
    return frozenset(found)


def can_batch(step: Step, read: frozenset[str]) -> bool:
    settles = step.idempotent or step.probe is not None or step.absent_ok
    plain = not step.uploads and not step.chunked and step.poll is None and step.id not in read
    return settles and plain and template(step.document) is not None


class Batcher:
    """Picks the ready steps to send with the one at the head of the ready queue.

    The executor tells it which steps became ready (``ready``) and which it started
    (``started``); batchable ready steps wait in one queue per document, in plan order, so
    finding a head's companions costs what it takes, not a scan of everything ready."""

    def __init__(self, steps: Mapping[str, Step], size: int) -> None:
        self.size = max(1, size)
        read = read_by_others(steps.values()) if self.size > 1 else frozenset()
        self._batchable = {
            step_id for step_id, step in steps.items() if self.size > 1 and can_batch(step, read)
        }
        self._steps = steps
        self._order = {step_id: index for index, step_id in enumerate(steps)}
        self._queues: dict[str, list[tuple[int, str]]] = {}  # document -> heap of (order, step id)
        self._bytes: dict[str, int] = {}
        self._started: set[str] = set()
        self.claimed: set[str] = set()  # still in the executor's ready list, but already sent

    def ready(self, step_ids: Iterable[str]) -> None:
        for step_id in step_ids:
            if step_id in self._batchable:
                queue = self._queues.setdefault(self._steps[step_id].document, [])
                heapq.heappush(queue, (self._order[step_id], step_id))

    def started(self, step_id: str) -> None:
        """The executor took ``step_id`` off its ready list (to send, or to skip)."""
        self._started.add(step_id)
        self.claimed.discard(step_id)

    def companions(
        self, head: Step, waiting: int, free_slots: int, joinable: Callable[[Step], bool]
    ) -> list[Step]:
        """Ready steps to go in ``head``'s request (often none), ``waiting`` steps being ready
        and ``free_slots`` requests free. They are marked ``claimed``: the executor skips them."""
        queue = self._queues.get(head.document)
        if head.id not in self._batchable or not queue:
            return []
        wanted = min(self.size, math.ceil((waiting + 1) / max(1, free_slots))) - 1
        budget = BODY_BUDGET - self._size(head)
        taken: list[Step] = []
        kept: list[tuple[int, str]] = []  # ready but not joinable now (waiting on a failure)
        while queue and len(taken) < wanted:
            entry = heapq.heappop(queue)
            step_id = entry[1]
            if step_id in self._started or step_id in self.claimed or step_id == head.id:
                continue
            step = self._steps[step_id]
            if not joinable(step):
                kept.append(entry)
                continue
            cost = self._size(step)
            if cost > budget:
                kept.append(entry)
                break
            budget -= cost
            taken.append(step)
            self.claimed.add(step_id)
        for entry in kept:
            heapq.heappush(queue, entry)
        return taken

    def release(self, ready: list[str]) -> list[str]:
        """``ready`` without the claimed steps (already sent)."""
        if not self.claimed:
            return ready
        left = [step_id for step_id in ready if step_id not in self.claimed]
        self._started |= self.claimed
        self.claimed.clear()
        return left

    def _size(self, step: Step) -> int:
        if step.id not in self._bytes:
            self._bytes[step.id] = len(json.dumps(step.variables, default=str))
        return self._bytes[step.id]
