"""The kind registry: the only place a kind is registered, and the one source of the
manifest's sections.

Adding a kind is one kind module (a ``Kind`` subclass declaring ``name``, ``section``,
``parent`` and ``identity_fields``), one line in ``KINDS`` and one ``$defs`` entry (plus its
section's property) in ``schemas/manifest.schema.json``. Everything that used to be a
hand-kept table is derived here: the top-level list sections the loader merges
(``TOP_SECTIONS``), each parent's child lists (``child_kinds``), the schema item each
section is checked against (``section_kinds``), the address walk (``manifest.addresses``)
and the export's section order. ``tests/test_registry.py`` fails when a kind is in
``KINDS`` but not in the schema, the README tour or the scenario folders (or the reverse).

Order matters only for presentation: sections are exported, and listed, in ``KINDS``
order (the order of the examples). Apply order comes from each resource's references.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from adaptive_plan.kinds.ab_test import AbTestKind
from adaptive_plan.kinds.base import Kind
from adaptive_plan.kinds.compute_pool import ComputePoolKind
from adaptive_plan.kinds.dataset import DatasetKind
from adaptive_plan.kinds.deployment import DeploymentKind
from adaptive_plan.kinds.grader import GraderKind
from adaptive_plan.kinds.integration import IntegrationKind
from adaptive_plan.kinds.metric import MetricKind
from adaptive_plan.kinds.model import ModelKind
from adaptive_plan.kinds.project import ProjectKind
from adaptive_plan.kinds.project_settings import ProjectSettingsKind
from adaptive_plan.kinds.recipe import RecipeKind
from adaptive_plan.kinds.remote_env import RemoteEnvKind
from adaptive_plan.kinds.role import RoleKind
from adaptive_plan.kinds.share import ShareKind
from adaptive_plan.kinds.team import TeamKind
from adaptive_plan.kinds.tool_provider import ToolProviderKind
from adaptive_plan.kinds.user import UserKind

KINDS: tuple[Kind, ...] = (
    TeamKind(),
    RoleKind(),
    UserKind(),
    ModelKind(),
    ProjectKind(),
    ProjectSettingsKind(),
    ShareKind(),
    ToolProviderKind(),
    DeploymentKind(),
    MetricKind(),
    GraderKind(),
    RecipeKind(),
    DatasetKind(),
    AbTestKind(),
    IntegrationKind(),
    RemoteEnvKind(),
    ComputePoolKind(),
)

KINDS_BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}


@cache
def child_kinds(parent: str | None) -> tuple[Kind, ...]:
    """The kinds whose entries live directly under ``parent`` (None: the top level), in order."""
    return tuple(kind for kind in KINDS if kind.parent == parent)


@cache
def section_kinds(parent: str | None) -> Mapping[str, Kind]:
    """Section name -> the kind it declares, for the lists under ``parent`` (None: top level)."""
    return MappingProxyType({kind.section: kind for kind in child_kinds(parent)})


TOP_SECTIONS: tuple[str, ...] = tuple(section_kinds(None))
"""The top-level list sections, which concatenate across files (``teams``, ``projects`` ...)."""
