"""Fixtures: a registry on SQLite always, and on PostgreSQL when reachable.

PostgreSQL tests run against a throw-away database created for the session on the server
named by REGISTRY_TEST_POSTGRES_URL (default: the local server's `test` database URL);
they are skipped when it is unreachable, unless REGISTRY_REQUIRE_POSTGRES=1 (as in CI),
when they fail instead.
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from registry import auth
from registry.app import create_app
from registry.auth import OPERATOR
from registry.db import make_engine, upgrade
from registry.seeding import read_source
from registry.settings import Settings
from registry.wiring import Services, build_services
from tests.builders import SEED_DIR

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_base_url() -> str:
    return os.environ.get("REGISTRY_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def _require_postgres() -> bool:
    return os.environ.get("REGISTRY_REQUIRE_POSTGRES", "") == "1"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 at its lowest cost in this process: the tests check what is hashed and when,
    not how hard each hash is, and hundreds of sign-ins at the production cost (64 MiB,
    3 passes each) made the admin tests the slowest part of the run. Server processes
    that tests start hash as in production."""
    original = auth._HASHER
    auth._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    auth._HASHER = original


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    base = make_url(_postgres_base_url())
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"registry_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        admin.dispose()
        message = f"PostgreSQL unreachable at {base.render_as_string()}: {exc}"
        if _require_postgres():
            pytest.fail(message)
        pytest.skip(message)
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "registry.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _empty_postgres(url: str) -> Engine:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database on each backend."""
    if request.param == "postgres":
        engine = _empty_postgres(request.getfixturevalue("postgres_url"))
    else:
        target = tmp_path / "data" / "registry.db"
        target.parent.mkdir(parents=True)
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def services(settings: Settings, engine: Engine) -> Services:
    return build_services(settings, engine)


@pytest.fixture
def seeded(services: Services) -> Services:
    """The registry with the project's real seed content loaded."""
    services.seeder.load(read_source(SEED_DIR), OPERATOR)
    return services


@pytest.fixture
def app(settings: Settings, services: Services) -> Litestar:
    return create_app(settings, services)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


@dataclass(frozen=True)
class Keys:
    supplier: str
    other_supplier: str
    reviewer: str
    admin: str


@pytest.fixture
def keys(services: Services) -> Keys:
    """Bearer tokens for two suppliers, a reviewer and an admin."""

    def issue(**kwargs: object) -> str:
        return services.accounts.create_key(actor=OPERATOR, **kwargs).token  # type: ignore[arg-type]

    return Keys(
        supplier=issue(supplier="Acme Health", scopes=["entries:submit"]),
        other_supplier=issue(supplier="Other Ltd", scopes=["entries:submit"]),
        reviewer=issue(maintainer="Rita Reviewer", scopes=["entries:review"]),
        admin=issue(maintainer="Ada Admin", scopes=["admin"]),
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
