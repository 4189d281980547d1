"""`create_app(settings)`: the composition root, the only place that wires the layers."""

import logging
import os
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from litestar.types import Message, Scope

from catalogue.admin import ADMIN_PAGES, session_config
from catalogue.admin.quality import QualityPages
from catalogue.admin.suppliers import SupplierPages
from catalogue.admin.vocabularies import VocabularyPages
from catalogue.asset_routes import AssetRoutes
from catalogue.assets import load_assets
from catalogue.compare import ComparePage
from catalogue.errors import error_page, is_page_request
from catalogue.feeds import FeedRoutes
from catalogue.public import PublicPages
from catalogue.reuse import ReuseCheckPages
from catalogue.templating import make_environment
from registry.api.boundary import CredentialsGuard, NulGuard
from registry.api.dependencies import provide_principal, provide_search, provide_services
from registry.api.dumps import DumpController
from registry.api.entries import EntryController
from registry.api.imports import ImportController
from registry.api.meta import HealthController, MetaController
from registry.api.problems import problem_for
from registry.api.search import SearchController
from registry.errors import RegistryError
from registry.settings import Settings
from registry.wiring import Services, build_services, secret_key

API_VERSION = "1.0.0"
log = logging.getLogger("registry.app")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


_SECURITY_HEADERS = [
    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()
]


async def _security_headers(message: Message, scope: Scope) -> None:
    """Adds the security headers a response does not set itself (pages set their own CSP).

    A before-send hook sees every response the app sends, the errors from its exception
    handlers (404, 405, 400, 413, 500) included, which an after-request hook never sees.
    """
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers") or [])
    present = {name.lower() for name, _ in headers}
    headers += [(name, value) for name, value in _SECURITY_HEADERS if name not in present]
    message["headers"] = headers


def create_app(settings: Settings, services: Services | None = None) -> Litestar:
    """The web application: JSON API (and, from the catalogue package, the pages)."""
    services = services or build_services(settings)
    search = services.open_search()

    def on_startup() -> None:
        outcome = search.feeder.ensure_fresh(search.recreated)
        log.info("Search index %s: %s", settings.effective_index_dir, outcome)
        search.feeder.start(settings.search_poll_seconds)

    def on_shutdown() -> None:
        search.close()
        services.close()

    environment = make_environment()

    def on_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        """Pages get a page in the catalogue's design; the API gets a problem."""
        if not is_page_request(request):
            return problem_for(request, exc)
        if not isinstance(exc, HTTPException | RegistryError):
            log.exception("Unhandled error on %s", request.url.path, exc_info=exc)
        return error_page(request, exc)

    return Litestar(
        route_handlers=[
            PublicPages,
            ComparePage,
            ReuseCheckPages,
            FeedRoutes,
            AssetRoutes,
            EntryController,
            SearchController,
            DumpController,
            ImportController,
            MetaController,
            HealthController,
            *ADMIN_PAGES,
            SupplierPages,
            QualityPages,
            VocabularyPages,
        ],
        dependencies={
            "services": Provide(provide_services, sync_to_thread=False),
            "search": Provide(provide_search, sync_to_thread=False),
            "principal": Provide(provide_principal),
        },
        exception_handlers={RegistryError: on_error, HTTPException: on_error, Exception: on_error},
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment)),
        csrf_config=CSRFConfig(
            secret=secret_key(settings),
            cookie_name="rr_csrf",
            cookie_samesite="strict",
            cookie_httponly=True,
            # The API authenticates with bearer keys, never cookies: no CSRF there.
            exclude=["^/api/", "^/health"],
        ),
        # The maintainers' sign-in session: an encrypted cookie, sent to /admin pages only.
        middleware=[
            NulGuard(),
            CredentialsGuard(),
            session_config(secret_key(settings)).middleware,
        ],
        before_send=[_security_headers],
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        state=State({"services": services, "search": search, "assets": load_assets()}),
        request_max_body_size=settings.max_body_bytes,
        debug=settings.debug,
        openapi_config=OpenAPIConfig(
            title="Reuse Registry API",
            version=API_VERSION,
            description="Find, submit and curate reusable technology for health and public "
            "services. Errors are RFC 9457 problem details.",
            path="/api/v1/openapi",
            render_plugins=[JsonRenderPlugin()],
        ),
    )


def app_from_environment() -> Litestar:
    """The app of one worker process of `registry serve --workers N`: settings from the
    environment, as the command line read them."""
    return create_app(Settings.from_env(os.environ))


__all__ = ["app_from_environment", "create_app"]
