"""While the index is being built from scratch, searches say so (503 + Retry-After) rather
than present the entries indexed so far as the whole answer."""

import pytest
from litestar.testing import TestClient

from registry.app import create_app
from registry.auth import OPERATOR
from registry.errors import Unavailable
from registry.search import SearchQuery
from registry.seeding import read_source
from registry.settings import PROJECT_ROOT
from registry.wiring import Services


def test_search_is_unavailable_until_the_new_index_is_built(seeded: Services) -> None:
    search = seeded.open_search()
    try:
        assert search.recreated
        with pytest.raises(Unavailable) as refused:
            search.query(SearchQuery(text="fhir"))
        assert refused.value.retry_after > 0
        search.feeder.ensure_fresh(search.recreated)
        assert search.query(SearchQuery(text="fhir")).total > 0
    finally:
        search.close()


def test_api_and_pages_answer_503_while_another_process_builds(seeded: Services) -> None:
    # Another process of this host holds the lease and is (still) building the index.
    builder = seeded.open_search()
    assert builder.feeder.lead()
    try:
        with TestClient(create_app(seeded.settings, seeded)) as client:
            answer = client.get("/api/v1/search", params={"q": "fhir"})
            assert answer.status_code == 503
            assert answer.headers["retry-after"] == "5"
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert "being built" in answer.json()["detail"]
            page = client.get("/search", params={"q": "fhir"})
            assert page.status_code == 503
            assert page.headers["retry-after"] == "5"
            assert "Try again in a few seconds" in page.text
            # Reading entries does not need the index.
            assert client.get("/api/v1/entries").status_code == 200
            builder.feeder.rebuild()
            assert client.get("/api/v1/search", params={"q": "fhir"}).json()["total"] > 0
    finally:
        builder.close()


def test_reseeding_keeps_a_built_index_ready(seeded: Services) -> None:
    search = seeded.open_search()
    try:
        search.feeder.ensure_fresh(search.recreated)
        seeded.seeder.load(read_source(PROJECT_ROOT / "seed"), OPERATOR)
        search.feeder.catch_up()
        assert search.index.ready()
    finally:
        search.close()
