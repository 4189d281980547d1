"""Concurrent If-Match against a real server process, on SQLite and PostgreSQL: writers who
all read the same ETag and PUT at the same moment: exactly one wins (2xx), every other gets
412, and the stored document is the winner's."""

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from tests.adversarial.server import Server, issue_key, served
from tests.builders import an_entry

pytestmark = pytest.mark.slow

WRITERS = 12


def race(server: Server, key: str, entry_id: str) -> tuple[list[tuple[int, int]], dict[str, Any]]:
    """WRITERS PUTs with the entry's current ETag, released together; their (writer,
    status) pairs and the entry's document afterwards."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        etag = client.get(f"/api/v1/entries/{entry_id}", headers=headers).headers["etag"]
    barrier = threading.Barrier(WRITERS)
    results: list[tuple[int, int]] = []
    lock = threading.Lock()

    def put(number: int) -> None:
        document = an_entry(id=entry_id, summary=f"Written by writer {number}.")
        with httpx.Client(base_url=server.url, timeout=30) as client:
            request = client.build_request(
                "PUT",
                f"/api/v1/entries/{entry_id}",
                json=document,
                headers={**headers, "If-Match": etag},
            )
            barrier.wait()
            status = client.send(request).status_code
        with lock:
            results.append((number, status))

    threads = [threading.Thread(target=put, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        response = client.get(f"/api/v1/entries/{entry_id}?format=json", headers=headers)
    return results, response.json()


def assert_one_winner(results: list[tuple[int, int]], stored: dict[str, Any]) -> None:
    assert len(results) == WRITERS
    winners = [n for n, status in results if 200 <= status < 300]
    assert len(winners) == 1, sorted(results)
    assert sorted(s for _, s in results if s != 200) == [412] * (WRITERS - 1), sorted(results)
    assert stored["summary"] == f"Written by writer {winners[0]}."


def test_exactly_one_of_concurrent_writers_with_one_etag_wins(
    engine: Engine, tmp_path: Path
) -> None:
    """Suppliers racing on their draft, then maintainers racing on a published entry (an
    edit in place): one server, two races."""
    supplier = issue_key(engine, tmp_path, "entries:submit", supplier="Racing Supplier")
    reviewer = issue_key(engine, tmp_path, "entries:review", maintainer="Racing Reviewer")
    with served(engine, tmp_path / "server") as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for key, method, path, body in (
                (supplier, "POST", "/api/v1/entries", an_entry(id="raced-draft")),
                (supplier, "POST", "/api/v1/entries", an_entry(id="raced-entry")),
                (supplier, "POST", "/api/v1/entries/raced-entry/actions/submit", None),
                (reviewer, "POST", "/api/v1/entries/raced-entry/actions/approve", None),
            ):
                response = client.request(
                    method, path, json=body, headers={"Authorization": f"Bearer {key}"}
                )
                assert response.status_code < 300, response.text
        draft_results, draft = race(server, supplier, "raced-draft")
        published_results, published = race(server, reviewer, "raced-entry")
    for what, results in (("draft", draft_results), ("published", published_results)):
        statuses = Counter(status for _, status in results)
        print(f"\n{engine.dialect.name}, {WRITERS} writers on a {what} entry: {dict(statuses)}")
    assert_one_winner(draft_results, draft)
    assert_one_winner(published_results, published)
