"""The API client's exception tree; callers catch the categories, not httpx's.

    ApiError                  base: .message (the server's, made safe), .operation, .status, .code
     ├── ApiConfigError       no URL / no API key / malformed URL / no GraphQL endpoint there
     ├── AuthError            HTTP 401 or UNAUTHENTICATED: the API key was refused
     ├── ForbiddenError       authenticated but lacks a permission; .permission names it if the server did
     ├── NotFoundError        ``EntityNotFound:`` GraphQL error, or REST 404
     ├── ConflictError        duplicate key / "already exists", or HTTP 409
     ├── ValidationError      the request was malformed: GraphQL syntax/validation/bad variables, HTTP 400/422
     ├── OperationError       any other GraphQL error the server returned (not retried)
     ├── TransportError       connection failed, timed out or dropped, after retries;
     │                        .outcome_unknown is True when the request may have been applied
     ├── ServerError          HTTP 5xx (after retries) or a response that is not GraphQL JSON
     └── ThrottledError       HTTP 429 after retries; .retry_after is the server's last hint

``str(error)`` is one line: ``"<operation>: <server message>"``. Messages never hold the
API key or the request's variable values (both are scrubbed, see ``api.scrub``), so an
error can be printed, logged or saved as is. GraphQL-level errors arrive with HTTP 200
and are never retried; only transport problems, 429 and 5xx are.
"""

from __future__ import annotations


def _one_line(text: str) -> str:
    return " ".join(text.split())


class ApiError(Exception):
    """Base of every error the API client raises."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.message = _one_line(message) or "(no message)"
        self.operation = operation
        self.status = status
        self.code = code
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.operation}: {self.message}" if self.operation else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self):  # keep keyword attributes when pickled (e.g. across processes)
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[ApiError], state: dict) -> ApiError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class ApiConfigError(ApiError):
    """The client cannot be set up or pointed at an API: missing or malformed URL or key."""


class AuthError(ApiError):
    """The server refused the API key (HTTP 401)."""


class ForbiddenError(ApiError):
    """The caller lacks a permission; ``.permission`` is its identifier when the server named it."""

    def __init__(self, message: str, *, permission: str | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.permission = permission


class NotFoundError(ApiError):
    """A referenced entity does not exist (``EntityNotFound:``)."""


class ConflictError(ApiError):
    """The entity already exists (duplicate key)."""


class ValidationError(ApiError):
    """The server (or the client, before sending) found the request malformed."""


class OperationError(ApiError):
    """The server returned a GraphQL error that fits none of the categories above."""


class TransportError(ApiError):
    """The connection failed, timed out or was dropped, and retries did not help.

    ``outcome_unknown``: True when the request had been sent, so it may have been applied.
    """

    def __init__(self, message: str, *, outcome_unknown: bool = False, **kw) -> None:
        super().__init__(message, **kw)
        self.outcome_unknown = outcome_unknown


class ServerError(ApiError):
    """HTTP 5xx after retries, or a body that is not a GraphQL JSON response."""


class ThrottledError(ApiError):
    """HTTP 429 after retries; ``.retry_after`` is the last wait the server asked for, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after
