"""Suppliers and their API keys (admins only): list and create suppliers, issue keys (the
token shown once, on the response page), and revoke them. Every change is audited with the
signed-in admin as the actor (by the account service)."""

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from catalogue.admin.base import AdminController, MaintainerDep, admin_page
from catalogue.admin.session import flash, require_admin
from catalogue.admin.signin import form_text
from registry.accounts import IssuedKey
from registry.api.dependencies import ServicesDep
from registry.auth import Principal, Scope
from registry.errors import Conflict, NotFound
from registry.wiring import Services

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_NAME = 200
MAX_LABEL = 200
MAX_EXPIRY_DAYS = 3650
#: A supplier's key can only submit entries.
SUPPLIER_SCOPES = [Scope.SUBMIT.value]


def when(moment: datetime | None) -> str:
    """'2026-11-26 06:20 UTC', or empty."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


def _error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]


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
        label = form_text(data, "label", MAX_LABEL + 1).strip()
        expiry = form_text(data, "expires_in_days", 20).strip()
        errors: dict[str, str] = {}
        if len(label) > MAX_LABEL:
            errors["label"] = f"The label must be {MAX_LABEL} characters or fewer"
        days: int | None = None
        if expiry:
            if not expiry.isdigit() or not 1 <= int(expiry) <= MAX_EXPIRY_DAYS:
                errors["expires_in_days"] = (
                    f"Enter a whole number of days from 1 to {MAX_EXPIRY_DAYS}, or leave it empty"
                )
            else:
                days = int(expiry)
        if errors:
            return _detail_page(
                request,
                services,
                maintainer,
                supplier_id,
                errors=errors,
                typed={"label": label, "expires_in_days": expiry},
            )
        issued = services.accounts.create_key(
            scopes=SUPPLIER_SCOPES,
            supplier=supplier.name,
            expires_in_days=days,
            label=label,
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
        if key_id not in {key.key_id for key in keys}:
            raise NotFound("This supplier has no such key.")
        services.accounts.revoke_key(key_id, maintainer)
        flash(request, f"Revoked the key {key_id}")
        return Redirect(path=f"/admin/suppliers/{supplier_id}", status_code=303)


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
    return admin_page(
        request,
        "admin/suppliers.jinja",
        maintainer,
        status_code=400 if errors else 200,
        title=("Error: " if errors else "") + "Suppliers and keys",
        suppliers=suppliers,
        errors=errors,
        error_list=_error_list(errors),
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
    rows = [
        {
            "key_id": key.key_id,
            "label": key.label,
            "scopes": " ".join(key.scopes),
            "created": when(key.created_at),
            "expires": when(key.expires_at),
            "last_used": when(key.last_used_at),
            "status": "Revoked" if key.revoked_at else ("Expired" if key.expired else "Active"),
            "revoked": when(key.revoked_at),
            "active": key.active,
        }
        for key in keys
    ]
    return admin_page(
        request,
        "admin/suppliers_detail.jinja",
        maintainer,
        status_code=400 if errors else 200,
        title=("Error: " if errors else "") + supplier.name,
        supplier={"id": supplier.id, "name": supplier.name, "created": when(supplier.created_at)},
        keys=rows,
        issued=issued,
        errors=errors,
        error_list=_error_list(errors),
        typed=typed or {},
        max_expiry_days=MAX_EXPIRY_DAYS,
    )
