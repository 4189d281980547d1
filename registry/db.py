"""Database engine, sessions and the Alembic migrations entry point."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets its folder created, foreign keys and WAL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A write transaction takes SQLite's write lock up front (BEGIN IMMEDIATE), so two
    # writers that read-then-write queue up instead of one failing with SQLITE_BUSY.
    immediate = connection.get_execution_options().get("write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


#: Where a transaction's change-feed rows wait until it commits (`Repository.append_change`).
PENDING_CHANGES = "pending_changes"
#: The PostgreSQL advisory lock under which change numbers are taken and committed.
CHANGE_NUMBER_LOCK = 0x5245_4753  # "REGS"
_committed = [0]
_committed_lock = threading.Lock()


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """A session whose work is committed together, or not at all."""
    with Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={"write": write})
        try:
            yield session
            changed = _number_changes(session)
            session.commit()
            if changed:
                _count_change()
        except BaseException:
            session.info.pop(PENDING_CHANGES, None)
            session.rollback()
            raise


def changes_committed() -> int:
    """How many transactions of this process have committed change-feed rows: a search
    need not look at the feed for its own process's writes while this stays the same."""
    return _committed[0]


def _count_change() -> None:
    with _committed_lock:
        _committed[0] += 1


def _number_changes(session: Session) -> bool:
    """Insert the transaction's change-feed rows last, just before it commits.

    Followers of the feed advance over contiguous numbers only. On PostgreSQL a number
    taken early by a long transaction (a bulk import) would become visible long after
    later ones, and hold every index back until then. So numbers are taken at commit, one
    transaction at a time (a transaction-scoped advisory lock, released by the commit):
    they become visible in the order they were taken. SQLite writers are serial anyway."""
    pending = session.info.pop(PENDING_CHANGES, None)
    if not pending:
        return False
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_NUMBER_LOCK})
    session.add_all(pending)
    session.flush()
    return True


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to the newest migration."""
    command.upgrade(alembic_config(engine), revision)


def pending_migrations(engine: Engine) -> bool:
    """Whether the database is behind the newest migration."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) != set(script.get_heads())


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    return True
