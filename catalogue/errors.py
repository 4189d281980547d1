"""Friendly error pages in the catalogue's design, for every page that is not the API."""

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from catalogue.rendering import page
from registry.api.problems import STATUS
from registry.errors import Moved, RegistryError, Unavailable

MESSAGES = {
    404: (
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
            "The entry may have been removed or renamed.",
        ],
    ),
    403: ("You cannot see this page", ["You do not have permission to see this page."]),
    400: ("There is a problem with that request", ["Check the address or the form and try again."]),
    405: ("That did not work", ["This address cannot be used that way."]),
    413: ("That was too large", ["What you sent is larger than we accept."]),
    503: (
        "Search is starting up",
        ["The catalogue's search is being prepared.", "Try again in a few seconds."],
    ),
    500: (
        "Sorry, there is a problem with the service",
        ["Try again later.", "The problem has been logged for the registry's maintainers."],
    ),
}


def is_page_request(request: Request[Any, Any, Any]) -> bool:
    """Everything outside the JSON API and the health check is a page."""
    path = request.url.path
    return not (path.startswith("/api/") or path == "/health")


def error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any] | Template:
    if isinstance(exc, Moved):
        # A merged entry's old address leads to the surviving entry.
        return Redirect(path=f"/entries/{exc.target}", status_code=301)
    status = 500
    if isinstance(exc, HTTPException):
        status = exc.status_code
    elif isinstance(exc, RegistryError):
        status = next((s for kind, s, _ in STATUS if isinstance(exc, kind)), 500)
    heading, lines = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    shown = page(
        request,
        "pages/error.jinja",
        status_code=status,
        title=heading,
        heading=heading,
        lines=lines,
    )
    if isinstance(exc, Unavailable):
        shown.headers["Retry-After"] = str(exc.retry_after)
    return shown
