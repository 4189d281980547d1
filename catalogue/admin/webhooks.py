"""Webhooks (admins only): every subscription, and every delivery with its attempts."""

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template

from catalogue.admin.base import AdminController, MaintainerDep, admin_page
from catalogue.admin.session import require_admin
from registry.api.dependencies import ServicesDep
from registry.errors import NotFound

PER_PAGE = 50
#: Subscriptions shown on the page; the API pages through any number.
MAX_SUBSCRIPTIONS = 500


def _number(raw: str | None, default: int | None) -> int | None:
    try:
        return max(1, min(int(raw or ""), 1_000_000_000))
    except ValueError:
        return default


class WebhookPages(AdminController):
    @get("/admin/webhooks", sync_to_thread=True)
    def webhooks(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        require_admin(maintainer)
        service = services.webhooks.subscriptions
        params = request.query_params
        page = _number(params.get("page"), 1) or 1
        chosen = _number(params.get("subscription"), None)
        subscriptions = service.list(maintainer, 1, MAX_SUBSCRIPTIONS)
        missing = False
        try:
            deliveries = service.deliveries(chosen, maintainer, page, PER_PAGE)
        except NotFound:
            missing = True
            deliveries = service.deliveries(None, maintainer, page, PER_PAGE)
            chosen = None
        query = {"subscription": str(chosen)} if chosen else {}

        def page_url(number: int) -> str:
            return f"/admin/webhooks?{urlencode({**query, 'page': number})}"

        return admin_page(
            request,
            "admin/webhooks.jinja",
            maintainer,
            status_code=404 if missing else 200,
            title="Webhooks",
            subscriptions=subscriptions,
            deliveries=deliveries,
            chosen=chosen,
            missing=missing,
            page=page,
            last_page=deliveries.last_page,
            previous_url=page_url(page - 1) if page > 1 else None,
            next_url=page_url(page + 1) if page < deliveries.last_page else None,
        )
