"""Harvesting real files from a local server: every format, updates, 304s, items that
leave, broken sources, refused addresses."""

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from pytest_httpserver import HTTPServer
from sqlmodel import Session, select
from werkzeug import Request, Response

from registry.auth import OPERATOR
from registry.harvesting.fetch import Fetched
from registry.harvesting.harvester import _fetch_ahead
from registry.importers import Importer, importer_for
from registry.importers.base import FileResult
from registry.models import AuditEvent, HarvestItem, Revision
from registry.wiring import Services
from tests.harvesting.conftest import FILES, FileHost, add_source, shared


def entry_state(services: Services, entry_id: str) -> str:
    return services.entries.get(entry_id, OPERATOR).state


@pytest.mark.parametrize("fmt", list(FILES))
def test_harvest_imports_a_source_of_each_format(
    seeded: Services, host: FileHost, fmt: str
) -> None:
    relative, content_type = FILES[fmt]
    url = host.put(f"/{fmt}/{relative.rsplit('/', 1)[1]}", shared(relative), content_type)
    add_source(seeded, fmt, fmt, [url])

    report = seeded.sources.harvest(fmt, OPERATOR)

    assert report.status == "ok", report.errors
    assert report.counts["fetched"] == 1
    assert report.counts["created"] >= 1
    view = seeded.sources.show(fmt)
    assert view.items == report.counts["created"]
    assert view.last_run is not None
    assert view.last_run.status == "ok"


def test_harvest_fetches_publiccode_from_each_repository_url(
    seeded: Services, host: FileHost
) -> None:
    relative = FILES["publiccode"][0]
    host.put("/repos/riksarkivet/htrflow/publiccode.yml", shared(relative), "text/plain")
    other = "publiccode-real/ANORC/Allegato-6/publiccode.yml"
    host.put("/repos/anorc/allegato-6/publiccode.yml", shared(other), "text/plain")
    repositories = [host.url("/repos/riksarkivet/htrflow"), host.url("/repos/anorc/allegato-6")]
    add_source(seeded, "italy", "publiccode", repositories)

    report = seeded.sources.harvest("italy", OPERATOR)

    assert report.counts["fetched"] == 2
    assert report.counts["created"] == 2


def _nhs_apis() -> dict[str, object]:
    data: dict[str, object] = json.loads(shared(FILES["uk-api-catalogue"][0]))
    return data


def _first_api_id(services: Services) -> str:
    with Session(services.engine) as session:
        items = session.exec(select(HarvestItem).order_by(HarvestItem.entry_id)).all()
    return items[0].entry_id


def test_harvest_again_updates_an_entry_whose_file_changed(
    seeded: Services, host: FileHost
) -> None:
    data = _nhs_apis()
    url = host.put("/apis.json", json.dumps(data).encode())
    add_source(seeded, "nhs", "uk-api-catalogue", [url])
    created = seeded.sources.harvest("nhs", OPERATOR).counts["created"]
    apis = data["apis"]
    assert isinstance(apis, list)
    apis[0]["data"]["description"] = "A new description, written by the supplier this week."
    host.put("/apis.json", json.dumps(data).encode())

    report = seeded.sources.harvest("nhs", OPERATOR)

    assert report.counts["updated"] == 1
    assert report.counts["unchanged"] == created - 1
    changed = [
        e for e in seeded.entries.published() if e.document["summary"].startswith("A new desc")
    ]
    assert len(changed) == 1


def test_harvest_of_an_unchanged_source_is_a_304_and_parses_nothing(
    seeded: Services, host: FileHost
) -> None:
    url = host.put("/apis.json", shared(FILES["uk-api-catalogue"][0]))
    parsed: list[str] = []
    real = importer_for("uk-api-catalogue")

    class Counting:
        name = real.name
        suffixes = real.suffixes

        def parse(self, text: str, source: str) -> FileResult:
            parsed.append(source)
            return real.parse(text, source)

    counting: Importer = Counting()
    seeded.sources.harvester.importers = lambda fmt: counting
    add_source(seeded, "nhs", "uk-api-catalogue", [url])
    seeded.sources.harvest("nhs", OPERATOR)

    report = seeded.sources.harvest("nhs", OPERATOR)

    assert host.status_of("/apis.json") == [200, 304]
    assert parsed == [url]
    assert report.counts["not_modified"] == 1
    assert report.counts["fetched"] == 0
    assert [report.counts[k] for k in ("created", "updated", "unchanged")] == [0, 0, 0]


def test_an_item_that_leaves_its_source_is_flagged_then_deprecated(
    seeded: Services, host: FileHost
) -> None:
    data = _nhs_apis()
    url = host.put("/apis.json", json.dumps(data).encode())
    add_source(seeded, "nhs", "uk-api-catalogue", [url])
    seeded.sources.harvest("nhs", OPERATOR)
    with Session(seeded.engine) as session:
        before = {i.entry_id for i in session.exec(select(HarvestItem)).all()}
    apis = data["apis"]
    assert isinstance(apis, list)
    del apis[0]
    host.put("/apis.json", json.dumps(data).encode())

    first = seeded.sources.harvest("nhs", OPERATOR)
    with Session(seeded.engine) as session:
        flagged = [i for i in session.exec(select(HarvestItem)).all() if i.misses]
    assert first.counts["missing"] == 1
    assert first.counts["deprecated"] == 0
    assert len(flagged) == 1
    assert flagged[0].entry_id in before
    gone = flagged[0].entry_id
    assert entry_state(seeded, gone) == "published"  # flagged, not yet deprecated

    second = seeded.sources.harvest("nhs", OPERATOR)  # the file is unchanged: a 304

    assert second.counts["not_modified"] == 1
    assert second.counts["deprecated"] == 1
    assert entry_state(seeded, gone) == "deprecated"
    with Session(seeded.engine) as session:
        step = session.exec(
            select(Revision).where(Revision.entry_id == gone, Revision.action == "deprecate")
        ).one()
    assert "No longer in the harvest source 'nhs'" in step.reason
    assert all(entry_state(seeded, i) == "published" for i in before - {gone})


