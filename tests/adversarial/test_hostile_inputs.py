"""Hostile inputs on every route and form of the app, on SQLite and PostgreSQL.

Routes come from the app's route table and their parameters and forms from a crawl of the
pages a signed-in admin sees (`routes.py`), so a new route or field is attacked without
being listed here. Every answer must be below 500, carry no header or cookie the input
wrote and no file from outside the app, and a refused request (4xx) must store nothing.
Some inputs must be refused: NUL in a path or query value (the same 4xx on both
databases), a document whose shape is the attack, and format or control characters in
an entry's names and owner.
"""

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from tests.admin.conftest import sign_in
from tests.adversarial.attack import Verdicts, encode_form, send
from tests.adversarial.conftest import PAGE_ADMIN, World
from tests.adversarial.hostile import (
    DOCUMENTS,
    FIELD_BY_FIELD,
    IN_HEADERS,
    UNPRINTABLE,
    VALUES,
    body_text,
)
from tests.adversarial.routes import Form, PageParser, Route
from tests.builders import a_full_entry
from tests.conftest import bearer

pytestmark = pytest.mark.slow

#: Query values a route needs before it reads anything else (the import's format).
NEEDED_QUERY = {"format": "publiccode"}
#: An entry's names and owner: text shown as a name, where no format character belongs.
NAME_FIELDS = ("/name", "/aliases/0", "/owner/name")
#: Document strings that hold free text (or names): the ones given a megabyte each.
LONG_TEXT = {"/name", "/summary", "/description", "/reason", "/into"}
#: Form fields holding an entry's names.
NAME_INPUTS = {"name", "aliases"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
#: The values tried in each form field and document string on its own (all values go in
#: every field at once too).
ONE_BY_ONE = {"nul", "invalid-utf8", "bidi", "long"}
#: The entry the PUT attacks change: a draft, which its supplier changes in place.
PUT_TARGET = "draft-tool"
#: Routes that sign the admin out: attacked last, so the other routes see a session.
SIGN_OUT = ("POST", "/admin/logout")


@pytest.fixture(autouse=True)
def signed_in(world: World) -> None:
    """Each test starts signed in: the test before it ends by attacking sign-out."""
    sign_in(world.client, PAGE_ADMIN)


def ordered(routes: list[Route]) -> list[Route]:
    return sorted(routes, key=lambda r: (r.method, r.path) == SIGN_OUT)


def sample_form(world: World, route: Route) -> tuple[str, dict[str, list[str]]]:
    """The route's concrete URL and its form as a page shows it now (re-read, since an
    accepted request changes what the page offers, such as the ETag)."""
    forms = world.site.forms.get(route)
    if not forms:
        return world.site.url(route), {"_csrf_token": [_token(world)]}
    form = forms[0]
    fresh = _reread(world, form)
    return fresh.action, fresh.values()


def _token(world: World) -> str:
    html = world.client.get("/admin/login").text
    marker = 'name="_csrf_token" value="'
    start = html.find(marker)
    return html[start + len(marker) : html.index('"', start + len(marker))] if start >= 0 else ""


def _reread(world: World, form: Form) -> Form:
    response = world.client.get(form.page)
    parser = PageParser(form.page)
    parser.feed(response.text)
    for candidate in parser.forms:
        if candidate.action == form.action and candidate.method == form.method:
            return candidate
    return form


def body_for(route: Route, world: World, counter: Iterator[int]) -> dict[str, Any]:
    """A request body that would be accepted, so the hostile part is what gets judged."""
    if route.method == "GET":
        return {}
    if not route.is_api:
        _, fields = sample_form(world, route)
        return {"content": encode_form(fields, {}), "headers": FORM}
    document = sample_document(route, counter)
    if document is None:
        return {"content": b"", "headers": {"Content-Type": "application/yaml"}}
    return {"content": as_json(document), "headers": {"Content-Type": "application/json"}}


def as_json(document: Any) -> bytes:
    """JSON as a client sends it; ASCII, so lone surrogates travel as escapes."""
    return json.dumps(document).encode()


def sample_document(route: Route, counter: Iterator[int]) -> dict[str, Any] | None:
    if route.path.endswith("/merge"):
        return {"into": "published-tool", "reason": "Duplicate"}
    if "/actions/" in route.path:
        return {"reason": "Checked"}
    if route.path in ("/api/v1/entries", "/api/v1/validate"):
        return a_full_entry(id=f"hostile-{next(counter)}")
    if route.method == "PUT":
        return a_full_entry(id=PUT_TARGET)
    return None


def numbers() -> Iterator[int]:
    n = 0
    while True:
        n += 1
        yield n


def test_hostile_path_values_are_refused_or_harmless_on_every_route(world: World) -> None:
    verdicts, counter = Verdicts(), numbers()
    for route in ordered(world.routes):
        if not route.parameters:
            continue
        real = world.site.values(route)
        body = body_for(route, world, counter)
        for name, _ in route.parameters:
            for value in VALUES:
                url = route.fill({**real, name: value.url})
                label = f"{route.method} {route.path} path {name}={value.name}"
                refuse = value.name == "nul"
                send(world, verdicts, label, route.method, url, refuse=refuse, **body)
    print(verdicts.summary("path values"))
    verdicts.assert_clean()


def test_hostile_query_values_are_refused_or_harmless_on_every_route(world: World) -> None:
    verdicts, counter = Verdicts(), numbers()
    for route in ordered(world.routes):
        names = sorted(world.site.query_names(route) | set(NEEDED_QUERY) & set(route.query))
        if not names:
            continue
        url = world.site.url(route)
        body = body_for(route, world, counter)
        for value in VALUES:
            cases = [names] + ([[n] for n in names] if value.name in FIELD_BY_FIELD else [])
            for hostile in cases:
                query = "&".join(
                    f"{n}={value.shortened(len(hostile)).url}" for n in hostile
                ) + "".join(
                    f"&{n}={quote(v)}"
                    for n, v in NEEDED_QUERY.items()
                    if n in names and n not in hostile
                )
                label = f"{route.method} {route.path} query {','.join(hostile)}={value.name}"
                refuse = value.name == "nul"
                send(world, verdicts, label, route.method, f"{url}?{query}", refuse=refuse, **body)
    print(verdicts.summary("query values"))
    verdicts.assert_clean()


HEADERS = (
    "If-Match",
    "If-None-Match",
    "Accept",
    "Accept-Language",
    "Referer",
    "User-Agent",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "Origin",
)


def test_hostile_header_values_are_refused_or_harmless_on_every_route(world: World) -> None:
    verdicts, counter = Verdicts(), numbers()
    for route in ordered(world.routes):
        url = world.site.url(route)
        body = body_for(route, world, counter)
        for value in VALUES:
            if value.name not in IN_HEADERS:
                continue
            text = value.shortened(len(HEADERS) + 1).header
            variants = {
                "headers": {**dict.fromkeys(HEADERS, text), "Content-Type": text},
                "credentials": {
                    "Authorization": b"Bearer " + text,
                    "Cookie": b"rr_admin=" + text + b"; rr_csrf=" + text,
                },
            }
            for where, headers in variants.items():
                label = f"{route.method} {route.path} {where}={value.name}"
                merged = {**body, "headers": {**body.get("headers", {}), **headers}}
                send(world, verdicts, label, route.method, url, **merged)
    print(verdicts.summary("headers"))
    verdicts.assert_clean()


def api_body_routes(world: World) -> list[Route]:
    return [r for r in world.routes if r.is_api and r.method in ("POST", "PUT")]


def test_hostile_documents_are_refused_by_every_route_that_reads_a_body(world: World) -> None:
    verdicts = Verdicts()
    for route in api_body_routes(world):
        query = urlencode({n: v for n, v in NEEDED_QUERY.items() if n in route.query})
        url = world.site.url(route) + (f"?{query}" if query else "")
        for document in DOCUMENTS:
            label = f"{route.method} {route.path} body {document.name}"
            headers = {"Content-Type": document.media_type, "If-Match": _etag(world, url)}
            content = document.content
            send(
                world,
                verdicts,
                label,
                route.method,
                url,
                refuse=True,
                content=content,
                headers=headers,
            )
    print(verdicts.summary("documents"))
    verdicts.assert_clean()


def _etag(world: World, url: str) -> str:
    if not url.startswith("/api/v1/entries/"):
        return "*"
    entry = url.split("?")[0].split("/")[4]
    response = world.client.get(f"/api/v1/entries/{entry}", headers=bearer(world.keys.admin))
    return str(response.headers.get("etag", "*"))


def string_paths(document: Any, prefix: str = "") -> Iterator[str]:
    """JSON Pointers to every string in the document."""
    if isinstance(document, dict):
        for key, item in document.items():
            yield from string_paths(item, f"{prefix}/{key}")
    elif isinstance(document, list):
        for index, item in enumerate(document):
            yield from string_paths(item, f"{prefix}/{index}")
    elif isinstance(document, str):
        yield prefix


def one_per_field(pointers: list[str]) -> list[str]:
    """The first string of each top-level field (strings deeper in one field go through
    the same checks as their siblings)."""
    seen: dict[str, str] = {}
    for pointer in pointers:
        seen.setdefault(pointer.split("/")[1], pointer)
    return list(seen.values())


def replaced(document: Any, pointer: str, text: str) -> Any:
    copy = json.loads(json.dumps(document))
    *parents, last = pointer.split("/")[1:]
    target = copy
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = text
    else:
        target[last] = text
    return copy


def test_hostile_strings_in_documents_are_refused_or_stored_as_sent(world: World) -> None:
    verdicts, counter = Verdicts(), numbers()
    for route in api_body_routes(world):
        sample = sample_document(route, counter)
        if sample is None:
            continue
        paths = [p for p in string_paths(sample) if p != "/id"]
        # Every field on its own where a document is stored new (and in actions and merges);
        # validate and PUT read an entry as creating does, so all fields at once there.
        one_by_one = route.method == "POST" and route.path != "/api/v1/validate"
        for value in VALUES:
            text = body_text(value)
            single = one_by_one and value.name in ONE_BY_ONE
            fields = one_per_field(paths)
            if value.name == "long":
                # A megabyte a field costs a second a request on a busy machine: the
                # fields that hold free text (and names) are the ones a megabyte targets.
                fields = [p for p in fields if p in LONG_TEXT]
            cases = [paths] + ([[p] for p in fields] if single else [])
            cases += [[p] for p in NAME_FIELDS if p in paths and value.name in UNPRINTABLE]
            for pointers in cases:
                document = sample_document(route, counter)
                assert document is not None
                for pointer in pointers:
                    document = replaced(document, pointer, text)
                url = world.site.url(route)
                headers = {}
                if route.method == "PUT":
                    url = route.fill({"entry_id": PUT_TARGET})
                    headers = {"If-Match": _etag(world, url), **bearer(world.keys.supplier)}
                label = f"{route.method} {route.path} {','.join(pointers)[:80]}={value.name}"
                names_only = set(pointers) <= set(NAME_FIELDS) and value.name in UNPRINTABLE
                headers["Content-Type"] = "application/json"
                content = as_json(document)
                response = send(
                    world,
                    verdicts,
                    label,
                    route.method,
                    url,
                    refuse=names_only,
                    content=content,
                    headers=headers,
                )
                if (
                    response is not None
                    and response.status_code in (200, 201)
                    and "/actions/" not in url
                ):
                    _check_stored_as_sent(world, verdicts, label, response.json(), document)
    print(verdicts.summary("document strings"))
    verdicts.assert_clean()


def _check_stored_as_sent(
    world: World, verdicts: Verdicts, label: str, body: dict[str, Any], sent: dict[str, Any]
) -> None:
    """An accepted document reads back as it was sent (or as NFC of it)."""
    entry_id = body.get("id")
    if not isinstance(entry_id, str) or "name" not in sent:
        return
    response = world.client.get(
        f"/api/v1/entries/{entry_id}?format=json", headers=bearer(world.keys.admin)
    )
    if response.status_code != 200:
        return
    stored = response.json()
    pending = body.get("pending") or {}
    for key in ("name", "summary", "description"):
        if key in sent and key in stored and not pending:
            verdicts.check(label, stored[key] == sent[key], f"{key} was stored changed")


def test_hostile_form_values_are_refused_or_harmless_on_every_form(world: World) -> None:
    verdicts = Verdicts()
    form_routes = [r for r in ordered(world.routes) if r.method == "POST" and not r.is_api]
    assert form_routes, "the crawl found no form routes"
    for route in form_routes:
        url, fields = sample_form(world, route)
        names = [n for n in fields if n != "_csrf_token"]
        for value in VALUES:
            # A form of one or two fields gets them all at once only (sign-in: each attempt
            # costs a password hash).
            single = value.name in ONE_BY_ONE and len(names) > 2
            cases = [names] + ([[n] for n in names] if single else [])
            cases += [[n] for n in names if n in NAME_INPUTS and value.name in UNPRINTABLE]
            for hostile in cases:
                if not hostile:
                    continue
                content = encode_form(fields, dict.fromkeys(hostile, value))
                label = f"POST {route.path} form {','.join(hostile)[:80]}={value.name}"
                refuse = (
                    set(hostile) <= NAME_INPUTS
                    and value.name in UNPRINTABLE
                    and route.path.startswith("/admin/entries/")
                )
                response = send(
                    world,
                    verdicts,
                    label,
                    "POST",
                    url,
                    refuse=refuse,
                    content=content,
                    headers=FORM,
                )
                if response is None or response.status_code < 400:
                    # Accepted: the page's form may now differ (a new ETag, a removed key).
                    url, fields = sample_form(world, route)
    print(verdicts.summary("forms"))
    verdicts.assert_clean()


def test_every_form_route_was_found_on_a_page(world: World) -> None:
    """A POST page route whose form no page of the world shows is attacked with made-up
    fields only: this lists them, so the world gains what shows the form."""
    missing = [
        r.path
        for r in world.routes
        if r.method == "POST" and not r.is_api and r not in world.site.forms
    ]
    assert set(missing) <= KNOWN_HIDDEN_FORMS, missing


#: Forms shown only in a state the world does not hold (a maintainer locked out; synonym
#: groups still read from the file, while the world has stored one; a merge proposal; a
#: harvest source). Attacked with the CSRF token alone.
KNOWN_HIDDEN_FORMS = {
    "/admin/maintainers/{maintainer_id:int}/unlock",
    "/admin/vocabularies/synonyms/store",
    "/admin/duplicates/{proposal_id:int}/approve",
    "/admin/duplicates/{proposal_id:int}/dismiss",
    "/admin/sources/{name:str}/harvest",
    "/admin/sources/{name:str}/remove",
}
