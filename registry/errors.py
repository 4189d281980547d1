"""Domain errors: plain exceptions; `registry.api.problems` maps them to HTTP problems.

RegistryError
 ├── InvalidEntry          the document breaks the schema or a rule (carries every issue)
 ├── NotFound              no such entry, revision, vocabulary, key …
 ├── Conflict              the id is taken, or the request clashes with current state
 │    └── TransitionNotAllowed   a workflow action that the entry's state does not allow
 ├── PreconditionFailed    If-Match does not match the current version
 ├── PreconditionRequired  If-Match is missing on an update
 ├── Unauthenticated       no credentials, or wrong ones
 ├── Forbidden             credentials fine, permission missing
 ├── BadRequest            the request cannot be understood (malformed body, bad parameter)
 │    ├── PayloadTooLarge
 │    └── UnsupportedMediaType
 └── Unavailable           not able to answer yet (the search index is being built)
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem found in a document: where (a JSON Pointer) and what, in plain English."""

    path: str
    message: str
    severity: str = "error"  # "error" blocks storing; "warning" is reported only

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message, "severity": self.severity}


class RegistryError(Exception):
    """Base of every error the registry raises on purpose."""

    title = "Registry error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidEntry(RegistryError):
    title = "The entry is not valid"

    def __init__(self, issues: Sequence[Issue], detail: str | None = None) -> None:
        errors = [i for i in issues if i.severity == "error"]
        super().__init__(detail or f"{len(errors)} problem(s) found in the entry")
        self.issues = list(issues)


class NotFound(RegistryError):
    title = "Not found"


class Moved(NotFound):
    title = "Moved"

    def __init__(self, detail: str, target: str) -> None:
        super().__init__(detail)
        self.target = target


class Conflict(RegistryError):
    title = "Conflict"


class TransitionNotAllowed(Conflict):
    title = "Action not allowed in this state"

    def __init__(self, detail: str, state: str, allowed: Sequence[str]) -> None:
        super().__init__(detail)
        self.state = state
        self.allowed = list(allowed)


class PreconditionFailed(RegistryError):
    title = "The entry has changed since you read it"


class PreconditionRequired(RegistryError):
    title = "If-Match header required"


class Unauthenticated(RegistryError):
    title = "Authentication required"


class Forbidden(RegistryError):
    title = "Forbidden"


class BadRequest(RegistryError):
    title = "Bad request"

    def __init__(self, detail: str, issues: Sequence[Issue] = ()) -> None:
        super().__init__(detail)
        self.issues = list(issues)


class PayloadTooLarge(BadRequest):
    title = "Request body too large"


class UnsupportedMediaType(BadRequest):
    title = "Unsupported media type"


class Unavailable(RegistryError):
    title = "Temporarily unavailable"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
