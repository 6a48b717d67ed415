"""A hand-built plan covering every action, secrets, warnings and unmanaged objects."""

from __future__ import annotations

from adaptive_plan.model.plan import Action, AttrChange, Change, Plan, Step
from adaptive_plan.model.secrets import Sensitive, secret_token

SECRET = Sensitive(secret_token("OPENAI_API_KEY"))


def step(address: str, n: int, verb: str, after: tuple[str, ...] = (), **variables: object) -> Step:
    return Step(
        id=f"{address}#{n}",
        address=address,
        verb=verb,
        operation="Op",
        document="mutation Op { op }",
        variables=dict(variables),
        after=after,
    )


def sample_plan() -> Plan:
    deployment = "project.support-bot/model.llama-3.1-8b-instruct"
    return Plan(
        changes=[
            Change(
                "team.ml-platform",
                "team",
                Action.CREATE,
                (AttrChange("name", None, "ML Platform"),),
                (step("team.ml-platform", 1, "create"),),
            ),
            Change(
                "model.gpt-4o-judge",
                "model",
                Action.CREATE,
                (
                    AttrChange("api_key", None, SECRET, sensitive=True),
                    AttrChange("provider", None, "open_ai"),
                ),
                (step("model.gpt-4o-judge", 1, "create", input={"apiKey": SECRET}),),
            ),
            Change(
                "project.support-bot",
                "project",
                Action.UPDATE,
                (
                    AttrChange("name", "Support", "Support Bot"),
                    AttrChange(
                        "shares", [{"team": "a", "role": "r"}], [{"team": "a", "role": "r"}, {"team": "b"}]
                    ),
                    AttrChange("settings.default_metric", None, "resolved"),
                ),
                (step("project.support-bot", 1, "update"), step("project.support-bot", 2, "share")),
                depends_on=("team.ml-platform",),
                source="main.yaml:12:5",
            ),
            Change(
                deployment,
                "deployment",
                Action.CREATE,
                (
                    AttrChange("default", None, True),
                    AttrChange("placement", None, {"compute_pools": ["a100"]}),
                ),
                (
                    step(deployment, 1, "attach"),
                    step(deployment, 2, "deploy"),
                    step(deployment, 3, "update(is_default)"),
                ),
                warnings=("deploying takes a few minutes",),
            ),
            Change(
                "model.old",
                "model",
                Action.REPLACE,
                (
                    AttrChange("provider", "azure", "open_ai"),
                    AttrChange("api_key", None, SECRET, sensitive=True, resent=True),
                ),
                (step("model.old", 1, "delete"), step("model.old", 2, "create")),
                reason="provider cannot be changed in place",
            ),
            Change(
                "project.support-bot/grader.legacy",
                "grader",
                Action.DELETE,
                (AttrChange("criteria", "Be nice.", None),),
                (step("project.support-bot/grader.legacy", 1, "delete"),),
                reason="not declared in the manifests; prune is on",
            ),
            Change(
                "team.gone",
                "team",
                Action.NOOP,
                reason="cannot delete",
                warnings=("team.gone is not declared, but teams cannot be deleted; it is left in place",),
            ),
            Change("role.reviewer", "role", Action.NOOP),
        ],
        unmanaged=["project.support-bot/recipe.hand-made"],
        warnings=["--replace role.reviewer: it has no write-only values to re-send and nothing else changed"],
        fingerprints={"project.support-bot": "abc"},
        input_hash="h",
        allow_delete=False,
    )
