"""Integrations (notification channels) per team, and the provider catalogue.

Stored shape: ``{id teamId name provider connection notificationSettings deliveryPolicy
enabled createdAt}``, scope = team id, no key (integrations are identified by id only).
Secret connection fields are returned masked (``****`` plus the last four characters when the
value is long enough), as the real API does, and only that masked form is stored, so the
emulator's database (``--local``'s ``.adaptive-plan/local.db``) never holds a secret value.
SMTP ``toEmails`` has no output at all.
"""

from __future__ import annotations

import hashlib
from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    must,
    new_id,
    not_found,
    now_ms,
)
from adaptive_plan.emulator.seed import ALLOWED_SCOPES, PROVIDERS

R = Resolvers()
_MEMBER = {"slack": "slack", "smtp": "smtp", "webhook": "webhook", "github": "gitHub"}
_TYPENAME = {
    "slack": "SlackConfig",
    "smtp": "SmtpConfig",
    "webhook": "WebhookConfig",
    "github": "GitHubConfig",
}
_SECRETS = {
    "slack": ("webhookUrl", "botToken"),
    "smtp": ("password",),
    "github": ("apiToken",),
    "webhook": (),
}
DEFAULT_DELIVERY_POLICY = "singleshot"


def mask(value: str | None) -> str | None:
    if value is None:
        return None
    return "****" + value[-4:] if len(value) >= 12 else "****"


def _provider(name: str) -> dict:
    found = next((p for p in PROVIDERS if p["name"] == name), None)
    if found is None:
        raise not_found("integration provider", name)
    return {**found, "allowedScopes": ALLOWED_SCOPES}


def _connection(provider: str, connection: dict) -> tuple[dict, dict[str, str]]:
    """The connection as stored and read back (each secret field in its masked form), and the
    sha256 of each secret value received (``secretDigests``: never returned, for tests)."""
    given = {k: v for k, v in connection.items() if v is not None}
    if list(given) != [_MEMBER[provider]]:
        raise ApiError(
            f"Invalid input: connection must hold exactly '{_MEMBER[provider]}' for provider {provider}"
        )
    stored = dict(given[_MEMBER[provider]])
    digests: dict[str, str] = {}
    for secret in _SECRETS[provider]:
        if stored.get(secret) is not None:
            digests[secret] = digest(stored[secret])
        stored[secret] = mask(stored.get(secret))
    if provider == "webhook":
        headers = {str(k): str(v) for k, v in (stored.get("headers") or {}).items()}
        digests.update({f"headers.{k}": digest(v) for k, v in headers.items()})
        stored["headers"] = {k: mask(v) for k, v in headers.items()}
    return stored, digests


def digest(value: str) -> str:
    return hashlib.sha256(str(value).encode()).hexdigest()


@R.query
def providers(_: Any, info: Any) -> list[dict]:
    return [_provider(p["name"]) for p in PROVIDERS]


@R.query
def provider(_: Any, info: Any, name: str) -> dict | None:
    return next((_provider(p["name"]) for p in PROVIDERS if p["name"] == name), None)


@R.query
def integrations(_: Any, info: Any, team: str) -> list[dict]:
    context = ctx(info)
    context.require("integration:read")
    return context.store.list("integration", must(context.store, "team", team, label="team")["id"])


@R.query
def integration(_: Any, info: Any, id: str) -> dict | None:
    context = ctx(info)
    context.require("integration:read")
    return context.store.get("integration", id)


@R.mutation
def createIntegration(_: Any, info: Any, team: str, input: dict) -> dict:
    context = ctx(info)
    context.require("integration:create")
    owner = must(context.store, "team", team, label="team")
    _provider(input["provider"])
    config = input["config"]
    data = {
        "id": new_id(),
        "teamId": owner["id"],
        "name": input["name"],
        "provider": input["provider"],
        "notificationSettings": config.get("notificationSettings"),
        "deliveryPolicy": config.get("deliveryPolicy") or DEFAULT_DELIVERY_POLICY,
        "enabled": True,
        "createdAt": now_ms(),
    }
    data["connection"], data["secretDigests"] = _connection(input["provider"], config["connection"])
    return context.store.insert("integration", data, scope=owner["id"])


@R.mutation
def updateIntegration(_: Any, info: Any, id: str, input: dict) -> dict:
    context = ctx(info)
    context.require("integration:update")
    found = context.store.get("integration", id)
    if found is None:
        raise not_found("integration", id)
    for name in ("name", "enabled"):
        if input.get(name) is not None:
            found[name] = input[name]
    config = input.get("config") or {}
    if config.get("connection") is not None:
        found["connection"], found["secretDigests"] = _connection(found["provider"], config["connection"])
    for name in ("notificationSettings", "deliveryPolicy"):
        if config.get(name) is not None:
            found[name] = config[name]
    return context.store.save("integration", found)


@R.mutation
def deleteIntegration(_: Any, info: Any, id: str) -> bool:
    context = ctx(info)
    context.require("integration:delete")
    if context.store.get("integration", id) is None:
        raise not_found("integration", id)
    return context.store.delete("integration", id)


@R.mutation
def testNotification(_: Any, info: Any, input: dict) -> dict:
    ctx(info).require("integration:update")
    return {"eventId": None, "message": "The emulator does not deliver notifications"}


# ---------------------------------------------------------------------------- fields
@R.field("Integration", "capabilities")
def integration_capabilities(found: dict, info: Any) -> list[str]:
    return _provider(found["provider"])["capabilities"]


@R.field("Integration", "config")
def integration_config(found: dict, info: Any) -> dict:
    provider_name, connection = found["provider"], dict(found["connection"])  # secrets stored masked
    connection.pop("toEmails", None)
    connection["__typename"] = _TYPENAME[provider_name]
    return {
        "provider": provider_name,
        "connection": connection,
        "notificationSettings": found.get("notificationSettings"),
        "deliveryPolicy": found["deliveryPolicy"],
    }
