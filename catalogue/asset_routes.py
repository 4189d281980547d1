"""Serving the design system's files (and ours) under /assets, with long-lived caching."""

from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

from catalogue.assets import OWN_STATIC

CACHE = {"Cache-Control": "public, max-age=86400"}
TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}


class AssetRoutes(Controller):
    path = "/assets"
    include_in_schema = False

    @get("/catalogue.css", media_type="text/css", sync_to_thread=False)
    def css(self, request: Request[Any, Any, Any]) -> Response[str]:
        return Response(request.app.state.assets.css, media_type="text/css", headers=CACHE)

    @get("/init.js", media_type="text/javascript", sync_to_thread=False)
    def init(self) -> File:
        return File(
            OWN_STATIC / "init.js",
            content_disposition_type="inline",
            media_type="text/javascript",
            headers=CACHE,
        )

    @get("/nhsuk-frontend.min.js", media_type="text/javascript", sync_to_thread=False)
    def script(self, request: Request[Any, Any, Any]) -> File:
        script: Path | None = request.app.state.assets.js
        if script is None:
            raise NotFoundException()
        return File(
            script, content_disposition_type="inline", media_type="text/javascript", headers=CACHE
        )

    @get("/images/{name:str}", sync_to_thread=False)
    def image(self, request: Request[Any, Any, Any], name: FromPath[str]) -> File:
        folder: Path | None = request.app.state.assets.images
        candidate = (folder / name) if folder else None
        # Only plain file names inside the images folder: no paths, no other types.
        if (
            candidate is None
            or "/" in name
            or name.startswith(".")
            or candidate.suffix not in TYPES
            or not candidate.is_file()
        ):
            raise NotFoundException()
        return File(
            candidate,
            content_disposition_type="inline",
            media_type=TYPES[candidate.suffix],
            headers=CACHE,
        )

    @get("/manifest.json", media_type="application/manifest+json", sync_to_thread=False)
    def manifest(self) -> dict[str, Any]:
        return {
            "name": "Reuse Registry",
            "short_name": "Reuse Registry",
            "start_url": "/",
            "display": "browser",
            "theme_color": "#005eb8",
        }
