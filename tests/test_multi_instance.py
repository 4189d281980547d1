"""Several instances on one PostgreSQL database, each with its own index folder, stay in
step through the change feed: an entry published through one is found through another
within 2 seconds, and an instance started late catches up."""

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

from registry.auth import OPERATOR
from registry.db import make_engine
from registry.settings import Settings
from registry.wiring import build_services
from tests.builders import an_entry
from tests.conftest import _empty_postgres
from tests.servers import free_port, running

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def call(port: int, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(body).encode() if body is not None else None
    request = Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
    with urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


@contextmanager
def instance(database_url: str, folder: Path) -> Iterator[int]:
    """`registry serve` on a free loopback port with its own data folder."""
    port = free_port()
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": database_url,
        "REGISTRY_DATA_DIR": str(folder),
        "REGISTRY_PORT": str(port),
    }
    folder.mkdir(parents=True, exist_ok=True)
    with running(
        [sys.executable, "-m", "registry", "serve"], env, port, folder.with_suffix(".log")
    ):
        yield port


def found_within(port: int, text: str, seconds: float) -> float | None:
    """Seconds until a search for `text` on the instance finds something, or None."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if call(port, "GET", f"/api/v1/search?q={text}")["total"]:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def test_instances_share_published_entries_through_the_feed(
    postgres_url: str, tmp_path: Path
) -> None:
    _empty_postgres(postgres_url).dispose()
    services = build_services(Settings(), make_engine(postgres_url))
    supplier = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    ).token
    reviewer = services.accounts.create_key(
        maintainer="Rita", scopes=["entries:review"], actor=OPERATOR
    ).token
    services.close()

    with instance(postgres_url, tmp_path / "a") as a, instance(postgres_url, tmp_path / "b") as b:
        call(a, "POST", "/api/v1/entries", an_entry(name="Axolotl Bed Manager"), supplier)
        call(a, "POST", "/api/v1/entries/example-tool/actions/submit", None, supplier)
        call(a, "POST", "/api/v1/entries/example-tool/actions/approve", None, reviewer)

        elapsed = found_within(b, "axolotl", 2.0)
        assert elapsed is not None, "instance B did not find the entry published through A"

        call(
            b, "POST", "/api/v1/entries", an_entry(id="second-tool", name="Narwhal Rota"), supplier
        )
        call(b, "POST", "/api/v1/entries/second-tool/actions/submit", None, supplier)
        call(b, "POST", "/api/v1/entries/second-tool/actions/approve", None, reviewer)
        assert found_within(a, "narwhal", 2.0) is not None

        with instance(postgres_url, tmp_path / "late") as late:
            assert call(late, "GET", "/api/v1/search?q=axolotl")["total"] == 1
            assert call(late, "GET", "/api/v1/search?q=narwhal")["total"] == 1


def test_change_numbers_are_taken_at_commit_so_a_long_import_holds_no_one_back(
    postgres_url: str,
) -> None:
    """A long transaction (a bulk import) does not take its change number when it writes
    but when it commits: a write committed meanwhile gets the lower number, so followers of
    the feed, which advance over contiguous numbers only, never wait on a gap."""
    from registry.db import transaction
    from registry.repository import Repository

    engine = _empty_postgres(postgres_url)
    try:
        with transaction(engine) as long_import:
            Repository(long_import).append_change("imported-early", 1, "published")
            long_import.flush()
            # Meanwhile a short transaction commits.
            with transaction(engine) as short:
                Repository(short).append_change("written-meanwhile", 1, "published")
        with transaction(engine, write=False) as session:
            changes = Repository(session).changes_after(0)
        assert [c.entry_id for c in changes] == ["written-meanwhile", "imported-early"]
        assert [c.seq for c in changes] == [1, 2]
    finally:
        engine.dispose()
