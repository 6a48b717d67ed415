"""``AdaptiveClient``: GraphQL and REST calls to Adaptive Engine with retries, over httpx.

    client = AdaptiveClient.from_env(url, api_key)        # falls back to ADAPTIVE_URL / ADAPTIVE_API_KEY
    data = client.execute(LIST_TEAMS)                     # -> the response's ``data``
    data = client.execute(CREATE_TEAM, {"input": {...}}, idempotent=False, probe=team_exists)
    data = client.execute(CREATE_RECIPE, variables, uploads={"file": ("r.py", body, "text/x-python")})
    response = client.rest("GET", "/datasets/x/download")

Concurrency: ``parallelism`` (``apply --parallelism``) sizes the connection pool (that many
kept alive, so a busy client never reconnects) and is the ceiling of the window of requests
in flight; the window halves on HTTP 429/503 and grows back on other answers (AIMD, see
``concurrency.py``; ``adaptive=False`` keeps it fixed). ``client.concurrency.throttled``
counts the 429/503 answers.

Retry rules (``RetryPolicy`` in ``config.py`` sets attempts and waits):

    connect error / connect timeout (nothing was sent)  -> retry, always
    HTTP 429 (the server did not run it)               -> retry after Retry-After (or backoff), always
    read error / timeout / dropped connection, 5xx     -> the outcome is unknown:
        idempotent=True                                  -> retry
        idempotent=False, probe given                    -> wait, call probe(); True -> return
                                                            {"__probed__": True} (config.PROBED) without
                                                            re-sending; False -> re-send
        idempotent=False, no probe                       -> raise at once (TransportError/ServerError)
    GraphQL errors (HTTP 200), other 4xx                 -> raise at once (see classify.py)

``transport`` is the seam for tests and embedding (any ``httpx.BaseTransport``). Nothing
here prints or logs; pass ``on_retry`` to observe retries. Errors: see ``errors.py``.
"""

from __future__ import annotations

import base64
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpx

from adaptive_plan.api import batch
from adaptive_plan.api import errors as e
from adaptive_plan.api.classify import error_from_graphql, error_from_status, graphql_body, graphql_data
from adaptive_plan.api.concurrency import Concurrency
from adaptive_plan.api.config import (
    DEFAULT_RETRY,
    DEFAULT_TIMEOUTS,
    DEFAULT_USER_AGENT,
    ENV_API_KEY,
    ENV_URL,
    GRAPHQL_PATH,
    PROBED,
    REST_PREFIX,
    RetryPolicy,
    Timeouts,
)
from adaptive_plan.api.failures import NOT_SENT, Failure, status_failure, transport_failure
from adaptive_plan.api.multipart import Upload, build_multipart
from adaptive_plan.api.operations import operation_name as _operation_name
from adaptive_plan.api.retry import RetryNotice, backoff_delay
from adaptive_plan.api.scrub import Scrubber

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PARALLELISM = 10


def _normalise_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url.endswith(GRAPHQL_PATH):
        url = url[: -len(GRAPHQL_PATH)]
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise e.ApiConfigError("invalid API URL: expected http(s)://host[:port][/prefix]")
    return url


def _without_userinfo(url: str) -> str:
    """``url`` without ``user:password@``, which must never reach a message or a saved plan."""
    parsed = httpx.URL(url)
    if not parsed.userinfo:
        return url
    return url.replace(parsed.userinfo.decode("ascii") + "@", "", 1)


def _userinfo_secrets(url: str) -> list[str]:
    """The password of ``user:password@`` in ``url``, raw and as the basic-auth token httpx
    sends for it, so no error message can show either."""
    parsed = httpx.URL(url)
    if not parsed.password:
        return []
    pair = f"{parsed.username}:{parsed.password}".encode()
    return [parsed.password, base64.b64encode(pair).decode("ascii")]


