"""The plan: an inert value that can be saved, rendered and applied.

Apply consumes only this value (as Terraform's apply builds its graph from
``plan.Changes`` alone): every API call it makes is a :class:`Step` listed here,
with its GraphQL document, variables and the step ids it must wait for.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import Any

from adaptive_plan.model import secrets

OUTPUT_REF = "$output"


_NO_DEFAULT: Any = object()


def output_of(step: int | str, path: str, default: Any = _NO_DEFAULT) -> dict[str, Any]:
    """A variable value taken from an earlier step's response, filled in by apply.

    Kinds write ``output_of(1, "createIntegration.id")`` (the 1-based number of a step
    of the same change); the planner turns the number into that step's id, and the
    executor substitutes the value at ``path`` of that step's ``data``. This is how a
    step can use a server-made id that does not exist until apply runs. With ``default``,
    a response without that value (a create whose answer was lost and that a probe found
    applied) gives ``default`` instead of failing the step.
    """
    ref: dict[str, Any] = {"step": step, "path": path}
    if default is not _NO_DEFAULT:
        ref["default"] = default
    return {OUTPUT_REF: ref}


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"
    NOOP = "no-op"

    @property
    def marker(self) -> str:
        return {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "no-op": " "}[self.value]


@dataclass(frozen=True)
class AttrChange:
    """One attribute's before/after. ``path`` is dotted (``placement.compute_pools``).

    ``sensitive``: the value is write-only or holds a secret; renderers show ``(sensitive)``.
    ``resent``: a write-only value an update sends again, changed or not (it cannot be read back
    to compare); renderers say so, unlike a write-only value set because it is absent live.
    """

    path: str
    before: Any = None
    after: Any = None
    sensitive: bool = False
    resent: bool = False


@dataclass(frozen=True)
class Poll:
    """Re-run ``document`` until the value at ``path`` (dotted, in ``data``) is in ``until``.

    Used to wait for a deployment to come ONLINE; ``fail_on`` values end the wait as a failure.
    """

    document: str
    variables: dict[str, Any]
    path: str
    until: tuple[str, ...]
    fail_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One API call.

    ``id``: unique in the plan, ``<address>#<n>``.
    ``verb``: the platform verb shown to users (create, deploy, attach, share, lock ...).
    ``document``/``operation``/``variables``: the GraphQL request; variables may hold
    ``Sensitive`` values, resolved only when the request is sent.
    ``uploads``: variable path (``file``) -> local file or directory to upload (zipped if a dir).
    ``chunked``: the upload variables sent through the REST upload session instead (a large
    dataset, ADAPTIVE_API.md §1.4): apply sends the file in parts and puts the session id there.
    ``after``: ids of the steps that must finish first.
    ``idempotent``: safe to re-send when the outcome is unknown; otherwise apply re-reads
    with ``probe`` (a document whose non-empty ``data`` means the create already happened).
    ``poll``: wait condition after the call (e.g. deployment ONLINE).
    ``absent_ok``: the step removes something (a delete, or what a delete needs first, or a
    team membership): the server answering "not found" means it is already gone, which is
    the goal, so apply counts it as done. That is how a delete whose answer was lost (and
    was retried) succeeds.
    """

    id: str
    address: str
    verb: str
    operation: str
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, str] = field(default_factory=dict)
    chunked: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    idempotent: bool = True
    probe: Poll | None = None
    poll: Poll | None = None
    description: str = ""
    absent_ok: bool = False


@dataclass(frozen=True)
class Change:
    """What happens to one address.

    ``reason``: for display only, never for apply decisions.
    ``warnings``: shown with the change (e.g. a detach that deletes a model from storage).
    ``depends_on``: addresses this change waits for (creation order; reversed for deletes).
    ``withdraws_access``: a delete that only takes access away (an unshare); see ``destroys``.
    """

    address: str
    kind: str
    action: Action
    attributes: tuple[AttrChange, ...] = ()
    steps: tuple[Step, ...] = ()
    depends_on: tuple[str, ...] = ()
    reason: str = ""
    warnings: tuple[str, ...] = ()
    source: str | None = None
    withdraws_access: bool = False

    @property
    def destroys(self) -> bool:
        """Deletes an object (grader, recipe, metric, deployment, model, integration, user,
        project archive): a delete or replace that sends something and is not an access removal.
        These are what ``apply`` refuses without ``--allow-delete``."""
        deleting = self.action in (Action.DELETE, Action.REPLACE) and bool(self.steps)
        return deleting and not self.withdraws_access


@dataclass
class Plan:
    """Every change, in apply order, plus what the plan saw and did not manage.

    ``unmanaged``: live child objects not in the manifests (left alone unless pruned).
    ``fingerprints``: address -> hash of the live object read, for saved-plan staleness.
    ``allow_delete``: the plan was made with deletions allowed.
    ``checks``: server-side checks to make before the plan is shown (``kinds.checks.PlanCheck``,
    e.g. ``validateFunctionGrader``); not saved: a saved plan was checked when it was made.
    """

    changes: list[Change] = field(default_factory=list)
    unmanaged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)
    input_hash: str = ""
    allow_delete: bool = False
    targets: list[str] = field(default_factory=list)
    checks: list[Any] = field(default_factory=list, compare=False, metadata={"saved": False})

    @property
    def has_changes(self) -> bool:
        return any(change.action is not Action.NOOP for change in self.changes)

    def counts(self) -> dict[str, int]:
        totals = {action.value: 0 for action in Action}
        for change in self.changes:
            totals[change.action.value] += 1
        return totals

    def steps(self) -> list[Step]:
        return [step for change in self.changes for step in change.steps]

    def to_dict(self) -> dict[str, Any]:
        """The saved form: secrets stay references (``{"$sensitive": ...}``), never values."""
        return _to_json(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        data = secrets.from_json(data)
        changes = [
            Change(
                **{
                    **change,
                    "action": Action(change["action"]),
                    "attributes": tuple(AttrChange(**attr) for attr in change["attributes"]),
                    "steps": tuple(_step_from_dict(step) for step in change["steps"]),
                    "depends_on": tuple(change["depends_on"]),
                    "warnings": tuple(change["warnings"]),
                }
            )
            for change in data["changes"]
        ]
        return cls(**{**data, "changes": changes})


def _step_from_dict(data: dict[str, Any]) -> Step:
    def poll(value: dict[str, Any] | None) -> Poll | None:
        if value is None:
            return None
        return Poll(**{**value, "until": tuple(value["until"]), "fail_on": tuple(value["fail_on"])})

    after = tuple(data["after"])
    chunked = tuple(data.get("chunked", ()))
    probe, waits = poll(data["probe"]), poll(data["poll"])
    return Step(**{**data, "after": after, "chunked": chunked, "probe": probe, "poll": waits})


def _to_json(value: Any) -> Any:
    if isinstance(value, secrets.Sensitive):
        return value.to_json()
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _to_json(getattr(value, f.name)) for f in fields(value) if f.metadata.get("saved", True)
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    return value
