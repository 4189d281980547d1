"""The scheduler: due sources are harvested once, by one instance, and schedules survive
restarts."""

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine
from sqlmodel import Session, select
from werkzeug import Request, Response

from registry.app import create_app
from registry.auth import OPERATOR
from registry.db import make_engine
from registry.harvesting.harvester import HarvestBusy
from registry.models import HarvestRun, HarvestSource
from registry.seeding import read_source
from registry.settings import Settings
from registry.wiring import Services, build_services
from tests.builders import SEED_DIR
from tests.harvesting.conftest import FILES, FileHost, add_source, shared


def runs_per_source(engine: Engine) -> dict[int, int]:
    with Session(engine) as session:
        runs = session.exec(select(HarvestRun)).all()
    counts: dict[int, int] = {}
    for run in runs:
        counts[run.source_id] = counts.get(run.source_id, 0) + 1
    return counts


def test_a_tick_harvests_every_due_source_and_schedules_the_next(
    seeded: Services, host: FileHost
) -> None:
    for name in ("one", "two"):
        add_source(seeded, name, "dpg", [host.put(f"/{name}.json", shared(FILES["dpg"][0]))])
    scheduler = seeded.scheduler()

    assert sorted(scheduler.tick()) == ["one", "two"]
    assert scheduler.tick() == []  # not due again until the interval has passed
    view = seeded.sources.show("one")
    assert view.last_run is not None
    assert view.next_run_at - view.last_run.started_at == timedelta(minutes=1440)


def test_a_schedule_survives_a_restart(
    seeded: Services, host: FileHost, settings: Settings, engine: Engine
) -> None:
    add_source(seeded, "one", "dpg", [host.put("/one.json", shared(FILES["dpg"][0]))])
    seeded.scheduler().tick()

    restarted = build_services(settings, make_engine(str(engine.url.render_as_string(False))))
    try:
        assert restarted.scheduler().due() == []
        with Session(restarted.engine) as session:
            row = session.exec(select(HarvestSource)).one()
            row.next_run_at = row.next_run_at - timedelta(days=1)
            session.add(row)
            session.commit()
        assert restarted.scheduler().due() == ["one"]
    finally:
        restarted.close()


def test_a_broken_source_does_not_stop_the_others(seeded: Services, host: FileHost) -> None:
    add_source(seeded, "a-broken", "dpg", [host.url("/nothing-here.json")])
    add_source(seeded, "b-good", "dpg", [host.put("/good.json", shared(FILES["dpg"][0]))])

    assert sorted(seeded.scheduler().tick()) == ["a-broken", "b-good"]
    assert seeded.sources.show("a-broken").last_run.status == "error"  # type: ignore[union-attr]
    assert seeded.sources.show("b-good").last_run.status == "ok"  # type: ignore[union-attr]


def test_a_source_being_harvested_cannot_be_harvested_again(
    seeded: Services, server: HTTPServer
) -> None:
    started = threading.Event()

    def slow(request: Request) -> Response:
        started.set()
        time.sleep(1.0)
        return Response(shared(FILES["dpg"][0]), content_type="application/json")

    server.expect_request("/slow.json").respond_with_handler(slow)
    add_source(seeded, "slow", "dpg", [server.url_for("/slow.json")])
    first = threading.Thread(target=seeded.sources.harvest, args=("slow", OPERATOR))
    first.start()
    assert started.wait(10)

    with pytest.raises(HarvestBusy):
        seeded.sources.harvest("slow", OPERATOR)
    assert seeded.scheduler().tick() == []  # the lease also keeps the scheduler off
    first.join()
    assert runs_per_source(seeded.engine) == {1: 1}


@pytest.mark.slow
def test_two_instances_harvest_each_due_source_once(
    seeded: Services, server: HTTPServer, settings: Settings, engine: Engine
) -> None:
    body = shared(FILES["dpg"][0])

    def slowish(request: Request) -> Response:
        time.sleep(0.3)  # so that the two instances' rounds overlap
        return Response(body, content_type="application/json")

    server.expect_request("/n.json").respond_with_handler(slowish)
    for index in range(6):
        add_source(seeded, f"source-{index}", "dpg", [server.url_for(f"/n.json?{index}")])
    other = build_services(settings, make_engine(engine.url.render_as_string(False)))
    other.seeder.load(read_source(SEED_DIR), OPERATOR)
    done: list[list[str]] = []
    try:
        rounds = [
            threading.Thread(target=lambda s=s: done.append(s.scheduler().tick()))
            for s in (seeded, other)
        ]
        for thread in rounds:
            thread.start()
        for thread in rounds:
            thread.join(60)
    finally:
        other.close()

    assert sorted(name for names in done for name in names) == [f"source-{i}" for i in range(6)]
    assert list(runs_per_source(seeded.engine).values()) == [1] * 6


def test_the_app_runs_the_scheduler_and_harvest_now_wakes_it(
    seeded: Services, host: FileHost, settings: Settings
) -> None:
    add_source(seeded, "dpg", "dpg", [host.put("/n.json", shared(FILES["dpg"][0]))])
    seeded.scheduler().tick()
    assert seeded.sources.show("dpg").runs[0].trigger == "schedule"
    token = seeded.accounts.create_key(scopes=["admin"], maintainer="Ada", actor=OPERATOR).token
    app = create_app(replace(settings, harvest_scheduler=True, harvest_poll_seconds=600), seeded)

    with TestClient(app) as client:
        response = client.post(
            "/api/v1/sources/dpg/harvest", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 202
        deadline = time.monotonic() + 20
        while len(seeded.sources.show("dpg").runs) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)

    runs = seeded.sources.show("dpg").runs
    assert len(runs) == 2  # woken at once, long before the 600 s poll
    assert runs[0].status == "ok"
    assert runs[0].counts["not_modified"] == 1
