"""Which live resources an export declares.

Left out: what each kind calls ``unlisted`` (objects the user does not own, which plans
never list as unmanaged either): the built-in team and roles, catalogue models (neither
external nor imported from Hugging Face), the user whose API key runs the export, and
archived projects with everything in them.

``--project KEY`` keeps those projects and their children only (other sections are left
out unless ``--kind`` names them); ``--kind NAME`` keeps those kinds only. Datasets are
written only when ``--kind dataset`` names them (``Kind.export_by_default``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adaptive_plan.kinds import KINDS_BY_NAME
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState


@dataclass(frozen=True)
class Selection:
    """What to export: ``projects`` (keys; empty = all) and ``kinds`` (names; empty = all)."""

    projects: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


def is_users_own(resource: Resource) -> bool:
    """False for built-in, catalogue and archived objects and for the caller's own user."""
    return not KINDS_BY_NAME[resource.kind].unlisted(resource)


def select_resources(live: LiveState, selection: Selection) -> list[Resource]:
    """The resources to export, sorted by address (children after their project)."""
    projects = {
        r.address.key for r in live.of_kind("project") if is_users_own(r) and _project_wanted(r, selection)
    }
    chosen = []
    for resource in live.resources.values():
        if not is_users_own(resource) or not _kind_wanted(resource, selection.kinds):
            continue
        parent = resource.address.parent
        if parent is not None and parent.key not in projects:
            continue
        if parent is None and selection.projects and resource.kind != "project" and not selection.kinds:
            continue
        if resource.kind == "project" and resource.address.key not in projects:
            continue
        chosen.append(resource)
    return sorted(chosen, key=lambda r: str(r.address))


def project_containers(live: LiveState, selection: Selection) -> list[str]:
    """Keys of the projects whose children are exported (declared key-only if not exported)."""
    return sorted(
        r.address.key for r in live.of_kind("project") if is_users_own(r) and _project_wanted(r, selection)
    )


def _project_wanted(resource: Resource, selection: Selection) -> bool:
    return not selection.projects or resource.address.key in selection.projects


def _kind_wanted(resource: Resource, kinds: Sequence[str]) -> bool:
    """Named by ``--kind``, or, with no ``--kind``, a kind exported by default (not datasets)."""
    return resource.kind in kinds if kinds else KINDS_BY_NAME[resource.kind].export_by_default
