"""Rendering a page: a fresh CSP nonce per response, and the security headers pages need."""

import secrets
from typing import Any

from litestar import MediaType, Request
from litestar.response import Template

#: Pages load scripts, styles, images and fonts only from this site; the one inline script
#: (the design system's `js-enabled` marker) carries the response's nonce.
CSP = (
    "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def page(
    request: Request[Any, Any, Any],
    template: str,
    status_code: int = 200,
    **context: Any,
) -> Template:
    nonce = secrets.token_urlsafe(16)
    assets = request.app.state.assets
    return Template(
        template_name=template,
        context={
            "cspNonce": nonce,
            "assets_available": assets.available,
            "request_path": request.url.path,
            **context,
        },
        status_code=status_code,
        # The media type would otherwise be guessed from the ".jinja" suffix (text/plain).
        media_type=MediaType.HTML,
        headers={"Content-Security-Policy": CSP.format(nonce=nonce)},
    )


def site_url(request: Request[Any, Any, Any]) -> str:
    """The site's public address for absolute links: REGISTRY_BASE_URL when set (so a
    forged Host header cannot point feeds and records elsewhere), else this request's."""
    configured: str = request.app.state.services.settings.base_url
    return configured or str(request.base_url).rstrip("/")
