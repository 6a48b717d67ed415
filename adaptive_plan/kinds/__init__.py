"""The kind registry: the only place a kind is registered.

Order here does not matter: apply order comes from each resource's references.
"""

from __future__ import annotations

from adaptive_plan.kinds.base import Kind
from adaptive_plan.kinds.deployment import DeploymentKind
from adaptive_plan.kinds.grader import GraderKind
from adaptive_plan.kinds.integration import IntegrationKind
from adaptive_plan.kinds.metric import MetricKind
from adaptive_plan.kinds.model import ModelKind
from adaptive_plan.kinds.project import ProjectKind
from adaptive_plan.kinds.recipe import RecipeKind
from adaptive_plan.kinds.role import RoleKind
from adaptive_plan.kinds.share import ShareKind
from adaptive_plan.kinds.team import TeamKind
from adaptive_plan.kinds.user import UserKind

KINDS: tuple[Kind, ...] = (
    TeamKind(),
    RoleKind(),
    UserKind(),
    ModelKind(),
    ProjectKind(),
    ShareKind(),
    DeploymentKind(),
    MetricKind(),
    GraderKind(),
    RecipeKind(),
    IntegrationKind(),
)

KINDS_BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
