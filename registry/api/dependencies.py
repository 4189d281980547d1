"""Per-request dependencies: the services and the caller's principal."""

from typing import Any

from litestar import Request
from litestar.concurrency import sync_to_thread
from litestar.datastructures import State
from litestar.di import NamedDependency

from registry.auth import Principal
from registry.errors import Unauthenticated
from registry.wiring import Search, Services


def provide_search(state: State) -> Search:
    search: Search = state.search
    return search


def provide_services(state: State) -> Services:
    services: Services = state.services
    return services


#: Where the credentials middleware leaves the caller for this request's handlers.
PRINCIPAL_STATE = "principal"


def principal_for_header(services: Services, header: str) -> Principal:
    """The caller an Authorization header names; Unauthenticated for anything wrong."""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send the API key as 'Authorization: Bearer <key>'.")
    return services.accounts.authenticate(token.strip())


async def provide_principal(request: Request[Any, Any, Any], state: State) -> Principal | None:
    """None when no credentials are sent; 401 when credentials are sent but wrong."""
    checked = request.scope.get("state", {}).get(PRINCIPAL_STATE)
    if isinstance(checked, Principal):  # the credentials middleware already checked them
        return checked
    header = request.headers.get("authorization")
    if header is None:
        return None
    services: Services = state.services
    return await sync_to_thread(principal_for_header, services, header)


ServicesDep = NamedDependency[Services]
SearchDep = NamedDependency[Search]
PrincipalDep = NamedDependency[Principal | None]
