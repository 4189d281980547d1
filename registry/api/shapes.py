"""Response shapes, declared for the OpenAPI document (the handlers build plain dicts)."""

from typing import Any, Literal, NotRequired, TypedDict

from litestar.openapi.datastructures import ResponseSpec

from registry.api.problems import PROBLEM_JSON


class IssueOut(TypedDict):
    path: str
    message: str


class ProblemOut(TypedDict):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: NotRequired[list[IssueOut]]
    warnings: NotRequired[list[IssueOut]]
    state: NotRequired[str]
    allowed_actions: NotRequired[list[str]]


class PendingOut(TypedDict):
    revision: int
    state: str
    document: dict[str, Any] | None


class SimilarOut(TypedDict):
    id: str
    name: str
    score: float


class EntryOut(TypedDict):
    id: str
    state: str
    revision: int
    published_revision: int | None
    open_source: bool
    licence_canonical: str | None
    supplier: str | None
    created_at: str | None
    updated_at: str | None
    published_at: str | None
    allowed_actions: list[str]
    pending: PendingOut | None
    warnings: list[dict[str, str]]
    similar: list[SimilarOut]
    document: dict[str, Any]


class EntryListOut(TypedDict):
    items: list[EntryOut]
    total: int
    page: int
    per_page: int


class RevisionOut(TypedDict):
    entry_id: str
    number: int
    state: str
    proposal_state: str | None
    action: str
    author: str
    reason: str
    created_at: str | None
    document: NotRequired[dict[str, Any]]


class RevisionListOut(TypedDict):
    entry_id: str
    items: list[RevisionOut]


class ValidationOut(TypedDict):
    valid: bool
    errors: list[IssueOut]
    warnings: list[IssueOut]


class TermOut(TypedDict):
    id: str
    label: str
    description: str


class VocabularyOut(TypedDict):
    name: str
    title: str
    terms: list[TermOut]


class VocabularyListOut(TypedDict):
    items: list[str]


class HealthOut(TypedDict):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]
    #: Counts, for a maintainer's key only.
    entries: NotRequired[dict[str, int]]
    revisions: NotRequired[int]
    suppliers: NotRequired[int]


class ActionIn(TypedDict):
    reason: NotRequired[str]


class MergeIn(TypedDict):
    into: str
    reason: str


_DESCRIPTIONS = {
    301: "The entry was merged into another; Location names it",
    400: "Malformed body or parameter",
    401: "Missing or wrong API key",
    403: "The key lacks the scope or the entry belongs to someone else",
    404: "No such entry, revision or vocabulary",
    409: "The id is taken, or the action is not allowed in the entry's state",
    412: "If-Match does not match the entry's current ETag",
    413: "The body is larger than the limit",
    415: "The body is not JSON or YAML",
    422: "The document is not a valid entry; errors[] lists every problem",
    428: "If-Match is required",
    503: "The database is unreachable",
}


def problems(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI response entries for the problem statuses an operation can return."""
    return {
        code: ResponseSpec(
            data_container=ProblemOut,
            description=_DESCRIPTIONS[code],
            media_type=PROBLEM_JSON,
        )
        for code in codes
    }
