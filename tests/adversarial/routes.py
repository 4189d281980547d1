"""The app's routes, read from its route table, and concrete URLs and forms to attack them
with, found by crawling the pages a signed-in admin sees.

Nothing here lists routes or fields by hand: a new route is enumerated from the table, its
path values come from links on the pages (or made-up ones when no page links to it), its
query parameters from its handler's signature, the OpenAPI document and the links and
GET forms that lead to it, and a POST route's fields from the forms whose action it is.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from litestar import Litestar
from litestar.testing import TestClient

Client = TestClient[Litestar]
PARAMETER = re.compile(r"\{(\w+):(\w+)\}")
#: Handler arguments that are not request parameters.
NOT_PARAMETERS = {"self", "request", "data", "state", "services", "search", "principal"}
#: Path values for a route no page links to: a made-up id still reaches the handler.
MADE_UP = {"int": "1", "str": "no-such-thing"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # the template, as in the route table: /entries/{entry_id:str}
    query: frozenset[str]

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """(name, type) of each path parameter, in order."""
        return PARAMETER.findall(self.path)

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = PARAMETER.split(self.path)
        regex = ""
        for index, part in enumerate(parts):
            if index % 3 == 0:
                regex += re.escape(part)
            elif index % 3 == 1:
                regex += f"(?P<{part}>[^/]+)"
        return re.compile(f"^{regex}$")

    def fill(self, values: dict[str, str]) -> str:
        """The path with each parameter replaced by its (already URL-encoded) value."""
        return PARAMETER.sub(lambda m: values[m.group(1)], self.path)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def routes(app: Litestar) -> list[Route]:
    """Every (method, path) of the app but HEAD and OPTIONS, with its query parameters."""
    found: dict[tuple[str, str], set[str]] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in handler.http_methods:
                if method in ("HEAD", "OPTIONS"):
                    continue
                names = found.setdefault((method, route.path), set())
                names.update(_query_names(handler, route.path))
    return [Route(m, p, frozenset(q)) for (m, p), q in sorted(found.items())]


def _query_names(handler: Any, path: str) -> set[str]:
    """The query parameters a handler declares (by their alias when they have one)."""
    in_path = {name for name, _ in PARAMETER.findall(path)}
    names = set()
    signature = handler.parsed_fn_signature
    dependencies = set(handler.resolve_dependencies())
    for name, definition in signature.parameters.items():
        if name in NOT_PARAMETERS or name in in_path or name in dependencies:
            continue
        if definition.is_subclass_of(str | int | bool | list | None) or definition.is_optional:
            kwarg = definition.kwarg_definition
            names.add(getattr(kwarg, "query", None) or getattr(kwarg, "name", None) or name)
    return names


@dataclass
class Form:
    """One HTML form: where it posts and its fields with the values the page gave them."""

    page: str
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def values(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.fields.items()}


class PageParser(HTMLParser):
    """Links and forms of one page (fields: inputs, textareas and selects)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(self.page, a.get("action") or self.page, a.get("method", "get"))
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit" and a.get("value"):
                    self._form.fields.setdefault(a["name"], []).append(a["value"])
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form.fields.setdefault(a["name"], [])
                return
            self._form.fields.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields.setdefault(a["name"], []).append("")
        elif tag == "select":
            self._select, self._select_value = a["name"], None
        elif (
            tag == "option"
            and self._select is not None
            and (self._select_value is None or "selected" in a)
        ):
            self._select_value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form.fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._form is not None and self._select is not None:
            self._form.fields.setdefault(self._select, []).append(self._select_value or "")
            self._select = None


@dataclass
class Site:
    """What a crawl of the pages found: concrete URLs for routes, query names, forms."""

    urls: dict[Route, list[str]]
    query: dict[Route, set[str]]
    forms: dict[Route, list[Form]]
    #: Path values by parameter name, for routes no page links to (the API's).
    examples: dict[str, str] = field(default_factory=dict)

    def url(self, route: Route) -> str:
        """A concrete path for the route: one a page links to, else one made of the
        examples, else of made-up values (which still reach the handler)."""
        found = self.urls.get(route)
        if found:
            return found[0]
        return route.fill(
            {n: self.examples.get(n, MADE_UP.get(t, "1")) for n, t in route.parameters}
        )

    def values(self, route: Route) -> dict[str, str]:
        """The path values of the route's concrete URL, still URL-encoded."""
        matched = route.pattern.match(self.url(route))
        assert matched is not None, (route, self.url(route))
        return matched.groupdict()

    def query_names(self, route: Route) -> set[str]:
        return set(route.query) | self.query.get(route, set())


def match(all_routes: Iterable[Route], method: str, path: str) -> Route | None:
    """The route that serves `method path`, preferring a literal path over a template."""
    candidates = [r for r in all_routes if r.method == method and r.pattern.match(path)]
    candidates.sort(key=lambda r: len(r.parameters))
    return candidates[0] if candidates else None


def crawl(
    client: Client,
    all_routes: list[Route],
    start: Iterable[str],
    examples: dict[str, str],
    per_route: int = 3,
) -> Site:
    """Breadth-first over same-site links from `start`, reading every page's forms; at
    most `per_route` pages of each route (more finds nothing new, and costs time)."""
    site = Site({}, {}, {}, examples)
    queue = list(start)
    seen: set[str] = set()
    visits: dict[Route, int] = {}
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        path = parts.path
        if url in seen or parts.netloc or not path.startswith("/"):
            continue
        seen.add(url)
        route = match(all_routes, "GET", path)
        if route is None or visits.get(route, 0) >= per_route:
            continue
        visits[route] = visits.get(route, 0) + 1
        _record(site, route, path, parse_qsl(parts.query, keep_blank_values=True))
        response = client.get(url, follow_redirects=False)
        if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        parser = PageParser(path)
        parser.feed(response.text)
        for form in parser.forms:
            action = urlsplit(form.action)
            target = match(all_routes, form.method.upper(), action.path or path)
            if target is None:
                continue
            if form.method.lower() == "get":
                site.query.setdefault(target, set()).update(form.fields)
            else:
                form.action = action.path or path
                site.forms.setdefault(target, []).append(form)
                _record(site, target, form.action, [])
        for link in parser.links:
            if link.startswith("/") and not link.startswith("//"):
                # One URL per route and query shape is enough to find what it needs.
                queue.append(link.split("#")[0])
    return site


def _record(site: Site, route: Route, path: str, query: list[tuple[str, str]]) -> None:
    urls = site.urls.setdefault(route, [])
    if path not in urls:
        urls.append(path)
    site.query.setdefault(route, set()).update(name for name, _ in query)
