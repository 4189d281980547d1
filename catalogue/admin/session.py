"""The maintainers' sign-in session: an encrypted cookie, and who it says is signed in.

The cookie is Litestar's client-side session (AES-GCM, so signed and encrypted) with a key
derived from the registry's secret key. It holds a random session token (and a one-off
message); the session itself is a row in the database (`registry.accounts`), read on every
request, so signing out, a password or role change and removal end it on every instance
at once, and it ends 8 hours after sign-in however busy it is.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.concurrency import sync_to_thread
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders, State
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.response import Redirect
from litestar.types import Empty, Message, ScopeSession

from registry.accounts import SESSION_LIFETIME
from registry.auth import Principal, Scope
from registry.errors import Forbidden
from registry.wiring import Services

SESSION_COOKIE = "rr_admin"
SESSION_SECONDS = int(SESSION_LIFETIME.total_seconds())
LOGIN_PATH = "/admin/login"


class SignInRequired(Exception):
    """The page needs a signed-in maintainer: the visitor is sent to the sign-in page."""


def session_key(secret: str) -> bytes:
    """A 256-bit key for the session cookie, derived from (never equal to) the secret key."""
    return hashlib.sha256(b"reuse-registry admin session\x00" + secret.encode("utf-8")).digest()


class _HttpsAwareBackend(ClientSideSessionBackend):
    """The cookie backend, marking the cookie `Secure` whenever the request came over HTTPS
    (Litestar's own backend takes one fixed `secure` setting)."""

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        secure = connection.scope.get("scheme") in ("https", "wss")
        set_params: dict[str, Any] = {**self._set_cookie_params, "secure": secure}
        clear_params: dict[str, Any] = {**self._clear_cookie_params, "secure": secure}
        headers = MutableScopeHeaders.from_message(message)
        present = self.get_cookie_key_set(connection)
        written: set[str] = set()
        if scope_session and scope_session is not Empty:
            chunks = self.dump_data(scope_session, scope=connection.scope)
            for index, chunk in enumerate(chunks):
                key = self.config.key if len(chunks) == 1 else f"{self.config.key}-{index}"
                cookie = Cookie(key=key, value=chunk.decode("utf-8"), **set_params)
                headers.add("Set-Cookie", cookie.to_header(header=""))
                written.add(key)
        for key in present - written:
            gone = Cookie(key=key, value="null", expires=0, **clear_params)
            headers.add("Set-Cookie", gone.to_header(header=""))


@dataclass
class AdminSessionConfig(CookieBackendConfig):
    _backend_class = _HttpsAwareBackend


def session_config(secret: str) -> CookieBackendConfig:
    """The session middleware's settings; the cookie is sent to the admin pages only."""
    return AdminSessionConfig(
        secret=session_key(secret),
        key=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        path="/admin",
        exclude=["^/api/", "^/health", "^/assets/"],
    )


def start_session(request: Request[Any, Any, Any], token: str) -> None:
    request.set_session({"session": token})


def session_token(request: Request[Any, Any, Any]) -> str | None:
    token = request.session.get("session")
    return token if isinstance(token, str) and token else None


def flash(request: Request[Any, Any, Any], message: str) -> None:
    """A one-off message for the next page (the notification banner)."""
    request.set_session({**request.session, "flash": message})


def take_flash(request: Request[Any, Any, Any]) -> str:
    session = dict(request.session)
    message = session.pop("flash", "")
    if message:
        request.set_session(session)
    return message if isinstance(message, str) else ""


async def provide_maintainer(request: Request[Any, Any, Any], state: State) -> Principal:
    """The signed-in maintainer, as the principal the services act for; else SignInRequired."""
    token = session_token(request)
    if token is None:
        raise SignInRequired
    services: Services = state.services
    principal = await sync_to_thread(services.accounts.maintainer_session, token)
    if principal is None:
        request.clear_session()
        raise SignInRequired
    return principal


def require_admin(principal: Principal) -> None:
    if not principal.has(Scope.ADMIN):
        raise Forbidden("Only an admin can see this page.")


def to_sign_in(request: Request[Any, Any, Any], exc: Exception) -> Redirect:
    return Redirect(path=LOGIN_PATH, status_code=303)
