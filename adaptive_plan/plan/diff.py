"""Desired against live, per address: the action, the attribute changes and the step specs.

Owns the ownership rules of DESIGN.md section 5: attributes present in the manifest are
compared (kinds decide how), write-only attributes are never compared but re-sent on any
other change or on ``--replace``, and an undeclared live object is ignored, listed as
unmanaged, or deleted according to its kind's ``ownership``. Pure: no I/O; it imports
only ``model`` and ``kinds``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from adaptive_plan.kinds._shared import expand, keep_live_hint
from adaptive_plan.kinds.base import Kind, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import Action, AttrChange
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.secrets import secret_names
from adaptive_plan.model.snapshot import LiveState


@dataclass(frozen=True, kw_only=True)
class DraftChange:
    """A change before the planner orders it and gives its steps ids and edges (built by keyword)."""

    address: Address
    kind: Kind
    action: Action
    desired: Resource | None = None
    actual: Resource | None = None
    attributes: tuple[AttrChange, ...] = ()
    specs: tuple[StepSpec, ...] = ()
    reason: str = ""
    warnings: tuple[str, ...] = ()
    withdraws_access: bool = False
    refusals: tuple[str, ...] = ()  # why this change can never be applied (the plan refuses)


@dataclass
class DiffResult:
    changes: list[DraftChange] = field(default_factory=list)
    unmanaged: list[Address] = field(default_factory=list)


def diff_resources(
    manifest: Manifest,
    desired: Mapping[Address, Resource],
    live: LiveState,
    kinds: Mapping[str, Kind],
    replace: Collection[Address] = (),
) -> DiffResult:
    """One draft change per address declared or live (live objects of unknown kinds are ignored).

    ``replace``: addresses (and everything within them) whose write-only values are re-sent.
    A kind that needs other resources' facts for its warnings gathers them in ``Kind.link``.
    """
    result = DiffResult()
    effects = drift_reasons(kinds.values(), live)
    for address, wanted in desired.items():
        kind = kinds[wanted.kind]
        actual = live.get(address)
        if actual is None:
            result.changes.append(_create(kind, wanted))
        else:
            forced = any(address.is_within(target) for target in replace)
            change = _update(kind, wanted, actual, forced=forced)
            result.changes.append(_explained(change, effects.get(address, {})))
    for address, actual in live.resources.items():
        kind = kinds.get(actual.kind)
        if address in desired or kind is None:
            continue
        _undeclared(result, manifest, desired, kind, actual)
    return result


def drift_reasons(kinds: Iterable[Kind], live: LiveState) -> dict[Address, dict[str, str]]:
    """Every kind's ``drift_reasons``, merged: address -> attribute -> reason."""
    merged: dict[Address, dict[str, str]] = {}
    for kind in kinds:
        for address, attributes in kind.drift_reasons(live).items():
            merged.setdefault(address, {}).update(attributes)
    return merged


def _explained(change: DraftChange, effects: Mapping[str, str]) -> DraftChange:
    """An update whose changed attributes have a known cause gives it as its reason."""
    paths = dict.fromkeys(attribute.path.split(".")[0] for attribute in change.attributes)
    why = [effects[path] for path in paths if path in effects]
    if change.action is Action.NOOP or not why:
        return change
    return dataclasses.replace(change, reason="; ".join([*why, *([change.reason] if change.reason else [])]))


def _create(kind: Kind, wanted: Resource) -> DraftChange:
    attributes = tuple(
        _mark(AttrChange(path, None, value, sensitive=_sensitive(kind, path)))
        for path, value in sorted(wanted.attrs.items())
    )
    return DraftChange(
        address=wanted.address,
        kind=kind,
        action=Action.CREATE,
        desired=wanted,
        attributes=attributes,
        specs=tuple(kind.create_steps(wanted)),
        warnings=tuple(kind.warnings(wanted, None)),
    )


def _update(kind: Kind, wanted: Resource, actual: Resource, *, forced: bool) -> DraftChange:
    compared = list(kind.compare(wanted, actual))
    resendable = kind.write_only - kind.create_only
    resent = [
        _mark(AttrChange(path, None, wanted.attrs[path], sensitive=_sensitive(kind, path), resent=True))
        for path in sorted(wanted.attrs)
        if path in resendable
    ]
    # what an update sends: the compared changes and the write-only values re-sent with them
    # (or alone, for --replace); a refusal may depend on the re-sent ones (an integration's
    # connection, which the API takes only whole)
    refusals = tuple(kind.cannot_apply(wanted, actual, compared + resent))
    warnings = tuple(kind.warnings(wanted, actual))
    if not compared and not (forced and resent):
        return DraftChange(
            address=wanted.address,
            kind=kind,
            action=Action.NOOP,
            desired=wanted,
            actual=actual,
            warnings=warnings + _not_compared(kind, wanted, sent=False),
        )
    every = compared + resent
    shown = tuple(_mark(line) for change in compared for line in expand(change)) + tuple(resent)
    if kind.requires_replace(compared):
        return dataclasses.replace(_replace(kind, wanted, actual, shown, warnings), refusals=refusals)
    specs = tuple(kind.update_steps(wanted, actual, every))
    if not specs and not refusals and compared:  # nothing can send it: it would show on every plan
        refusals = (_unsendable(compared),)
    return DraftChange(
        address=wanted.address,
        kind=kind,
        action=Action.UPDATE,
        desired=wanted,
        actual=actual,
        attributes=shown,
        specs=specs,
        reason="" if compared else "--replace: re-sending write-only values",
        warnings=warnings + _not_compared(kind, wanted, sent=True),
        refusals=refusals,
    )


