"""Signing in and out of the admin pages."""

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from catalogue.admin.base import admin_page
from catalogue.admin.session import LOGIN_PATH, session_token, start_session
from catalogue.forms import form_text
from registry.accounts import SignInResult
from registry.api.dependencies import ServicesDep
from registry.throttle import in_words

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
#: One message for every failure, so no one learns which part was wrong; the waits are
#: counted the same for every email typed, known or not, so they tell nothing either.
WRONG = "The email or password is wrong"
WAIT_AFTER_WRONG = "The email or password is wrong. Wait {wait} before trying again"
WAIT = "Too many wrong attempts to sign in from here. Wait {wait} and try again"


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
        address = request.client.host if request.client else ""
        result = services.accounts.sign_in(email, password, address)
        if result.principal is None:
            return _form(request, email=email, errors={"email": _refusal(result)})
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


def _refusal(result: SignInResult) -> str:
    if result.retry_after is None:
        return WRONG
    # A refusal before checking anything is told apart from a wrong password by whether
    # the password was checked, never by whether the email is known.
    template = WAIT if result.checked is False else WAIT_AFTER_WRONG
    return template.format(wait=in_words(result.retry_after))


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
