"""Deterministic seed data: permissions, built-in roles, the default team, the admin user,
compute pools, the base-model catalogue and the integration providers.

Permissions are ``<area>:<action>`` strings. Built-in roles: ``admin`` (every permission),
``editor`` (everything but identity administration) and ``read-only`` (every ``:read``).
Base models: ``llama-3.1-8b-instruct``, ``qwen3-8b`` (generation), ``llama-3.3-70b-instruct``
and ``qwen3-32b`` (generation, judge-capable), ``bge-m3`` (embedding). System prompt templates
``support-agent`` and ``concise`` (the API cannot create them). Seeding runs once per
database; ids are derived from names so two fresh databases hold the same ids.
"""

from __future__ import annotations

import uuid
from typing import Any

PERMISSIONS: tuple[str, ...] = (
    "ab_campaign:cancel",
    "ab_campaign:create",
    "ab_campaign:read",
    "compute_pool:manage",
    "compute_pool:read",
    "dataset:create",
    "dataset:delete",
    "dataset:read",
    "feedback:write",
    "grader:create",
    "grader:delete",
    "grader:read",
    "grader:update",
    "integration:create",
    "integration:delete",
    "integration:read",
    "integration:update",
    "interaction:read",
    "interaction:write",
    "job:create",
    "job:read",
    "metric:create",
    "metric:delete",
    "metric:read",
    "metric:update",
    "model:create",
    "model:delete",
    "model:deploy",
    "model:read",
    "model:terminate",
    "model:update",
    "project:archive",
    "project:create",
    "project:read",
    "project:share",
    "project:update",
    "recipe:create",
    "recipe:delete",
    "recipe:read",
    "recipe:update",
    "remote_env:manage",
    "remote_env:read",
    "role:create",
    "role:read",
    "role:update",
    "team:create",
    "team:manage_members",
    "team:read",
    "user:create",
    "user:delete",
    "user:read",
    "user:update",
)

_IDENTITY_ADMIN = (
    "role:create",
    "role:update",
    "team:create",
    "team:manage_members",
    "user:create",
    "user:delete",
    "user:update",
)
BUILTIN_ROLES: dict[str, tuple[str, ...]] = {
    "admin": PERMISSIONS,
    "editor": tuple(p for p in PERMISSIONS if p not in _IDENTITY_ADMIN),
    "read-only": tuple(p for p in PERMISSIONS if p.endswith(":read")),
}
ADMIN_EMAIL = "admin@adaptive.local"
SEED_TIME = 1_735_689_600_000  # 2025-01-01T00:00:00Z, epoch ms

BASE_MODELS: tuple[dict[str, Any], ...] = (
    {
        "key": "llama-3.1-8b-instruct",
        "name": "Llama 3.1 8B Instruct",
        "family": "llama",
        "publisher": "meta",
        "size": 8,
        "capabilities": ["TextGeneration"],
    },
    {
        "key": "qwen3-8b",
        "name": "Qwen3 8B",
        "family": "qwen",
        "publisher": "alibaba",
        "size": 8,
        "capabilities": ["TextGeneration", "Reasoning"],
    },
    {
        "key": "llama-3.3-70b-instruct",
        "name": "Llama 3.3 70B Instruct",
        "family": "llama",
        "publisher": "meta",
        "size": 70,
        "capabilities": ["TextGeneration"],
    },
    {
        "key": "qwen3-32b",
        "name": "Qwen3 32B",
        "family": "qwen",
        "publisher": "alibaba",
        "size": 32,
        "capabilities": ["TextGeneration", "Reasoning"],
    },
    {
        "key": "bge-m3",
        "name": "BGE M3",
        "family": "bge",
        "publisher": "baai",
        "size": 1,
        "capabilities": ["Embedding"],
    },
)

COMPUTE_POOLS: tuple[dict[str, Any], ...] = (
    {"key": "a100-pool", "name": "A100 pool", "gpuTypes": "A100", "worldSize": 8},
    {"key": "h100-pool", "name": "H100 pool", "gpuTypes": "H100", "worldSize": 8},
)

PROVIDERS: tuple[dict[str, Any], ...] = (
    {
        "name": "slack",
        "description": "Slack incoming webhook or bot",
        "capabilities": ["NOTIFICATION_CHANNEL"],
    },
    {
        "name": "smtp",
        "description": "E-mail through an SMTP server",
        "capabilities": ["NOTIFICATION_CHANNEL"],
    },
    {"name": "webhook", "description": "Generic HTTP webhook", "capabilities": ["NOTIFICATION_CHANNEL"]},
    {
        "name": "github",
        "description": "GitHub repository",
        "capabilities": ["NOTIFICATION_CHANNEL", "CODE_SOURCE"],
    },
)
ALLOWED_SCOPES = ["USER", "TEAM", "ORGANIZATION", "ADMIN"]

