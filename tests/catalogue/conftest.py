"""A seeded site shared by the read-only page tests of a module (seeding and indexing the
registry for every test would dominate their run time). Tests that write use the
per-test `client`/`seeded` fixtures, on both database backends."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.app import create_app
from registry.auth import OPERATOR
from registry.db import make_engine, upgrade
from registry.seeding import read_source
from registry.settings import Settings
from registry.wiring import build_services
from tests.builders import SEED_DIR


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Litestar]]:
    data: Path = tmp_path_factory.mktemp("site")
    settings = Settings(data_dir=data)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    services = build_services(settings, engine)
    services.seeder.load(read_source(SEED_DIR), OPERATOR)
    with TestClient(create_app(settings, services)) as client:
        yield client
