"""Who may do what with entries: one table, read by the services' checks, shown in the
README (a test keeps the two equal) and walked by the authorisation tests.

A caller is one of five kinds. Suppliers hold `entries:submit` keys and act on their own
entries; reviewers hold an `entries:review` key or sign in to the admin pages as a
reviewer; admins hold an `admin` key or sign in as an admin. A refusal is a 401 for a
caller with no credentials and a 403 otherwise, except that an unpublished entry the
caller may not read is a 404 (as if it did not exist).
"""

from dataclasses import dataclass
from enum import StrEnum

from registry.auth import Principal, Scope
from registry.errors import Forbidden, Unauthenticated
from registry.workflow import Action


class Caller(StrEnum):
    ANONYMOUS = "anonymous"
    OWNER = "supplier, own entry"
    OTHER = "supplier, another's entry"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Cell(StrEnum):
    YES = "yes"
    NO = "no"
    #: The question does not arise (a new entry belongs to whoever creates it).
    NONE = "n/a"


@dataclass(frozen=True)
class Permission:
    key: str
    action: str
    cells: tuple[Cell, Cell, Cell, Cell, Cell]  # in the order of Caller

    def cell(self, caller: Caller) -> Cell:
        return self.cells[list(Caller).index(caller)]


Y, N, NA = Cell.YES, Cell.NO, Cell.NONE

TABLE: tuple[Permission, ...] = (
    Permission(
        "read",
        "Read published entries and their public history; search; downloads; schemas, "
        "vocabularies, validate; the catalogue pages; signing in",
        (Y, Y, Y, Y, Y),
    ),
    Permission(
        "read-unpublished",
        "Read a draft, a submission or a pending change, with its whole history",
        (N, Y, N, Y, Y),
    ),
    Permission("create", "Create an entry, as a draft (`POST /api/v1/entries`)", (N, Y, NA, N, Y)),
    Permission(
        "import",
        "Import a file (`POST /api/v1/imports`); applied, a supplier's entries are "
        "submitted for review, an admin's published",
        (N, Y, NA, N, Y),
    ),
    Permission(
        "update",
        "Change an entry (`PUT`): a draft in place; a published entry as a proposal "
        "(supplier) or at once (maintainers)",
        (N, Y, N, Y, Y),
    ),
    Permission("submit", "Submit a draft or a proposal for review", (N, Y, N, Y, Y)),
    Permission("review", "Approve, request changes, reject", (N, N, N, Y, Y)),
    Permission("lifecycle", "Deprecate, retire", (N, N, N, Y, Y)),
    Permission("merge", "Merge a duplicate into another entry", (N, N, N, Y, Y)),
    Permission(
        "curate",
        "Admin pages: review queue, entries (edit, add, deprecate, retire, merge), data "
        "quality, unmet needs",
        (N, N, N, Y, Y),
    ),
    Permission(
        "manage",
        "Admin pages: suppliers and keys, maintainers, vocabularies, audit log",
        (N, N, N, N, Y),
    ),
)
BY_KEY = {p.key: p for p in TABLE}
#: How a refusal names those who may.
WHO = {
    Caller.ANONYMOUS: "anyone",
    Caller.OWNER: "the supplier that owns the entry",
    Caller.OTHER: "other suppliers",
    Caller.REVIEWER: "reviewers",
    Caller.ADMIN: "admins",
}

#: The permission each workflow action needs.
FOR_ACTION: dict[Action, str] = {
    Action.SUBMIT: "submit",
    Action.APPROVE: "review",
    Action.REQUEST_CHANGES: "review",
    Action.REJECT: "review",
    Action.DEPRECATE: "lifecycle",
    Action.RETIRE: "lifecycle",
}


def caller_of(principal: Principal | None, *, owns: bool) -> Caller:
    """The table's column for a principal acting on an entry (`owns`: theirs)."""
    if principal is None:
        return Caller.ANONYMOUS
    if principal.has(Scope.ADMIN):
        return Caller.ADMIN
    if principal.has(Scope.REVIEW):
        return Caller.REVIEWER
    return Caller.OWNER if owns else Caller.OTHER


def allows(key: str, principal: Principal | None, *, owns: bool = True) -> bool:
    return BY_KEY[key].cell(caller_of(principal, owns=owns)) is Cell.YES


def check(key: str, principal: Principal | None, *, owns: bool = True) -> Principal:
    """The principal, if the table lets it do `key`; else Unauthenticated or Forbidden."""
    permission = BY_KEY[key]
    caller = caller_of(principal, owns=owns)
    if permission.cell(caller) is Cell.YES:
        assert principal is not None  # no write is open to anonymous callers
        return principal
    if principal is None:
        raise Unauthenticated("Send an API key as 'Authorization: Bearer <key>'.")
    if caller is Caller.OTHER and permission.cell(Caller.OWNER) is Cell.YES:
        raise Forbidden("This entry belongs to another supplier; you can only change your own.")
    names = dict(WHO)
    if permission.cell(Caller.OTHER) is Cell.NONE:
        names[Caller.OWNER] = "suppliers"
    allowed = [names[c] for c in Caller if permission.cell(c) is Cell.YES]
    who = ", ".join(allowed[:-1]) + " and " + allowed[-1] if len(allowed) > 1 else allowed[0]
    what = permission.action.split(" (")[0].split(";")[0]
    raise Forbidden(f"Only {who} may do this: {what[0].lower()}{what[1:]}.")


def markdown_table() -> str:
    """The table as the README shows it."""
    header = "| action | " + " | ".join(c.value for c in Caller) + " |"
    rule = "| --- |" + " --- |" * len(Caller)
    rows = [f"| {p.action} | " + " | ".join(c.value for c in p.cells) + " |" for p in TABLE]
    return "\n".join([header, rule, *rows])
