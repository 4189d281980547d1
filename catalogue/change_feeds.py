"""Atom feeds of one entry's published changes and of one standard's entries.

They sit beside the registry-wide `/feed.atom` (catalogue/feeds.py) for readers who follow
one thing: `/entries/{id}/feed.atom` has a feed item per published step of the entry
(published, updated, deprecated, retired, merged; never drafts or proposals), and
`/standards/{id}/feed.atom` the standard and the entries that implement it, most recently
changed first. Built with ElementTree, so untrusted text is escaped.
"""

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Redirect, Response

from catalogue.feeds import ATOM, CACHE, EPOCH, FEED_SIZE, entry_urn, xml_text
from catalogue.rendering import site_url
from registry.api.dependencies import SearchDep, ServicesDep
from registry.errors import Moved, NotFound
from registry.search import SearchQuery
from registry.views import EntryView, RevisionView

ATOM_TYPE = "application/atom+xml; charset=utf-8"
#: Feed items for revisions get UUIDs derived from the entry id and revision number.
REVISION_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://reuse-registry/revisions/")
STEP_WORDS = {
    "deprecate": "deprecated",
    "retire": "retired",
    "merge": "merged into another entry",
}


@dataclass(frozen=True)
class Item:
    urn: str
    title: str
    updated: str
    link: str
    summary: str
    published: str | None = None
    category: str | None = None


def feed_links_for_entry(view: EntryView) -> list[dict[str, str]]:
    """The `<link rel="alternate">` feeds an entry's page (and a standard's) announces."""
    name = str(view.document.get("name", view.id))
    links = [{"href": f"/entries/{view.id}/feed.atom", "title": f"Changes to {name}"}]
    if view.document.get("kind") == "standard":
        links.append(
            {
                "href": f"/standards/{view.id}/feed.atom",
                "title": f"Entries that implement {name}, as they change",
            }
        )
    return links


def step_title(name: str, revision: RevisionView, first: bool) -> str:
    if revision.action in STEP_WORDS:
        return f"{name} {STEP_WORDS[revision.action]}"
    return f"{name} {'published' if first else 'updated'}"


def atom(title: str, self_path: str, html_path: str, items: list[Item], base: str) -> bytes:
    feed = ET.Element("feed", {"xmlns": ATOM})

    def child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> None:
        element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            element.text = xml_text(text)

    child(feed, "id", f"{base}{self_path}")
    child(feed, "title", title)
    child(feed, "updated", items[0].updated if items else EPOCH)
    child(feed, "link", rel="self", type="application/atom+xml", href=f"{base}{self_path}")
    child(feed, "link", rel="alternate", type="text/html", href=f"{base}{html_path}")
    author = ET.SubElement(feed, "author")
    child(author, "name", "Reuse Registry")
    child(feed, "generator", "Reuse Registry")
    for item in items:
        entry = ET.SubElement(feed, "entry")
        child(entry, "id", item.urn)
        child(entry, "title", item.title, type="text")
        child(entry, "updated", item.updated)
        if item.published:
            child(entry, "published", item.published)
        child(entry, "link", rel="alternate", type="text/html", href=f"{base}{item.link}")
        child(entry, "summary", item.summary, type="text")
        if item.category:
            child(entry, "category", term=item.category)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def entry_items(view: EntryView, revisions: list[RevisionView]) -> list[Item]:
    """One item per published step, newest first."""
    name = str(view.document.get("name", view.id))
    items: list[Item] = []
    for position, revision in enumerate(revisions):
        when = revision.created_at or EPOCH
        summary = revision.reason.strip() or step_title(name, revision, position == 0) + "."
        items.append(
            Item(
                urn=f"urn:uuid:{uuid.uuid5(REVISION_NAMESPACE, f'{view.id}/{revision.number}')}",
                title=step_title(name, revision, position == 0),
                updated=when,
                published=when,
                link=f"/entries/{view.id}",
                summary=summary,
                category=revision.action,
            )
        )
    items.reverse()
    return items[:FEED_SIZE]


def entry_item(view: EntryView) -> Item:
    return Item(
        urn=entry_urn(view.id),
        title=str(view.document["name"]),
        updated=view.updated_at or EPOCH,
        published=view.published_at,
        link=f"/entries/{view.id}",
        summary=str(view.document["summary"]),
        category=str(view.document["kind"]),
    )


def _moved(request: Request[Any, Any, Any], exc: Moved, prefix: str) -> Redirect:
    del request
    return Redirect(path=f"{prefix}/{exc.target}/feed.atom", status_code=301)


class ChangeFeedRoutes(Controller):
    include_in_schema = False

    @get("/entries/{entry_id:str}/feed.atom", sync_to_thread=True)
    def entry_feed(
        self, request: Request[Any, Any, Any], services: ServicesDep, entry_id: FromPath[str]
    ) -> Response[bytes] | Redirect:
        try:
            view = services.entries.get(entry_id, None)
        except Moved as exc:
            return _moved(request, exc, "/entries")
        revisions = services.entries.revisions(entry_id, None)
        name = str(view.document.get("name", view.id))
        return Response(
            atom(
                f"Reuse Registry: changes to {name}",
                f"/entries/{view.id}/feed.atom",
                f"/entries/{view.id}",
                entry_items(view, revisions),
                site_url(request),
            ),
            media_type=ATOM_TYPE,
            headers=CACHE,
        )

    @get("/standards/{standard_id:str}/feed.atom", sync_to_thread=True)
    def standard_feed(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        standard_id: FromPath[str],
    ) -> Response[bytes] | Redirect:
        try:
            standard = services.entries.get(standard_id, None)
        except Moved as exc:
            return _moved(request, exc, "/standards")
        if standard.document["kind"] != "standard":
            raise NotFound(f"'{standard_id}' is not a standard.")
        users = search.query(
            SearchQuery(filters={"standard": [standard_id]}, sort="updated", per_page=FEED_SIZE)
        )
        views = [standard]
        for hit in users.hits:
            try:
                views.append(services.entries.get(hit.id, None))
            except NotFound:  # changed since the index saw it
                continue
        views.sort(key=lambda v: v.updated_at or EPOCH, reverse=True)
        name = str(standard.document["name"])
        return Response(
            atom(
                f"Reuse Registry: {name} and the entries that implement it",
                f"/standards/{standard.id}/feed.atom",
                f"/standards/{standard.id}",
                [entry_item(v) for v in views[:FEED_SIZE]],
                site_url(request),
            ),
            media_type=ATOM_TYPE,
            headers=CACHE,
        )