def _replace(
    kind: Kind,
    wanted: Resource,
    actual: Resource,
    shown: tuple[AttrChange, ...],
    warnings: tuple[str, ...],
) -> DraftChange:
    forcing = ", ".join(change.path for change in shown if not change.sensitive)
    instead = _undeletable(kind)
    if instead is not None:
        note = f"{forcing} can only change by a replacement, but {instead}: {keep_live_hint(shown)}"
        return DraftChange(
            address=wanted.address,
            kind=kind,
            action=Action.UPDATE,
            desired=wanted,
            actual=actual,
            attributes=shown,
            refusals=(note,),
        )
    return DraftChange(
        address=wanted.address,
        kind=kind,
        action=Action.REPLACE,
        desired=wanted,
        actual=actual,
        attributes=shown,
        specs=removal_steps(kind, actual) + tuple(kind.create_steps(wanted)),
        reason=f"{forcing} cannot be changed in place" if forcing else "must be replaced",
        warnings=warnings,
    )


def _undeclared(
    result: DiffResult,
    manifest: Manifest,
    desired: Mapping[Address, Resource],
    kind: Kind,
    actual: Resource,
) -> None:
    parent = actual.address.parent
    if kind.unlisted(actual):
        return
    if kind.ownership == "exclusive":
        if parent is not None and kind.managed_children(manifest, parent):
            result.changes.append(_delete(kind, actual, f"not in the list {parent} declares"))
    elif kind.ownership == "prune":
        if parent is not None and parent not in desired:
            return
        if kind.pruned(manifest, actual):
            result.changes.append(_delete(kind, actual, "not declared in the manifests; prune is on"))
        else:
            result.unmanaged.append(actual.address)


def _delete(kind: Kind, actual: Resource, why: str) -> DraftChange:
    behaviour = kind.delete_behaviour
    instead = _undeletable(kind)
    if instead is not None:
        note = f"{actual.address} is {why}, but {instead}; it is left in place"
        return DraftChange(
            address=actual.address,
            kind=kind,
            action=Action.NOOP,
            actual=actual,
            reason=note,
            warnings=(note,),
        )
    present = sorted((path, value) for path, value in actual.attrs.items() if value is not None)
    attributes = tuple(_mark(AttrChange(path, value, None)) for path, value in present)
    return DraftChange(
        address=actual.address,
        kind=kind,
        action=Action.DELETE,
        actual=actual,
        attributes=attributes,
        specs=removal_steps(kind, actual),
        reason=f"{why}; {behaviour.note}" if behaviour.note else why,
        warnings=tuple(kind.warnings(None, actual)),
        withdraws_access=behaviour.withdraws_access,
    )


def _undeletable(kind: Kind) -> str | None:
    """What the kind says instead of a delete the API cannot make, or ``None`` when it can."""
    behaviour = kind.delete_behaviour
    return None if behaviour.possible else behaviour.note or "it cannot be deleted"


def removal_steps(kind: Kind, actual: Resource) -> tuple[StepSpec, ...]:
    """The kind's delete steps, each marked ``absent_ok``: once the object is gone (deleted by an
    earlier attempt whose answer was lost, or by hand), "not found" is the goal reached."""
    return tuple(dataclasses.replace(spec, absent_ok=True) for spec in kind.delete_steps(actual))


def _sensitive(kind: Kind, path: str) -> bool:
    """Write-only values are shown as ``(sensitive)``, except configuration that is no secret."""
    return path in kind.write_only and path not in kind.plain_write_only


def _not_compared(kind: Kind, wanted: Resource, *, sent: bool) -> tuple[str, ...]:
    """What every plan says of a declared non-secret write-only value of an existing object:
    it cannot be compared, so a change to it alone plans nothing."""
    address = wanted.address
    notes = []
    for path in sorted(kind.plain_write_only & wanted.attrs.keys()):
        if sent and path not in kind.create_only:
            notes.append(
                f"{path} is write-only (the API never returns it), so it is not compared; "
                "this update sends the declared value"
            )
        else:
            notes.append(
                f"{address}: {path} is write-only (the API never returns it and has no field to record "
                "what was sent), so it is not compared: a changed value is sent only with "
                f"--replace {address} or with another change of this object"
            )
    return tuple(notes)


def _unsendable(changes: list[AttrChange]) -> str:
    paths = ", ".join(change.path for change in changes)
    return f"the API has no call that changes {paths}: {keep_live_hint(changes)}"


def _mark(change: AttrChange) -> AttrChange:
    """Flag a change whose value holds a ``secret()`` reference as sensitive."""
    if change.sensitive or not (secret_names(change.after) or secret_names(change.before)):
        return change
    return dataclasses.replace(change, sensitive=True)
