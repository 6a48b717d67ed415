"""One client shared by a thread pool (as apply does): every call succeeds, every request counted."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .documents import CREATE_TEAM, LIST_TEAMS


def test_client_is_shared_safely_across_threads(fresh, make_client, unique) -> None:
    client = make_client()
    keys = [unique("parallel") for _ in range(12)]
    fresh.faults.fail_operation("CreateTeam", times=3, status=503)

    def create(key: str) -> dict:
        return client.execute(CREATE_TEAM, {"input": {"key": key, "name": key}})

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(create, keys))
    assert [r["createTeam"]["key"] for r in results] == keys
    assert client.request_count == fresh.stats.http_requests == 12 + 3
    listed = [team["key"] for team in client.execute(LIST_TEAMS)["teams"]]
    assert all(listed.count(k) == 1 for k in keys)