# System prompt templates: the API (0.14.2) has no call that lists, creates or deletes one, so
# the instance ships with a few; a model service binds one by id (``seed_id("template", name)``).
SYSTEM_PROMPT_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "name": "support-agent",
        "template": "You are a support agent for {{company}}.",
        "arguments": ["company"],
    },
    {"name": "concise", "template": "Answer in at most three sentences.", "arguments": []},
)


def seed_id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "adaptive-emulator:" + ":".join(parts)))


def seed_store(store: Any) -> None:
    """Fill an empty store once (a marker in ``meta`` makes it idempotent)."""
    if store.get_meta("seeded"):
        return
    with store.transaction():
        for key, perms in BUILTIN_ROLES.items():
            role = {
                "id": seed_id("role", key),
                "key": key,
                "name": key.replace("-", " ").title(),
                "createdAt": SEED_TIME,
                "permissions": sorted(perms),
                "builtin": True,
            }
            store.insert("role", role, key=key)
        team = {"id": seed_id("team", "default"), "key": "default", "name": "Default", "createdAt": SEED_TIME}
        store.insert("team", team, key="default")
        admin = {
            "id": seed_id("user", ADMIN_EMAIL),
            "email": ADMIN_EMAIL,
            "name": "Admin",
            "userType": "HUMAN",
            "createdAt": SEED_TIME,
            "deleted": False,
            "deletedAt": None,
            "firstActivity": None,
            "lastActivity": None,
            "teams": [{"team": team["id"], "role": seed_id("role", "admin")}],
        }
        store.insert("user", admin, key=ADMIN_EMAIL)
        for pool in COMPUTE_POOLS:
            store.insert("compute_pool", _pool(pool), key=pool["key"])
        for order, model in enumerate(BASE_MODELS):
            store.insert("model", _model(model, order), key=model["key"])
        for template in SYSTEM_PROMPT_TEMPLATES:
            record = {"id": seed_id("template", template["name"]), "createdAt": SEED_TIME, "createdBy": None}
            store.insert("system_prompt_template", {**record, **template}, key=template["name"])
        store.set_meta("seeded", "1")


def _pool(pool: dict[str, Any]) -> dict[str, Any]:
    group = {
        "id": seed_id("harmony", pool["key"]),
        "key": f"{pool['key']}-group-0",
        "status": "ONLINE",
        "url": f"http://harmony.{pool['key']}.local:50051",
        "worldSize": pool["worldSize"],
        "inferencePartitionSize": pool["worldSize"] // 2,
        "gpuTotal": pool["worldSize"],
        "gpuAllocated": 0,
        "gpuTypes": pool["gpuTypes"],
        "createdAt": SEED_TIME,
    }
    return {
        "id": seed_id("pool", pool["key"]),
        "key": pool["key"],
        "name": pool["name"],
        "createdAt": SEED_TIME,
        "capabilities": ["INFERENCE", "JOB"],
        "harmonyGroups": [group],
    }


def new_model(**fields: Any) -> dict[str, Any]:
    """A registry model document with every server-populated field at its default."""
    model = {
        "providerName": "HARMONY",
        "isExternal": False,
        "order": 100,
        "inStorage": True,
        "isAdapter": False,
        "backbone": None,
        "parent": None,
        "sourceModelKey": None,
        "isTraining": False,
        "isPublished": False,
        "isStable": False,
        "isSpecDecDraft": False,
        "capabilities": ["TextGeneration"],
        "supportedTp": [1, 2, 4, 8],
        "family": None,
        "publisher": None,
        "size": None,
        "error": None,
        "terminated": False,
        "computeConfig": {"tp": 1, "kvCacheLen": 32768, "maxSeqLen": 8192},
        "externalProviderData": None,
    }
    model.update(fields)
    return model


def _model(spec: dict[str, Any], order: int) -> dict[str, Any]:
    return new_model(
        id=seed_id("model", spec["key"]),
        key=spec["key"],
        name=spec["name"],
        createdAt=SEED_TIME,
        order=order,
        isPublished=True,
        isStable=True,
        family=spec["family"],
        publisher=spec["publisher"],
        size=spec["size"],
        capabilities=spec["capabilities"],
    )
