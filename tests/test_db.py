"""The migrations and the models describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

from registry.db import pending_migrations, ping


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    assert differences == []


def test_migrated_database_has_no_pending_migrations(engine: Engine) -> None:
    assert pending_migrations(engine) is False


def test_ping_reports_reachability(engine: Engine) -> None:
    assert ping(engine) is True
