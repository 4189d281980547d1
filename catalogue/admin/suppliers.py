"""Suppliers and their API keys (admins only): list and create suppliers, issue keys (the
token shown once, on the response page), and revoke them. Every change is audited with the
signed-in admin as the actor (by the account service)."""

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from catalogue.admin.base import AdminController, MaintainerDep, form_page
from catalogue.admin.keys import (
    MAX_EXPIRY_DAYS,
    key_rows,
    read_key_form,
    revoke_held_key,
    when,
)
from catalogue.admin.session import flash, require_admin
from catalogue.forms import form_text
from registry.accounts import IssuedKey
from registry.api.dependencies import ServicesDep
from registry.auth import Principal, Scope
from registry.errors import Conflict
from registry.wiring import Services

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_NAME = 200
#: A supplier's key can only submit entries.
SUPPLIER_SCOPES = [Scope.SUBMIT.value]


class SupplierPages(AdminController):
    @get("/admin/suppliers", sync_to_thread=True)
    def suppliers(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        require_admin(maintainer)
        return _list_page(request, services, maintainer, errors={}, typed="")

    @post("/admin/suppliers", sync_to_thread=True)
    def create_supplier(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        name = form_text(data, "name", MAX_NAME + 1).strip()
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = "Enter the supplier's name"
        elif len(name) > MAX_NAME:
            errors["name"] = f"The name must be {MAX_NAME} characters or fewer"
        else:
            try:
                created = services.accounts.create_supplier(name, maintainer)
            except Conflict:
                errors["name"] = "There is already a supplier with this name"
            except ValueError:
                errors["name"] = f"The name must be 1 to {MAX_NAME} characters"
            else:
                flash(request, f"Added the supplier {created.name}")
                return Redirect(path=f"/admin/suppliers/{created.id}", status_code=303)
        return _list_page(request, services, maintainer, errors=errors, typed=name)

    @get("/admin/suppliers/{supplier_id:int}", sync_to_thread=True)
    def supplier(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        supplier_id: FromPath[int],
    ) -> Template:
        require_admin(maintainer)
        return _detail_page(request, services, maintainer, supplier_id)

    @post("/admin/suppliers/{supplier_id:int}/keys", sync_to_thread=True)
    def issue_key(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        supplier_id: FromPath[int],
        data: FormData,
    ) -> Template:
        require_admin(maintainer)
        supplier, _ = services.accounts.supplier_keys(supplier_id)
        form = read_key_form(data)
        if form.errors:
            return _detail_page(
                request, services, maintainer, supplier_id, errors=form.errors, typed=form.typed
            )
        issued = services.accounts.create_key(
            scopes=SUPPLIER_SCOPES,
            supplier=supplier.name,
            expires_in_days=form.days,
            label=form.label,
            actor=maintainer,
        )
        return _detail_page(request, services, maintainer, supplier_id, issued=issued)

    @post("/admin/suppliers/{supplier_id:int}/keys/{key_id:str}/revoke", sync_to_thread=True)
    def revoke_key(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        supplier_id: FromPath[int],
        key_id: FromPath[str],
    ) -> Redirect:
        require_admin(maintainer)
        _, keys = services.accounts.supplier_keys(supplier_id)
        return revoke_held_key(
            request, services.accounts, maintainer, keys, key_id, f"/admin/suppliers/{supplier_id}"
        )


def _list_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    *,
    errors: dict[str, str],
    typed: str,
) -> Template:
    suppliers = [
        {
            "id": s.id,
            "name": s.name,
            "created": s.created_at.isoformat(),
            "active_keys": s.active_keys,
        }
        for s in services.accounts.suppliers()
    ]
    return form_page(
        request,
        "admin/suppliers.jinja",
        maintainer,
        "Suppliers and keys",
        errors,
        suppliers=suppliers,
        typed=typed,
    )


def _detail_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    supplier_id: int,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    issued: IssuedKey | None = None,
) -> Template:
    errors = errors or {}
    supplier, keys = services.accounts.supplier_keys(supplier_id)
    return form_page(
        request,
        "admin/suppliers_detail.jinja",
        maintainer,
        supplier.name,
        errors,
        supplier={"id": supplier.id, "name": supplier.name, "created": when(supplier.created_at)},
        keys=key_rows(keys),
        issued=issued,
        typed=typed or {},
        max_expiry_days=MAX_EXPIRY_DAYS,
    )
