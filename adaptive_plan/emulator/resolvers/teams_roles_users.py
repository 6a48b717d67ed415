"""Teams, roles, permissions, users, team membership, service accounts and API keys.

Stored shapes: team ``{id key name createdAt}``; role ``{id key name createdAt permissions builtin}``;
user ``{id email name userType createdAt deleted deletedAt teams:[{team role}]}`` (ids), keyed by
email. API keys are stored only as sha256 hashes (kind ``api_key``, key = hash).

``deleteUser`` is a soft delete (``deleted: true``, ``deletedAt`` set; the email stays taken, so
``createUser`` with it is a conflict); ``users`` still lists such a user, with ``deleted: true``
(ADAPTIVE_API.md 4.4: "select ``deleted`` and filter"), and ``reactivateUser`` restores it with
its memberships. A deleted user's API keys stop working.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    insert,
    must,
    new_id,
    now_ms,
    slugify,
)
from adaptive_plan.emulator.seed import PERMISSIONS
from adaptive_plan.emulator.store import hash_key

R = Resolvers()


def issue_api_key(store: Any, user_id: str) -> str:
    """Create a new API key for ``user_id`` and return it (stored hashed; shown once)."""
    api_key = "ak_" + secrets.token_urlsafe(24)
    store.insert("api_key", {"id": new_id(), "userId": user_id, "createdAt": now_ms()}, key=hash_key(api_key))
    return api_key


def user_for_key(store: Any, api_key: str) -> dict | None:
    record = store.by_key("api_key", hash_key(api_key))
    user = store.get("user", record["userId"]) if record else None
    return user if user and not user.get("deleted") else None


def permissions_of(store: Any, user: dict) -> frozenset[str]:
    granted: set[str] = set()
    for membership in user.get("teams", []):
        role = store.get("role", membership["role"])
        granted.update(role["permissions"] if role else ())
    return frozenset(granted)


# ---------------------------------------------------------------------------- teams and roles
@R.query
def teams(_: Any, info: Any) -> list[dict]:
    return ctx(info).store.list("team")


@R.mutation
def createTeam(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("team:create")
    key = input.get("key") or slugify(input["name"])
    data = {"id": new_id(), "key": key, "name": input["name"], "createdAt": now_ms()}
    return insert(context.store, "team", data, key=key, label="team")


@R.query
def roles(_: Any, info: Any) -> list[dict]:
    return ctx(info).store.list("role")


@R.query
def permissions(_: Any, info: Any) -> list[str]:
    return list(PERMISSIONS)


def _check_permissions(values: list[str]) -> list[str]:
    for value in values:
        if value not in PERMISSIONS:
            raise ApiError(f"Invalid input: unknown permission '{value}'")
    return sorted(set(values))


@R.mutation
def createRole(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("role:create")
    key = input.get("key") or slugify(input["name"])
    data = {
        "id": new_id(),
        "key": key,
        "name": input["name"],
        "createdAt": now_ms(),
        "permissions": _check_permissions(input["permissions"]),
        "builtin": False,
    }
    return insert(context.store, "role", data, key=key, label="role")


@R.mutation
def updateRole(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("role:update")
    role = must(context.store, "role", input["role"], label="role")
    if role.get("builtin"):
        raise ApiError(f"Forbidden: built-in role '{role['key']}' cannot be modified")
    if input.get("name") is not None:
        role["name"] = input["name"]
    if input.get("permissions") is not None:
        role["permissions"] = _check_permissions(input["permissions"])
    return context.store.save("role", role)


# ---------------------------------------------------------------------------- users
@R.field("User", "teams")
def user_teams(user: dict, info: Any) -> list[dict]:
    store = ctx(info).store
    out = []
    for membership in user.get("teams", []):
        team, role = store.get("team", membership["team"]), store.get("role", membership["role"])
        if team and role:
            out.append({"team": team, "role": role})
    return out


@R.query
def users(_: Any, info: Any) -> list[dict]:
    context = ctx(info)
    context.require("user:read")
    return context.store.list("user")


@R.query
def me(_: Any, info: Any) -> dict:
    return ctx(info).user


def _memberships(store: Any, entries: list[dict]) -> list[dict]:
    out: dict[str, dict] = {}
    for entry in entries:
        team = must(store, "team", entry["team"], label="team")
        role = must(store, "role", entry["role"], label="role")
        out[team["id"]] = {"team": team["id"], "role": role["id"]}
    return list(out.values())


def _user(store: Any, ref: str) -> dict:
    return must(store, "user", ref, label="user")


@R.mutation
def createUser(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("user:create")
    store = context.store
    user_type = input.get("userType") or "HUMAN"
    email = input.get("email")
    if user_type == "SYSTEM":
        if not re.fullmatch(r"[a-z0-9_-]+", input["name"]):
            raise ApiError("Invalid input: a system user name may only contain [a-z0-9_-]")
        email = email or f"{input['name']}@system.adaptive.local"
    elif not email:
        raise ApiError("Invalid input: email is required for human users")
    user = {
        "id": new_id(),
        "email": email,
        "name": input["name"],
        "userType": user_type,
        "createdAt": now_ms(),
        "deleted": False,
        "deletedAt": None,
        "firstActivity": None,
        "lastActivity": None,
        "teams": _memberships(store, input["teams"]),
    }
    insert(store, "user", user, key=email, label="user")
    api_key = issue_api_key(store, user["id"]) if input.get("generateApiKey") else None
    return {"user": user, "generatedApiKey": api_key}


@R.mutation
def updateUser(_: Any, info: Any, user: str, input: dict) -> dict:
    context = ctx(info)
    context.require("user:update")
    found = _user(context.store, user)
    if input.get("name") is not None:
        found["name"] = input["name"]
    removed = {must(context.store, "team", t, label="team")["id"] for t in input.get("removeTeams") or []}
    kept = [m for m in found["teams"] if m["team"] not in removed]
    found["teams"] = _memberships(context.store, [*kept, *(input.get("addTeams") or [])])
    return context.store.save("user", found)


@R.mutation
def deleteUser(_: Any, info: Any, user: str) -> dict:
    context = ctx(info)
    context.require("user:delete")
    found = _user(context.store, user)
    if found["id"] == context.user["id"]:
        raise ApiError("Forbidden: you cannot delete yourself")
    found.update(deleted=True, deletedAt=now_ms())
    return context.store.save("user", found)


@R.mutation
def reactivateUser(_: Any, info: Any, user: str) -> dict:
    context = ctx(info)
    context.require("user:update")
    found = _user(context.store, user)
    found.update(deleted=False, deletedAt=None)
    return context.store.save("user", found)


@R.mutation
def setTeamMember(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("team:manage_members")
    store = context.store
    found = _user(store, input["user"])
    team = must(store, "team", input["team"], label="team")
    role = must(store, "role", input["role"], label="role")
    others = [m for m in found["teams"] if m["team"] != team["id"]]
    found["teams"] = [*others, {"team": team["id"], "role": role["id"]}]
    store.save("user", found)
    return {"user": found, "team": team, "role": role}


@R.mutation
def removeTeamMember(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("team:manage_members")
    store = context.store
    found = _user(store, input["user"])
    team = must(store, "team", input["team"], label="team")
    if not any(m["team"] == team["id"] for m in found["teams"]):
        raise ApiError(f"EntityNotFound: user '{found['email']}' is not a member of team '{team['key']}'")
    found["teams"] = [m for m in found["teams"] if m["team"] != team["id"]]
    return store.save("user", found)


@R.mutation
def createApiKey(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    found = _user(context.store, input["user"])
    if found["id"] != context.user["id"]:
        context.require("user:update")
    if input.get("expirationForPreviousKeys") is None:
        for record in context.store.list("api_key"):
            if record["userId"] == found["id"]:
                context.store.delete("api_key", record["id"])
    api_key = issue_api_key(context.store, found["id"])
    return {"key": api_key, "createdAt": now_ms()}
