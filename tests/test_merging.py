"""Merging a duplicate into another entry: history kept, the old id redirects."""

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.errors import Forbidden, InvalidEntry, Moved, PreconditionFailed
from registry.wiring import Services
from tests.builders import an_entry
from tests.conftest import Keys, bearer
from tests.test_services import published, who


def test_merge_retires_the_duplicate_and_redirects_its_id(services: Services, keys: Keys) -> None:
    keep = published(services, keys, id="keep-me", name="Keep Me")
    dup = published(services, keys, id="duplicate", name="Keep Me Too")

    view = services.entries.merge(dup, keep, who(services, keys.reviewer), "Same product")

    assert view.id == keep
    with pytest.raises(Moved) as moved:
        services.entries.get(dup, None)
    assert moved.value.target == keep
    history = services.entries.revisions(dup, None)
    assert history[-1].action == "merge"
    assert "Merged into keep-me: Same product" in history[-1].reason
    assert history[-1].state == "retired"


def test_merging_into_a_merged_entry_follows_the_chain(services: Services, keys: Keys) -> None:
    a = published(services, keys, id="entry-a", name="A")
    b = published(services, keys, id="entry-b", name="B")
    c = published(services, keys, id="entry-c", name="C")
    reviewer = who(services, keys.reviewer)

    services.entries.merge(a, b, reviewer, "dup")
    services.entries.merge(b, c, reviewer, "dup")

    with pytest.raises(Moved) as moved:
        services.entries.get(a, None)
    assert moved.value.target == c


@pytest.mark.parametrize(
    ("into", "reason"), [("missing-entry", "dup"), ("self", "dup"), ("other", "  ")]
)
def test_bad_merges_are_refused(services: Services, keys: Keys, into: str, reason: str) -> None:
    source = published(services, keys, id="source", name="Source")
    published(services, keys, id="other", name="Other")
    target = source if into == "self" else into

    with pytest.raises(InvalidEntry):
        services.entries.merge(source, target, who(services, keys.reviewer), reason)


def test_suppliers_cannot_merge(services: Services, keys: Keys) -> None:
    a = published(services, keys, id="entry-a", name="A")
    b = published(services, keys, id="entry-b", name="B")

    with pytest.raises(Forbidden):
        services.entries.merge(a, b, who(services, keys.supplier), "mine")


def test_api_merge_then_the_old_id_is_a_301(client: TestClient[Litestar], keys: Keys) -> None:
    for entry_id, name in (("keep-me", "Keep Me"), ("duplicate", "Duplicate")):
        client.post(
            "/api/v1/entries", json=an_entry(id=entry_id, name=name), headers=bearer(keys.supplier)
        )
        client.post(f"/api/v1/entries/{entry_id}/actions/submit", headers=bearer(keys.supplier))
        client.post(f"/api/v1/entries/{entry_id}/actions/approve", headers=bearer(keys.reviewer))

    merged = client.post(
        "/api/v1/entries/duplicate/merge",
        json={"into": "keep-me", "reason": "Same thing"},
        headers=bearer(keys.reviewer),
    )
    old = client.get("/api/v1/entries/duplicate", follow_redirects=False)
    page = client.get("/entries/duplicate", follow_redirects=False)

    assert merged.status_code == 200, merged.text
    assert old.status_code == 301
    assert old.headers["location"] == "/api/v1/entries/keep-me"
    assert page.status_code == 301
    assert page.headers["location"] == "/entries/keep-me"
    assert client.get("/api/v1/search?q=duplicate").json()["total"] == 0


def test_api_merge_needs_the_review_scope(client: TestClient[Litestar], keys: Keys) -> None:
    response = client.post(
        "/api/v1/entries/a/merge", json={"into": "b", "reason": "x"}, headers=bearer(keys.supplier)
    )

    assert response.status_code in (403, 404)


def test_a_merge_decided_on_an_old_version_is_refused(services: Services, keys: Keys) -> None:
    keep = published(services, keys, id="keep-me", name="Keep Me")
    dup = published(services, keys, id="duplicate", name="Keep Me Too")
    reviewer = who(services, keys.reviewer)
    seen = services.entries.get(dup, reviewer).etag
    current = services.entries.get(dup, reviewer)
    services.entries.update(
        dup, {**current.document, "summary": "Now different."}, reviewer, [current.etag]
    )

    with pytest.raises(PreconditionFailed):
        services.entries.merge(dup, keep, reviewer, "Same product", [seen])

    assert services.entries.get(dup, None).state == "published"
    merged = services.entries.merge(dup, keep, reviewer, "Same product", ["*"])
    assert merged.id == keep