class AdaptiveClient:
    """A synchronous, thread-safe client for one Adaptive Engine instance."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = DEFAULT_RETRY,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        on_retry: Callable[[RetryNotice], None] | None = None,
        parallelism: int = DEFAULT_PARALLELISM,
        adaptive: bool = True,
    ) -> None:
        if not api_key:
            raise e.ApiConfigError(f"no API key: pass --api-key or set {ENV_API_KEY}")
        base = _normalise_url(url)
        self.url = _without_userinfo(base)  # what messages and saved plans show
        self.retry = retry
        self._api_key = api_key
        self._hidden = _userinfo_secrets(base)  # a server may echo the basic-auth header they make
        self._on_retry = on_retry
        self._rng = random.Random()
        self._lock = threading.Lock()
        self._count = 0
        self.concurrency = Concurrency(parallelism, adaptive=adaptive)
        headers = {"Authorization": f"Bearer {api_key}", "User-Agent": user_agent}
        limits = httpx.Limits(max_connections=parallelism, max_keepalive_connections=parallelism)
        self._http = httpx.Client(
            base_url=base, headers=headers, timeout=timeout.to_httpx(), transport=transport, limits=limits
        )

    @classmethod
    def from_env(
        cls, url: str | None = None, api_key: str | None = None, *,
        environ: Mapping[str, str] | None = None, **kw: Any,
    ) -> AdaptiveClient:
        """A client from explicit values, else ``ADAPTIVE_URL`` / ``ADAPTIVE_API_KEY``.

        Raises ``ApiConfigError`` naming every missing setting."""
        env = os.environ if environ is None else environ
        url = url or env.get(ENV_URL)
        api_key = api_key or env.get(ENV_API_KEY)
        missing = []
        if not url:
            missing.append(f"no API URL (pass --url or set {ENV_URL})")
        if not api_key:
            missing.append(f"no API key (pass --api-key or set {ENV_API_KEY})")
        if missing:
            raise e.ApiConfigError("; ".join(missing))
        return cls(url, api_key, **kw)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"AdaptiveClient(url={self.url!r})"

    @property
    def request_count(self) -> int:
        """HTTP requests actually sent, retries included (connect failures send nothing)."""
        return self._count

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AdaptiveClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- GraphQL ---------------------------------------------------------------------------

    def execute(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        idempotent: bool = True,
        probe: Callable[[], bool] | None = None,
        uploads: dict[str, Upload] | None = None,
        sensitive: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """Run one GraphQL operation and return its ``data``.

        ``operation_name``: the operation to run; a caller that built the document passes it,
        so the document is sent without a client-side parse. Without it the document is parsed
        (cached) to find its one operation.

        ``sensitive``: the secret values inside ``variables``; when given, only they and the
        API key are masked in error messages, so the server's message keeps resource names.
        When None (the caller cannot tell), every variable value is masked.

        ``uploads`` maps variable paths to ``(filename, bytes, content_type)`` and switches
        to a multipart request. Returns ``{"__probed__": True}`` (``config.PROBED``) instead
        of ``data`` when a non-idempotent request's outcome was unknown and ``probe()``
        said it had been applied. Raises an ``ApiError`` subclass on failure."""
        name = _operation_name(document, operation_name)
        label = name or "anonymous operation"
        payload = {"query": document, "operationName": name, "variables": dict(variables or {})}
        scrub = Scrubber.for_request(
            self._api_key, variables if sensitive is None else None, [*(sensitive or ()), *self._hidden]
        )
        response = self._post(
            payload, label, idempotent=idempotent, probe=probe, scrub=scrub, uploads=uploads
        )
        if response is None:
            return {PROBED: True}
        return graphql_data(response, operation=label, scrub=scrub, url=self.url)

    def execute_batch(
        self,
        document: str,
        calls: list[dict[str, Any]],
        *,
        idempotent: bool,
        sensitive: Iterable[str],
    ) -> list[dict[str, Any] | e.ApiError | None]:
        """Run ``calls`` (each one's variables) of the mutation ``document`` in one request
        (``batch.merge``) and return, per call, its ``data``, its ``ApiError``, or None when
        the answer does not tell (see ``batch.split``: the caller runs those again alone).

        An HTTP failure of the whole request (after retries; never retried when a call is not
        idempotent and the outcome is unknown) raises, and then every call's outcome is unknown;
        GraphQL errors that name no call and no data (the document was refused as a whole)
        raise as the ``ApiError`` they map to (a ``ValidationError`` for a refused document)."""
        name, merged, variables = batch.merge(document, calls)
        payload = {"query": merged, "operationName": name, "variables": variables}
        scrub = Scrubber.for_request(self._api_key, None, [*sensitive, *self._hidden])
        response = self._post(payload, name, idempotent=idempotent, probe=None, scrub=scrub)
        assert response is not None  # no probe, so never "probed"
        body = graphql_body(response, operation=name, scrub=scrub, url=self.url)
        errors = body.get("errors")
        if errors and isinstance(errors, list) and not batch.any_call_named(body):
            # refused as a whole (validation, or the server's own limits): nothing ran
            raise error_from_graphql(errors, operation=name, scrub=scrub)
        results: list[dict[str, Any] | e.ApiError | None] = []
        for outcome in batch.split(document, len(calls), body):
            if outcome.errors:
                results.append(error_from_graphql(list(outcome.errors), operation=name, scrub=scrub))
            else:
                results.append(outcome.data)
        return results

    def _post(
        self, payload: dict[str, Any], label: str, *,
        idempotent: bool, probe: Callable[[], bool] | None, scrub: Scrubber,
        uploads: dict[str, Upload] | None = None,
    ) -> httpx.Response | None:
        """POST a GraphQL payload (JSON, or multipart with ``uploads``) through ``_send``."""
        if uploads:
            data, files = build_multipart(payload, uploads)

            def build() -> httpx.Request:
                return self._http.build_request("POST", GRAPHQL_PATH, data=data, files=files)
        else:

            def build() -> httpx.Request:
                return self._http.build_request("POST", GRAPHQL_PATH, json=payload)

        return self._send(build, label, idempotent=idempotent, probe=probe, scrub=scrub)

    # -- REST ------------------------------------------------------------------------------

    def rest(self, method: str, path: str, *, idempotent: bool | None = None, **kw: Any) -> httpx.Response:
        """A request to ``{url}/api/v1{path}``; ``kw`` goes to httpx (``json=``, ``content=``, ``params=``).

        GET/HEAD/OPTIONS are retried; other methods only when ``idempotent=True``. A body
        must be re-sendable (bytes, not an iterator). Non-2xx raises an ``ApiError``."""
        method = method.upper()
        if path.startswith(REST_PREFIX + "/"):
            path = path[len(REST_PREFIX):]
        url = f"{REST_PREFIX}/{path.lstrip('/')}"
        label = f"{method} {url}"
        safe = method in _SAFE_METHODS if idempotent is None else idempotent
        scrub = Scrubber.for_request(
            self._api_key, [kw.get("json"), kw.get("params"), kw.get("data")], self._hidden
        )

        def build() -> httpx.Request:
            return self._http.build_request(method, url, **kw)

        response = self._send(build, label, idempotent=safe, probe=None, scrub=scrub)
        assert response is not None  # no probe, so never "probed"
        if not response.is_success:
            raise error_from_status(response, operation=label, scrub=scrub)
        return response

    # -- sending and retrying ----------------------------------------------------------------

    def _send(
        self, build: Callable[[], httpx.Request], label: str, *,
        idempotent: bool, probe: Callable[[], bool] | None, scrub: Scrubber,
    ) -> httpx.Response | None:
        """The first final response, or None when ``probe`` showed the request had been applied."""
        attempts = self.retry.max_attempts
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = self._transmit(build())
            except httpx.TransportError as error:
                failure = transport_failure(
                    error, label, attempt=attempt, url=self.url
                )
            else:
                failure = status_failure(
                    response, label, scrub=scrub, max_retry_after=self.retry.max_retry_after
                )
                if failure is None:
                    return response
            if failure.unknown and not idempotent:
                if probe is None:
                    raise failure.error
                self._wait(label, attempt, failure)
                if self._probe(probe, failure):
                    return None
                if last:
                    raise failure.error
                continue
            if last:
                raise failure.error
            self._wait(label, attempt, failure)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _probe(probe: Callable[[], bool], failure: Failure) -> bool:
        """Ask the caller whether the request was applied; if that read fails, the outcome stays unknown."""
        try:
            return bool(probe())
        except e.ApiError as probe_error:
            raise failure.error from probe_error

    def _transmit(self, request: httpx.Request) -> httpx.Response:
        with self.concurrency.slot() as slot:
            try:
                response = self._http.send(request)
            except NOT_SENT:
                raise  # nothing reached the server: not counted
            except BaseException:
                self._bump()
                raise
            self._bump()
            slot.outcome(response.status_code)
        return response

    def _bump(self) -> None:
        with self._lock:
            self._count += 1

    def _wait(self, label: str, attempt: int, failure: Failure) -> None:
        if failure.retry_after is not None:
            delay = failure.retry_after
        else:
            delay = backoff_delay(self.retry, attempt, self._rng)
        if self._on_retry is not None:
            self._on_retry(RetryNotice(label, attempt, delay, failure.reason))
        if delay > 0:
            time.sleep(delay)
