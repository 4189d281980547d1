"""Maintainers and their API keys (admins only): list maintainers, add one with a first
password, issue keys with review or admin scopes (the token shown once) and revoke them.
Every change is audited with the signed-in admin as the actor (by the account service)."""

from collections.abc import Callable
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
from catalogue.forms import form_text, form_values
from registry.accounts import MAINTAINER_ROLES, MIN_PASSWORD_LENGTH, IssuedKey
from registry.api.dependencies import ServicesDep
from registry.auth import Principal, Scope
from registry.errors import Conflict
from registry.wiring import Services

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
LIST = "/admin/maintainers"
#: What each scope lets a maintainer's key do, for the issue-key form.
SCOPE_HINTS = {
    Scope.REVIEW.value: "Read every entry, approve, request changes, reject and curate.",
    Scope.ADMIN.value: "Also manage suppliers, keys, maintainers and vocabularies.",
}


class MaintainerPages(AdminController):
    @get(LIST, sync_to_thread=True)
    def maintainers(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        require_admin(maintainer)
        return _list_page(request, services, maintainer, errors={}, typed={})

    @post(LIST, sync_to_thread=True)
    def add(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        typed = {
            "email": form_text(data, "email", 300).strip(),
            "name": form_text(data, "name", 300).strip(),
            "role": form_text(data, "role", 20),
        }
        password = form_text(data, "password", 1000)
        errors: dict[str, str] = {}
        if "@" not in typed["email"]:
            errors["email"] = "Enter an email address, like name@example.nhs.uk"
        if not typed["name"]:
            errors["name"] = "Enter their name, as revisions and the audit log will show it"
        if typed["role"] not in MAINTAINER_ROLES:
            errors["role"] = "Choose reviewer or admin"
        if len(password) < MIN_PASSWORD_LENGTH:
            errors["password"] = (
                f"Enter a first password of at least {MIN_PASSWORD_LENGTH} characters"
            )
        if not errors:
            try:
                created = services.accounts.create_maintainer(
                    email=typed["email"],
                    role=typed["role"],
                    name=typed["name"],
                    password=password,
                    actor=maintainer,
                )
            except Conflict as taken:
                field = "email" if "email" in taken.detail else "name"
                errors[field] = taken.detail
            except ValueError as invalid:
                field = next((f for f in ("email", "name", "password") if f in str(invalid)), "")
                errors[field or "email"] = str(invalid).capitalize()
            else:
                flash(request, f"Added {created.name} as {created.role}: they can now sign in")
                return Redirect(path=f"{LIST}/{created.id}", status_code=303)
        return _list_page(request, services, maintainer, errors=errors, typed=typed)

    @get(f"{LIST}/{{maintainer_id:int}}", sync_to_thread=True)
    def detail(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        maintainer_id: FromPath[int],
    ) -> Template:
        require_admin(maintainer)
        return _detail_page(request, services, maintainer, maintainer_id)

    @post(f"{LIST}/{{maintainer_id:int}}/keys", sync_to_thread=True)
    def issue_key(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        maintainer_id: FromPath[int],
        data: FormData,
    ) -> Template:
        require_admin(maintainer)
        person, _ = services.accounts.maintainer_keys(maintainer_id)
        form = read_key_form(data)
        errors = dict(form.errors)
        scopes = form_values(data, "scopes")
        allowed = _scopes_for(person.role)
        if not scopes:
            errors["scopes"] = "Choose what the key may do"
        elif set(scopes) - set(allowed):
            errors["scopes"] = "Only an admin's key can have the admin scope"
        if errors:
            return _detail_page(
                request,
                services,
                maintainer,
                maintainer_id,
                errors=errors,
                typed={**form.typed, "scopes": " ".join(scopes)},
            )
        try:
            issued = services.accounts.create_key(
                scopes=scopes,
                maintainer=person.name,
                expires_in_days=form.days,
                label=form.label,
                actor=maintainer,
            )
        except (Conflict, ValueError) as refused:  # the role changed since the page was read
            reason = refused.detail if isinstance(refused, Conflict) else str(refused)
            return _detail_page(
                request, services, maintainer, maintainer_id, errors={"scopes": reason}
            )
        return _detail_page(request, services, maintainer, maintainer_id, issued=issued)

    @post(f"{LIST}/{{maintainer_id:int}}/role", sync_to_thread=True)
    def change_role(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        maintainer_id: FromPath[int],
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        role = form_text(data, "role", 20)
        return _account_change(
            request,
            services,
            maintainer,
            maintainer_id,
            "role",
            lambda: services.accounts.change_role(maintainer_id, role, maintainer),
            lambda name: f"{name} is now {'an admin' if role == 'admin' else 'a reviewer'}",
        )

    @post(f"{LIST}/{{maintainer_id:int}}/password", sync_to_thread=True)
    def set_password(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        maintainer_id: FromPath[int],
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        password = form_text(data, "password", 1000)
        return _account_change(
            request,
            services,
            maintainer,
            maintainer_id,
            "password",
            lambda: services.accounts.set_password(maintainer_id, password, maintainer),
            lambda name: f"Set a new password for {name}: give it to them in person",
        )

    @post(f"{LIST}/{{maintainer_id:int}}/unlock", sync_to_thread=True)
    def unlock(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        maintainer_id: FromPath[int],
    ) -> Redirect | Template:
        require_admin(maintainer)
        return _account_change(
            request,
            services,
            maintainer,
            maintainer_id,
            "unlock",
            lambda: services.accounts.unlock(maintainer_id, maintainer),
            lambda name: f"{name} can sign in again",
        )

    @post(f"{LIST}/{{maintainer_id:int}}/remove-access", sync_to_thread=True)
    def remove_access(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        maintainer_id: FromPath[int],
    ) -> Redirect | Template:
        require_admin(maintainer)
        return _account_change(
            request,
            services,
            maintainer,
            maintainer_id,
            "remove-access",
            lambda: services.accounts.remove_access(maintainer_id, maintainer),
            lambda name: f"{name} can no longer sign in, and their keys are revoked",
        )

    @post(f"{LIST}/{{maintainer_id:int}}/keys/{{key_id:str}}/revoke", sync_to_thread=True)
    def revoke_key(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        maintainer_id: FromPath[int],
        key_id: FromPath[str],
    ) -> Redirect:
        require_admin(maintainer)
        _, keys = services.accounts.maintainer_keys(maintainer_id)
        return revoke_held_key(
            request, services.accounts, maintainer, keys, key_id, f"{LIST}/{maintainer_id}"
        )


def _account_change(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    maintainer_id: int,
    field: str,
    change: Callable[[], str],
    done: Callable[[str], str],
) -> Redirect | Template:
    """Apply one change to another maintainer's account: a message and back to their
    page, or their page with the problem next to the form's `field`."""
    try:
        name = change()
    except (Conflict, ValueError) as refused:
        message = refused.detail if isinstance(refused, Conflict) else str(refused)
        return _detail_page(
            request, services, maintainer, maintainer_id, errors={field: message.capitalize()}
        )
    flash(request, done(name))
    return Redirect(path=f"{LIST}/{maintainer_id}", status_code=303)


def _scopes_for(role: str) -> list[str]:
    """A reviewer's keys can review; an admin's can also administer."""
    return [Scope.REVIEW.value, *([Scope.ADMIN.value] if role == "admin" else [])]


def _list_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    *,
    errors: dict[str, str],
    typed: dict[str, str],
) -> Template:
    people = [
        {
            "id": person.id,
            "name": person.name,
            "email": person.email or "(API keys only)",
            "role": person.role,
            "locked": when(person.locked_until),
            "active_keys": person.active_keys,
            "can_sign_in": person.can_sign_in,
        }
        for person in services.accounts.maintainers()
    ]
    return form_page(
        request,
        "admin/maintainers.jinja",
        maintainer,
        "Maintainers",
        errors,
        people=people,
        roles=MAINTAINER_ROLES,
        min_password=MIN_PASSWORD_LENGTH,
        typed=typed,
    )


def _detail_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    maintainer_id: int,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    issued: IssuedKey | None = None,
) -> Template:
    errors = errors or {}
    typed = typed or {}
    person, keys = services.accounts.maintainer_keys(maintainer_id)
    chosen = typed.get("scopes", Scope.REVIEW.value).split()
    return form_page(
        request,
        "admin/maintainers_detail.jinja",
        maintainer,
        person.name,
        errors,
        person={
            "id": person.id,
            "name": person.name,
            "email": person.email or "(API keys only)",
            "role": person.role,
            "created": when(person.created_at),
            "locked": when(person.locked_until),
            "can_sign_in": person.can_sign_in,
            "has_email": person.email is not None,
            "is_me": person.id == maintainer.maintainer_id,
        },
        roles=MAINTAINER_ROLES,
        min_password=MIN_PASSWORD_LENGTH,
        keys=key_rows(keys),
        issued=issued,
        scope_choices=[
            {"value": scope, "hint": SCOPE_HINTS[scope], "checked": scope in chosen}
            for scope in _scopes_for(person.role)
        ],
        typed=typed,
        max_expiry_days=MAX_EXPIRY_DAYS,
    )
