"""Rules every request meets at the edge, before any handler reads it.

NUL (U+0000): PostgreSQL refuses it in text (psycopg raises DataError, a 500) while
SQLite stores it, so one request would get different answers on the two databases. No
address, query value or document text needs it, so it is refused here once, for the API
and the pages alike, instead of in every handler.

Credentials: wrong ones are a 401 on every API route, public reads included, so a client
with a broken or revoked key finds out at once instead of silently reading as anonymous.
The pages do not read the Authorization header (maintainers sign in), so it is not
checked there.
"""

from typing import Any
from urllib.parse import unquote_to_bytes

from litestar.concurrency import sync_to_thread
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from registry.api.dependencies import PRINCIPAL_STATE, principal_for_header
from registry.errors import BadRequest, Issue

NUL_MESSAGE = "Must not contain the NUL character (U+0000)."


class NulGuard(ASGIMiddleware):
    """Refuses (400) a request whose path or query string holds a NUL, raw or %00."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        issues = nul_issues_in_address(scope.get("raw_path") or b"", scope.get("path", ""))
        issues += nul_issues_in_query(scope.get("query_string", b""))
        if issues:
            raise BadRequest("The address contains a NUL character.", issues)
        await next_app(scope, receive, send)


def is_api_path(path: str) -> bool:
    """The JSON API and the health check (everything else is a page)."""
    return path.startswith("/api/") or path == "/health" or path.startswith("/health/")


class CredentialsGuard(ASGIMiddleware):
    """Checks any Authorization header an API request carries, on every route (401 if
    wrong), and leaves the caller in the request state for the handlers."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        header = Headers.from_scope(scope).get("authorization")
        if header is not None and is_api_path(scope.get("path", "")):
            services = scope["litestar_app"].state.services
            principal = await sync_to_thread(principal_for_header, services, header)
            scope.setdefault("state", {})[PRINCIPAL_STATE] = principal
        await next_app(scope, receive, send)


def nul_issues_in_address(raw_path: bytes, path: str) -> list[Issue]:
    # Some servers (and test clients) leave the query string on raw_path: it is not the path.
    raw = raw_path.partition(b"?")[0]
    if "\x00" in path or b"\x00" in unquote_to_bytes(raw):
        return [Issue("/path", NUL_MESSAGE)]
    return []


def nul_issues_in_query(query_string: bytes) -> list[Issue]:
    issues: list[Issue] = []
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        # Decoded as the parameter parser will: '+' is a space, %XX a byte.
        decoded_name = unquote_to_bytes(name.replace(b"+", b" "))
        if b"\x00" in decoded_name or b"\x00" in unquote_to_bytes(value.replace(b"+", b" ")):
            label = decoded_name.replace(b"\x00", b"").decode("utf-8", "replace")
            issues.append(Issue(f"/query/{label}", NUL_MESSAGE))
    return issues


def refuse_nul(document: Any, source: str = "body") -> None:
    """BadRequest naming (by JSON Pointer) every key or string value holding a NUL."""
    issues = [Issue(path, NUL_MESSAGE) for path in _nul_paths(document, "")]
    if issues:
        raise BadRequest(f"The {source} contains a NUL character.", issues)


def _nul_paths(node: Any, path: str) -> list[str]:
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(node, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found.append(where)
        elif isinstance(value, dict):
            for key, item in value.items():
                text = str(key)
                pointer = f"{where}/{_escape(text)}"
                if "\x00" in text:
                    found.append(pointer)
                stack.append((item, pointer))
        elif isinstance(value, list):
            stack.extend((item, f"{where}/{i}") for i, item in enumerate(value))
    return sorted(found)


def _escape(token: str) -> str:
    """A JSON Pointer reference token (RFC 6901); NUL itself is shown as \\u0000."""
    return token.replace("~", "~0").replace("/", "~1").replace("\x00", "\\u0000")
