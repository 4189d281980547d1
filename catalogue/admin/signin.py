"""Signing in and out of the admin pages."""

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from catalogue.admin.base import admin_page
from catalogue.admin.session import LOGIN_PATH, session_token, start_session
from catalogue.forms import form_text
from registry.api.dependencies import ServicesDep

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
#: One message for every failure, so no one learns which part was wrong.
WRONG = "The email or password is wrong"
LOCKED = "The email or password is wrong. Try again later"


class SignInPages(Controller):
    include_in_schema = False

    @get(LOGIN_PATH, sync_to_thread=False)
    def form(self, request: Request[Any, Any, Any]) -> Template:
        return _form(request, email="", errors={})

    @post(LOGIN_PATH, sync_to_thread=True)
    def sign_in(
        self, request: Request[Any, Any, Any], services: ServicesDep, data: FormData
    ) -> Redirect | Template:
        email = form_text(data, "email", 254).strip()
        password = form_text(data, "password")
        errors: dict[str, str] = {}
        if not email:
            errors["email"] = "Enter your email address"
        if not password:
            errors["password"] = "Enter your password"  # noqa: S105 - a message
        if errors:
            return _form(request, email=email, errors=errors)
        result = services.accounts.sign_in(email, password)
        if result.principal is None:
            return _form(request, email=email, errors={"email": LOCKED if result.locked else WRONG})
        assert result.session is not None
        start_session(request, result.session)
        return Redirect(path="/admin", status_code=303)

    @post("/admin/logout", sync_to_thread=True)
    def sign_out(self, request: Request[Any, Any, Any], services: ServicesDep) -> Redirect:
        token = session_token(request)
        if token is not None:
            services.accounts.sign_out(token)
        request.clear_session()
        return Redirect(path=LOGIN_PATH, status_code=303)


def _form(request: Request[Any, Any, Any], *, email: str, errors: dict[str, str]) -> Template:
    order = [name for name in ("email", "password") if name in errors]
    return admin_page(
        request,
        "admin/login.jinja",
        None,
        status_code=400 if errors else 200,
        title=("Error: " if errors else "") + "Sign in to the registry's admin pages",
        email=email,
        errors=errors,
        error_list=[{"text": errors[name], "href": f"#{name}"} for name in order],
    )
