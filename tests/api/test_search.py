"""GET /api/v1/search over the seed content."""

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.wiring import Services
from tests.api.test_entries import assert_problem, post_entry, publish
from tests.builders import an_entry
from tests.conftest import Keys, bearer

Client = TestClient[Litestar]


@pytest.fixture
def catalogue(seeded: Services, client: Client) -> Client:
    return client


def test_search_returns_ranked_items_facets_and_highlights(catalogue: Client) -> None:
    body = catalogue.get("/api/v1/search?q=personal+demographics").json()

    assert body["query"] == "personal demographics"
    assert body["items"][0]["id"].startswith("personal-demographics-service")
    first = body["items"][0]
    assert set(first) >= {
        "id",
        "name",
        "summary",
        "kind",
        "status",
        "licence",
        "score",
        "highlights",
    }
    assert "<mark>" in first["highlights"]["summary"]
    assert body["facets"]["kind"]["api"] >= 1
    assert set(body["facets"]) >= {
        "kind",
        "status",
        "licence",
        "open_source",
        "standard",
        "category",
        "care_setting",
        "owner",
    }


def test_filters_combine_and_repeat(catalogue: Client) -> None:
    fhir = catalogue.get("/api/v1/search?standard=hl7-fhir-r4&kind=api").json()
    either = catalogue.get("/api/v1/search?kind=api&kind=standard").json()
    apis = catalogue.get("/api/v1/search?kind=api").json()

    assert fhir["total"] >= 3
    assert all(i["kind"] == "api" for i in fhir["items"])
    assert either["total"] > apis["total"]


def test_typo_finds_the_entry_with_a_suggestion(catalogue: Client) -> None:
    body = catalogue.get("/api/v1/search?q=openmrss").json()

    assert body["items"][0]["id"] == "openmrs"
    assert body["suggestion"]


def test_search_says_how_much_of_the_need_its_best_result_covers(catalogue: Client) -> None:
    met = catalogue.get("/api/v1/search?q=personal+demographics").json()
    unmet = catalogue.get("/api/v1/search?q=teleporter+xylophone+demographics").json()
    browsing = catalogue.get("/api/v1/search").json()

    assert (met["coverage"], met["met"]) == (1.0, True)
    assert unmet["total"] > 0
    assert unmet["coverage"] < 0.5
    assert unmet["met"] is False
    assert (browsing["coverage"], browsing["met"]) == (None, True)


def test_sort_by_name_and_paging_with_links(catalogue: Client) -> None:
    response = catalogue.get("/api/v1/search?kind=api&sort=name&per_page=5&page=2")

    names = [i["name"].casefold() for i in response.json()["items"]]
    assert names == sorted(names)
    assert 'rel="next"' in response.headers["link"]
    assert 'rel="prev"' in response.headers["link"]


HOSTILE = [
    '"',
    "*",
    "AND OR",
    "(",
    ")",
    "x" * 10_000,
    "\u0000\u0007",
    "'; DROP TABLE entry; --",
    "<script>alert(1)</script>",
    "name:foo^3",
    "~~",
    "-",
    '"unclosed phrase',
    "NOT",
    "\uff26\uff28\uff29\uff32",
    "fhir " * 300,
]


def test_hostile_queries_never_fail(catalogue: Client) -> None:
    # One setup for many queries: building the seeded index dominates the cost.
    for query in HOSTILE:
        response = catalogue.get("/api/v1/search", params={"q": query})

        assert response.status_code in (200, 400), (query, response.text)
        if response.status_code == 200:
            for item in response.json()["items"]:
                assert "<script>" not in str(item["highlights"]), query
    # Bytes that are not UTF-8 at all (a lone surrogate, a stray continuation byte).
    for raw in ("%ED%A0%80", "%FF%FE", "%C0"):
        assert catalogue.get(f"/api/v1/search?q={raw}").status_code in (200, 400), raw


def test_bad_parameters_are_400_problems(catalogue: Client) -> None:
    for query in ("sort=popularity", "per_page=101", "page=0", "open_source=maybe"):
        assert_problem(catalogue.get(f"/api/v1/search?{query}"), 400)


def test_a_published_entry_is_found_at_once(client: Client, keys: Keys) -> None:
    post_entry(client, keys.supplier, an_entry(name="Zebrafish Scheduler"))
    client.post("/api/v1/entries/example-tool/actions/submit", headers=bearer(keys.supplier))
    assert client.get("/api/v1/search?q=zebrafish").json()["total"] == 0

    client.post("/api/v1/entries/example-tool/actions/approve", headers=bearer(keys.reviewer))

    assert [i["id"] for i in client.get("/api/v1/search?q=zebrafish").json()["items"]] == [
        "example-tool"
    ]


def test_submission_lists_similar_published_entries(catalogue: Client, keys: Keys) -> None:
    document = an_entry(id="hapi-fhir-copy", name="HAPI FHIR", kind="library")
    post_entry(catalogue, keys.supplier, document)

    submitted = catalogue.post(
        "/api/v1/entries/hapi-fhir-copy/actions/submit", headers=bearer(keys.supplier)
    ).json()
    reviewer_view = catalogue.get("/api/v1/entries/hapi-fhir-copy", headers=bearer(keys.reviewer))

    assert submitted["similar"][0]["id"] == "hapi-fhir"
    assert reviewer_view.json()["similar"][0]["id"] == "hapi-fhir"


def test_unrelated_submission_lists_nothing_similar(catalogue: Client, keys: Keys) -> None:
    created = post_entry(catalogue, keys.supplier, an_entry(name="Quokka Rota Planner"))

    assert created.json()["similar"] == []


def test_links_keep_every_value_of_a_repeated_filter(catalogue: Client) -> None:
    response = catalogue.get("/api/v1/search?kind=api&kind=standard&per_page=5")

    assert "kind=api&kind=standard" in response.headers["link"]


def test_listings_of_one_product_under_review_are_shown_once(
    services: Services, keys: Keys, client: Client
) -> None:
    docs = {"documentation": "https://example.org/docs/kestrel"}
    for entry_id, kind in (("kestrel-rota", "software"), ("kestrel-rota-api", "api")):
        publish(client, keys, an_entry(id=entry_id, kind=kind, name="Kestrel Rota", urls=docs))
    services.proposals.refresh(services.accounts.authenticate(keys.reviewer))

    body = client.get("/api/v1/search?q=kestrel").json()

    assert body["total"] == 1
    [item] = body["items"]
    other = ({"kestrel-rota", "kestrel-rota-api"} - {item["id"]}).pop()
    assert item["also_listed"] == [{"id": other, "name": "Kestrel Rota"}]
