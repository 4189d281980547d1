"""The admin home page and the unmet needs page."""

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template

from catalogue.admin.base import AdminController, MaintainerDep, admin_page
from registry.api.dependencies import ServicesDep
from registry.auth import Scope
from registry.curation import Curation
from registry.decisions import DecisionService

UNMET_LIMIT = 200


class AdminHome(AdminController):
    @get("/admin", sync_to_thread=True)
    def home(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        return admin_page(
            request,
            "admin/home.jinja",
            maintainer,
            title="Admin",
            queue_size=Curation(services.engine, services.entries).queue_size(),
            is_admin=maintainer.has(Scope.ADMIN),
        )

    @get("/admin/unmet-needs", sync_to_thread=True)
    def unmet_needs(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        needs = [
            {
                "query": need.query,
                "count": need.count,
                "first_seen": need.first_seen,
                "last_seen": need.last_seen,
                "search_url": "/search?" + urlencode({"q": need.query}),
                "check_url": "/reuse-check?" + urlencode({"need": need.query, "q": need.query}),
            }
            for need in DecisionService(services.engine).unmet_needs(UNMET_LIMIT)
        ]
        return admin_page(
            request, "admin/unmet_needs.jinja", maintainer, title="Unmet needs", needs=needs
        )
