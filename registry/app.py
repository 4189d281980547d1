"""`create_app(settings)`: the composition root, the only place that wires the layers."""

from typing import Any

from litestar import Litestar, Response
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from registry.api.dependencies import provide_principal, provide_services
from registry.api.dumps import DumpController
from registry.api.entries import EntryController
from registry.api.imports import ImportController
from registry.api.meta import HealthController, MetaController
from registry.api.problems import EXCEPTION_HANDLERS
from registry.settings import Settings
from registry.wiring import Services, build_services

API_VERSION = "1.0.0"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


def _security_headers(response: Response[Any]) -> Response[Any]:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(settings: Settings, services: Services | None = None) -> Litestar:
    """The web application: JSON API (and, from the catalogue package, the pages)."""
    services = services or build_services(settings)

    def on_shutdown() -> None:
        services.close()

    return Litestar(
        route_handlers=[
            EntryController,
            DumpController,
            ImportController,
            MetaController,
            HealthController,
        ],
        dependencies={
            "services": Provide(provide_services, sync_to_thread=False),
            "principal": Provide(provide_principal),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        after_request=_security_headers,
        on_shutdown=[on_shutdown],
        state=State({"services": services}),
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


__all__ = ["create_app"]