def _slow(request: Request) -> Response:
    time.sleep(4)
    return Response("{}", content_type="application/json")


BROKEN: dict[str, Callable[[HTTPServer, str], None]] = {
    "not the format": lambda s, p: s.expect_request(p).respond_with_data(
        "<html>Sign in</html>", content_type="text/html"
    ),
    "server error": lambda s, p: s.expect_request(p).respond_with_data("oops", status=500),
    "huge": lambda s, p: s.expect_request(p).respond_with_data(
        b"[" + b" " * (3 * 1024 * 1024) + b"]", content_type="application/json"
    ),
    "slow": lambda s, p: s.expect_request(p).respond_with_handler(_slow),
    "not json": lambda s, p: s.expect_request(p).respond_with_data(
        "{not json", content_type="application/json"
    ),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_response_is_recorded_and_harms_nothing_else(
    seeded: Services, server: HTTPServer, host: FileHost, kind: str
) -> None:
    BROKEN[kind](server, "/broken.json")
    server.handlers.insert(0, server.handlers.pop())  # before the file host's catch-all
    good = host.put("/good.json", shared(FILES["dpg"][0]))
    add_source(seeded, "mixed", "dpg", [server.url_for("/broken.json"), good])
    add_source(seeded, "other", "dpg", [host.put("/other.json", shared(FILES["dpg"][0]))])

    report = seeded.sources.harvest("mixed", OPERATOR)

    assert report.status == "partial"
    assert [e["url"] for e in report.errors] == [server.url_for("/broken.json")]
    assert report.counts["created"] == 1  # the good file in the same source
    assert seeded.sources.harvest("other", OPERATOR).status == "ok"


def test_a_source_whose_every_url_fails_is_an_error_run(seeded: Services, host: FileHost) -> None:
    add_source(seeded, "gone", "dpg", [host.url("/missing.json")])

    report = seeded.sources.harvest("gone", OPERATOR)

    assert report.status == "error"
    assert report.errors == [{"url": host.url("/missing.json"), "message": "HTTP 404 NOT FOUND"}]
    assert seeded.sources.show("gone").last_run.status == "error"  # type: ignore[union-attr]


def test_a_redirect_into_a_refused_address_is_refused(seeded: Services, server: HTTPServer) -> None:
    server.expect_request("/moved").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data"}
    )
    add_source(seeded, "sneaky", "dpg", [server.url_for("/moved")])

    report = seeded.sources.harvest("sneaky", OPERATOR)

    assert report.status == "error"
    assert report.errors[0]["message"].startswith("refused: 169.254.169.254")


def test_every_harvest_is_audited(seeded: Services, host: FileHost) -> None:
    add_source(seeded, "dpg", "dpg", [host.put("/n.json", shared(FILES["dpg"][0]))])

    report = seeded.sources.harvest("dpg", OPERATOR)

    with Session(seeded.engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.action == "source.harvest")).all()
    assert [(r.detail["source"], r.detail["run"], r.detail["status"]) for r in rows] == [
        ("dpg", report.run_id, "ok")
    ]


def test_a_review_source_submits_its_entries_for_review(seeded: Services, host: FileHost) -> None:
    seeded.accounts.create_supplier("Aam Digital", OPERATOR)
    url = host.put("/n.json", shared(FILES["dpg"][0]))
    seeded.sources.add(
        {
            "name": "aam",
            "format": "dpg",
            "urls": [url],
            "trust": "review",
            "supplier": "Aam Digital",
        },
        OPERATOR,
    )

    report = seeded.sources.harvest("aam", OPERATOR)

    assert report.counts["submitted"] == 1
    entry_id = _first_api_id(seeded)
    assert entry_state(seeded, entry_id) == "submitted"


def test_fetching_runs_ahead_of_the_import_in_order_but_only_so_far() -> None:
    # A source of thousands of files must not be held in memory at once while the
    # import works through it.
    started: list[str] = []
    urls = [f"https://example.org/{n}.json" for n in range(100)]

    def fetch(url: str) -> Fetched:
        started.append(url)
        return Fetched(url, "not_modified")

    with ThreadPoolExecutor(2) as pool:
        results = _fetch_ahead(pool, fetch, urls, workers=2, batch=3)
        first = next(results)
        time.sleep(0.2)  # time enough for unbounded fetching to start everything
        in_flight = len(started)
        rest = list(results)

    assert in_flight <= (2 * 2 + 1) * 3
    assert [first.url] + [r.url for r in rest] == urls
