"""Non-idempotent creates whose outcome is unknown: re-read (probe) before re-sending."""

from __future__ import annotations

import pytest

from adaptive_plan.api import PROBED, TransportError, was_probed

from .documents import CREATE_TEAM, LIST_TEAMS


def _count(client, key: str) -> int:
    return [team["key"] for team in client.execute(LIST_TEAMS)["teams"]].count(key)


def test_drop_after_commit_with_probe_creates_exactly_once(fresh, make_client, unique) -> None:
    client = make_client()
    key = unique("dropped")
    probes: list[bool] = []

    def probe() -> bool:
        probes.append(found := _count(client, key) == 1)
        return found

    fresh.faults.drop_after_commit("CreateTeam", times=1)
    data = client.execute(CREATE_TEAM, {"input": {"key": key, "name": key}}, idempotent=False, probe=probe)
    assert data == {PROBED: True} and was_probed(data)
    assert probes == [True]
    assert client.request_count == 2  # the create, then the probe's ListTeams; no second create
    assert fresh.stats.operations == ["CreateTeam", "ListTeams"]
    assert _count(client, key) == 1


def test_drop_after_commit_without_probe_raises_outcome_unknown(fresh, make_client, unique) -> None:
    client = make_client()
    key = unique("unknown")
    fresh.faults.drop_after_commit("CreateTeam", times=1)
    with pytest.raises(TransportError) as caught:
        client.execute(CREATE_TEAM, {"input": {"key": key, "name": key}}, idempotent=False)
    assert caught.value.outcome_unknown is True
    assert "may have been applied" in str(caught.value)
    assert client.request_count == 1
    assert _count(client, key) == 1  # it was committed; the client did not send it twice


def test_probe_saying_absent_leads_to_a_resend(fresh, make_client, unique) -> None:
    client = make_client()
    key = unique("resent")
    fresh.faults.fail_operation("CreateTeam", times=1, status=503)  # answered without executing
    variables = {"input": {"key": key, "name": key}}
    data = client.execute(CREATE_TEAM, variables, idempotent=False, probe=lambda: _count(client, key) == 1)
    assert data["createTeam"]["key"] == key
    assert fresh.stats.operations == ["CreateTeam", "ListTeams", "CreateTeam"]
    assert _count(client, key) == 1


def test_idempotent_read_is_resent_after_a_drop(fresh, make_client) -> None:
    client = make_client()
    fresh.faults.drop_after_commit("ListTeams", times=1)
    assert client.execute(LIST_TEAMS)["teams"]
    assert client.request_count == 2
