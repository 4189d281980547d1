"""RFC 9457 problem responses: one table maps every error to its status and body."""

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)

from registry.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidEntry,
    Moved,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    RegistryError,
    TransitionNotAllowed,
    Unauthenticated,
    Unavailable,
    UnsupportedMediaType,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("registry.api")

#: Domain error -> (HTTP status, problem type). Most specific first.
STATUS: tuple[tuple[type[RegistryError], int, str], ...] = (
    (InvalidEntry, 422, "invalid-entry"),
    (PayloadTooLarge, 413, "payload-too-large"),
    (UnsupportedMediaType, 415, "unsupported-media-type"),
    (BadRequest, 400, "bad-request"),
    (Unauthenticated, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "not-found"),
    (TransitionNotAllowed, 409, "transition-not-allowed"),
    (Conflict, 409, "conflict"),
    (PreconditionFailed, 412, "precondition-failed"),
    (PreconditionRequired, 428, "precondition-required"),
    (Unavailable, 503, "unavailable"),
)


def problem_type(slug: str) -> str:
    return f"urn:reuse-registry:problem:{slug}"


def problem(
    status: int,
    title: str,
    detail: str,
    instance: str,
    slug: str = "about",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": problem_type(slug) if slug != "about" else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def registry_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, RegistryError)
    if isinstance(exc, Moved):
        # A merged id: a permanent redirect to the surviving entry, same sub-path.
        prefix = "/api/v1/entries/"
        location = prefix + exc.target
        return problem(
            301,
            exc.title,
            exc.detail,
            request.url.path,
            "moved",
            {"Location": location},
            location=location,
        )
    status, slug = next((s, t) for kind, s, t in STATUS if isinstance(exc, kind))
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidEntry | BadRequest):
        errors = [i for i in exc.issues if i.severity == "error"]
        extra["errors"] = [{"path": i.path, "message": i.message} for i in errors] or [
            {"path": "", "message": exc.detail}
        ]
        warnings = [i for i in exc.issues if i.severity == "warning"]
        if warnings:
            extra["warnings"] = [{"path": i.path, "message": i.message} for i in warnings]
    if isinstance(exc, TransitionNotAllowed):
        extra["state"] = exc.state
        extra["allowed_actions"] = exc.allowed
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="reuse-registry"'
    if isinstance(exc, Unavailable):
        headers["Retry-After"] = str(exc.retry_after)
    return problem(status, exc.title, exc.detail, request.url.path, slug, headers, **extra)


def http_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Litestar's own errors: unknown routes, wrong methods, bad parameters, big bodies."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    headers = dict(exc.headers or {})
    if isinstance(exc, NotFoundException):
        return problem(
            404, "Not found", "There is nothing at this address.", request.url.path, "not-found"
        )
    if isinstance(exc, MethodNotAllowedException):
        return problem(
            405, "Method not allowed", exc.detail, request.url.path, "method-not-allowed", headers
        )
    if isinstance(exc, ValidationException):
        errors = [_parameter_error(e) for e in (exc.extra or []) if isinstance(e, dict)]
        return problem(
            400,
            "Bad request",
            "A parameter is missing or not valid.",
            request.url.path,
            "bad-request",
            errors=errors,
        )
    if status == 413:
        return problem(
            413,
            "Request body too large",
            "The request body is too large.",
            request.url.path,
            "payload-too-large",
        )
    if status >= 500:
        log.error("HTTP %s on %s: %s", status, request.url.path, exc.detail)
    return problem(
        status, exc.detail or "Error", exc.detail or "Error", request.url.path, headers=headers
    )


def _parameter_error(error: dict[str, Any]) -> dict[str, str]:
    source = error.get("source") or "query"
    where = str(getattr(source, "value", source))
    key = str(error.get("key") or "")
    message = str(error.get("message") or "is not valid")
    return {"path": f"/{where}/{key}" if key else f"/{where}", "message": message}


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        500,
        "Internal server error",
        "Something went wrong on our side; it has been logged.",
        request.url.path,
    )


def problem_for(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The problem response for any exception (the one entry point the app uses)."""
    if isinstance(exc, RegistryError):
        return registry_error_handler(request, exc)
    if isinstance(exc, HTTPException):
        return http_error_handler(request, exc)
    return internal_error_handler(request, exc)


__all__ = ["PROBLEM_JSON", "MediaType", "problem", "problem_for"]
