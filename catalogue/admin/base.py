"""What every admin page shares: the sign-in guard, the sub-navigation and no caching."""

from typing import Any

from litestar import Controller, Request
from litestar.di import NamedDependency, Provide
from litestar.response import Template

from catalogue.admin.session import SignInRequired, provide_maintainer, take_flash, to_sign_in
from catalogue.rendering import page
from registry.auth import Principal, Scope

#: The signed-in maintainer, as a handler parameter named `maintainer`.
MaintainerDep = NamedDependency[Principal]
#: Admin pages show unpublished and personal data: never keep them in any cache.
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


class AdminController(Controller):
    """A controller whose every handler needs a signed-in maintainer (`maintainer`)."""

    include_in_schema = False
    dependencies = {"maintainer": Provide(provide_maintainer)}  # noqa: RUF012 - Litestar's API
    exception_handlers = {SignInRequired: to_sign_in}  # noqa: RUF012 - Litestar's API


def admin_nav(request_path: str, principal: Principal | None) -> list[dict[str, Any]]:
    """The admin sub-navigation; suppliers, vocabularies and the audit log only for admins."""
    items = [
        ("/admin", "Admin home"),
        ("/admin/queue", "Review queue"),
        ("/admin/entries", "Entries"),
        ("/admin/duplicates", "Duplicates"),
        ("/admin/quality", "Data quality"),
        ("/admin/unmet-needs", "Unmet needs"),
    ]
    if principal is not None and principal.has(Scope.ADMIN):
        items += [
            ("/admin/suppliers", "Suppliers and keys"),
            ("/admin/sources", "Harvest sources"),
            ("/admin/maintainers", "Maintainers"),
            ("/admin/vocabularies", "Vocabularies"),
            ("/admin/audit", "Audit log"),
            ("/admin/webhooks", "Webhooks"),
        ]
    return [
        {
            "href": href,
            "text": text,
            "current": request_path == href or (href != "/admin" and request_path.startswith(href)),
        }
        for href, text in items
    ]


def admin_page(
    request: Request[Any, Any, Any],
    template: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    response = page(
        request,
        template,
        status_code=status_code,
        maintainer=principal,
        admin_nav=admin_nav(request.url.path, principal),
        flash=take_flash(request) if principal is not None else "",
        **context,
    )
    for name, value in NO_STORE.items():
        response.set_header(name, value)
    return response


def form_page(
    request: Request[Any, Any, Any],
    template: str,
    principal: Principal,
    title: str,
    errors: dict[str, str],
    status_code: int = 400,
    **context: Any,
) -> Template:
    """A page with forms: `status_code` (400) and "Error: " in the title when there are
    problems, each listed in the error summary and linked to its field (whose id is the
    key)."""
    return admin_page(
        request,
        template,
        principal,
        status_code=status_code if errors else 200,
        title=("Error: " if errors else "") + title,
        errors=errors,
        error_list=[{"text": message, "href": f"#{field}"} for field, message in errors.items()],
        **context,
    )
