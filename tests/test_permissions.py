"""The permissions table (registry/permissions.py): the README shows it, and every cell
is tried over HTTP as the caller it names, so the table and the behaviour cannot drift."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from registry import permissions
from registry.auth import OPERATOR
from registry.permissions import Caller, Cell
from registry.settings import PROJECT_ROOT
from registry.wiring import Services
from registry.workflow import Action
from tests.admin.conftest import Client, Person, sign_in
from tests.builders import an_entry
from tests.conftest import Keys, bearer

STALE = {"If-Match": '"0"'}  # an ETag no entry has: an allowed write stops at 412
PAGE_REVIEWER = Person("page.reviewer@example.nhs.uk", "Page Reviewer")
PAGE_ADMIN = Person("page.admin@example.nhs.uk", "Page Admin")
PUBLICCODE = "publiccodeYmlVersion: '0.4'\nname: Probe\n"


def test_the_readme_shows_the_permissions_table() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")

    assert permissions.markdown_table() in readme


def test_every_workflow_action_needs_a_permission_from_the_table() -> None:
    assert set(permissions.FOR_ACTION) == set(Action)
    assert set(permissions.FOR_ACTION.values()) <= set(permissions.BY_KEY)


@dataclass(frozen=True)
class Probe:
    """One request that does what a table row names and stops before storing anything
    (a stale If-Match, an invalid form) once it is let through."""

    method: str
    url: str
    #: The entry it acts on is unpublished (a refused reader gets 404, as if absent).
    unpublished: bool = False
    page: bool = False
    kwargs: dict[str, Any] | None = None


def probes(counter: Callable[[], int]) -> dict[str, Probe]:
    base = "/api/v1/entries"
    return {
        "read": Probe("GET", f"{base}/probe-published"),
        "read-unpublished": Probe("GET", f"{base}/probe-draft", unpublished=True),
        "create": Probe("POST", base, kwargs={"json": an_entry(id=f"probe-new-{counter()}")}),
        "import": Probe(
            "POST", "/api/v1/imports?format=publiccode", kwargs={"content": PUBLICCODE}
        ),
        "update": Probe("PUT", f"{base}/probe-published", kwargs={"json": {}, "headers": STALE}),
        "submit": Probe(
            "POST", f"{base}/probe-draft/actions/submit", True, kwargs={"headers": STALE}
        ),
        "review": Probe(
            "POST",
            f"{base}/probe-submitted/actions/approve",
            True,
            kwargs={"headers": STALE},
        ),
        "lifecycle": Probe(
            "POST",
            f"{base}/probe-published/actions/deprecate",
            kwargs={"json": {"reason": "probe"}, "headers": STALE},
        ),
        "merge": Probe(
            "POST",
            f"{base}/probe-published/merge",
            kwargs={"json": {"into": "probe-target", "reason": "probe"}, "headers": STALE},
        ),
        "curate": Probe("GET", "/admin/queue", page=True),
        "manage": Probe("GET", "/admin/audit", page=True),
    }


def build_entries(services: Services, keys: Keys) -> None:
    owner = services.accounts.authenticate(keys.supplier)
    entries = services.entries
    for entry_id in ("probe-draft", "probe-submitted", "probe-published", "probe-target"):
        entries.create(an_entry(id=entry_id, name=f"Probe {entry_id}"), owner)
        if entry_id != "probe-draft":
            entries.act(entry_id, "submit", owner)
        if entry_id in ("probe-published", "probe-target"):
            entries.act(entry_id, "approve", OPERATOR)


def expected_refusal(caller: Caller, probe: Probe) -> set[int]:
    if probe.page and caller in (Caller.ANONYMOUS, Caller.OWNER, Caller.OTHER):
        return {303}  # the pages read no keys: sent to sign in
    if caller is Caller.ANONYMOUS:
        # Reading needs no credentials, so an unpublished entry is simply not there.
        return {404} if probe.method == "GET" and probe.unpublished else {401}
    if probe.unpublished and permissions.BY_KEY["read-unpublished"].cell(caller) is not Cell.YES:
        return {404}
    return {403}


def test_every_cell_of_the_permissions_table_holds(
    client: Client, services: Services, keys: Keys
) -> None:
    build_entries(services, keys)
    for person, role in ((PAGE_REVIEWER, "reviewer"), (PAGE_ADMIN, "admin")):
        services.accounts.create_maintainer(
            email=person.email,
            role=role,
            name=person.name,
            password=person.password,
            actor=OPERATOR,
        )
    sessions: dict[Caller, httpx.Cookies] = {}
    for caller, person in ((Caller.REVIEWER, PAGE_REVIEWER), (Caller.ADMIN, PAGE_ADMIN)):
        client.cookies.clear()
        sign_in(client, person)
        sessions[caller] = httpx.Cookies(client.cookies)
    tokens = {
        Caller.OWNER: keys.supplier,
        Caller.OTHER: keys.other_supplier,
        Caller.REVIEWER: keys.reviewer,
        Caller.ADMIN: keys.admin,
    }
    created = iter(range(1000))
    wrong: list[str] = []
    checked = 0
    for permission in permissions.TABLE:
        for caller in Caller:
            cell = permission.cell(caller)
            if cell is Cell.NONE:
                continue
            probe = probes(lambda: next(created))[permission.key]
            kwargs = dict(probe.kwargs or {})
            headers = dict(kwargs.pop("headers", {}))
            client.cookies.clear()
            if probe.page and caller in sessions:
                client.cookies = httpx.Cookies(sessions[caller])
            elif caller in tokens:
                headers.update(bearer(tokens[caller]))
            response = client.request(
                probe.method, probe.url, headers=headers, follow_redirects=False, **kwargs
            )
            status = response.status_code
            refused = expected_refusal(caller, probe)
            if cell is Cell.YES:
                ok = status < 500 and status not in {401, 403, 404} and status != 303
            else:
                ok = status in refused
            checked += 1
            if not ok:
                wrong.append(f"{permission.key} as {caller.value}: {cell.value} but {status}")
    print(f"permissions table: {checked} cells checked, {len(wrong)} wrong")
    assert not wrong, f"{len(wrong)} of {checked} cells wrong:\n" + "\n".join(wrong)


@pytest.mark.parametrize("caller", [Caller.OWNER, Caller.OTHER, Caller.REVIEWER, Caller.ADMIN])
def test_a_caller_is_placed_in_the_column_its_key_names(caller: Caller, keys: Keys) -> None:
    del keys  # the fixture creates the accounts; the columns are decided from scopes alone
    from registry.auth import Principal, PrincipalKind, Scope

    scope = {
        Caller.OWNER: Scope.SUBMIT,
        Caller.OTHER: Scope.SUBMIT,
        Caller.REVIEWER: Scope.REVIEW,
        Caller.ADMIN: Scope.ADMIN,
    }[caller]
    principal = Principal(PrincipalKind.SUPPLIER, "x", frozenset({scope}), supplier_id=1)

    assert permissions.caller_of(principal, owns=caller is not Caller.OTHER) is caller


def test_a_refusal_names_who_may_do_it() -> None:
    from registry.auth import Principal, PrincipalKind, Scope
    from registry.errors import Forbidden, Unauthenticated

    reviewer = Principal(PrincipalKind.MAINTAINER, "r", frozenset({Scope.REVIEW}))
    supplier = Principal(PrincipalKind.SUPPLIER, "s", frozenset({Scope.SUBMIT}), supplier_id=1)

    with pytest.raises(Forbidden, match="Only suppliers and admins may do this: create an entry"):
        permissions.check("create", reviewer)
    with pytest.raises(Forbidden, match="belongs to another supplier"):
        permissions.check("submit", supplier, owns=False)
    with pytest.raises(Unauthenticated):
        permissions.check("submit", None)
