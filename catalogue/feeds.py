"""For machines: an Atom feed of new and changed entries, robots.txt and a sitemap.

Entry text is untrusted, so XML is built with ElementTree (which escapes it), never by
joining strings; characters XML 1.0 cannot carry at all are dropped first.
"""

import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Response

from catalogue.rendering import site_url
from registry.api.dependencies import ServicesDep
from registry.views import EntryView

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 50
#: Entry ids in the feed are UUIDs derived from the entry's id: stable whatever the host.
ENTRY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://reuse-registry/entries/")
#: When the registry has no entries yet, the feed still needs an `updated` time.
EPOCH = "1970-01-01T00:00:00Z"
STATIC_PAGES = ("/", "/search", "/browse", "/standards")
#: Sitemaps list pages worth finding; retired entries are kept for reference only.
SITEMAP_STATES = ("published", "deprecated")
CACHE = {"Cache-Control": "public, max-age=300"}
ROBOTS = """User-agent: *
Allow: /
Disallow: /admin
Disallow: /reuse-check/decisions/

Sitemap: {base}/sitemap.xml
"""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: control characters it forbids are removed."""
    return _NOT_XML.sub("", text)


def entry_urn(entry_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, entry_id)}"


def _child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_feed(entries: list[EntryView], base: str) -> bytes:
    """Atom 1.0: the given entries, newest first, each linking to its page."""
    feed = ET.Element("feed", {"xmlns": ATOM})
    _child(feed, "id", f"{base}/feed.atom")
    _child(feed, "title", "Reuse Registry: new and changed entries")
    _child(feed, "subtitle", "Reusable technology for health and public services")
    # The entries come newest first, so the first one's time is the feed's.
    _child(feed, "updated", (entries[0].updated_at if entries else None) or EPOCH)
    _child(feed, "link", rel="self", type="application/atom+xml", href=f"{base}/feed.atom")
    _child(feed, "link", rel="alternate", type="text/html", href=f"{base}/")
    author = _child(feed, "author")
    _child(author, "name", "Reuse Registry")
    _child(feed, "generator", "Reuse Registry")
    for view in entries:
        doc = view.document
        entry = _child(feed, "entry")
        _child(entry, "id", entry_urn(view.id))
        _child(entry, "title", doc["name"], type="text")
        _child(entry, "updated", view.updated_at or EPOCH)
        if view.published_at:
            _child(entry, "published", view.published_at)
        _child(entry, "link", rel="alternate", type="text/html", href=f"{base}/entries/{view.id}")
        _child(entry, "summary", doc["summary"], type="text")
        _child(entry, "category", term=doc["kind"])
    return _serialise(feed)


def sitemap_xml(paths: list[tuple[str, str | None]], base: str) -> bytes:
    """A sitemap of absolute URLs, each with its last change date where known."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP})
    for path, lastmod in paths:
        url = _child(urlset, "url")
        _child(url, "loc", f"{base}{path}")
        if lastmod:
            _child(url, "lastmod", lastmod[:10])
    return _serialise(urlset)


def _serialise(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


class FeedRoutes(Controller):
    include_in_schema = False

    @get("/feed.atom", sync_to_thread=True)
    def feed(self, request: Request[Any, Any, Any], services: ServicesDep) -> Response[bytes]:
        entries = services.entries.recent("changed", FEED_SIZE)
        return Response(
            atom_feed(entries, site_url(request)),
            media_type="application/atom+xml; charset=utf-8",
            headers=CACHE,
        )

    @get("/sitemap.xml", sync_to_thread=True)
    def sitemap(self, request: Request[Any, Any, Any], services: ServicesDep) -> Response[bytes]:
        paths: list[tuple[str, str | None]] = [(p, None) for p in STATIC_PAGES]
        for view in services.entries.published():
            if view.state not in SITEMAP_STATES:
                continue
            paths.append((f"/entries/{view.id}", view.updated_at))
            if view.document["kind"] == "standard":
                paths.append((f"/standards/{view.id}", view.updated_at))
        return Response(
            sitemap_xml(paths, site_url(request)),
            media_type="application/xml; charset=utf-8",
            headers=CACHE,
        )

    @get("/robots.txt", sync_to_thread=False)
    def robots(self, request: Request[Any, Any, Any]) -> Response[str]:
        return Response(
            ROBOTS.format(base=site_url(request)),
            media_type="text/plain",
            headers=CACHE,
        )


__all__ = ["FeedRoutes", "atom_feed", "entry_urn", "sitemap_xml", "xml_text"]
