"""`registry serve --workers 2`: two processes, one search index, fed by one of them."""

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

from registry.auth import OPERATOR
from registry.db import make_engine
from registry.settings import Settings
from registry.wiring import build_services
from tests.builders import an_entry
from tests.servers import free_port, running

pytestmark = pytest.mark.slow


def call(port: int, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(body).encode() if body is not None else None
    request = Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
    with urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def test_workers_share_one_index_fed_by_one_process(tmp_path: Path, sqlite_template: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(sqlite_template, data / "registry.db")
    services = build_services(Settings(data_dir=data), make_engine(f"sqlite:///{data}/registry.db"))
    supplier = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    ).token
    reviewer = services.accounts.create_key(
        maintainer="Rita", scopes=["entries:review"], actor=OPERATOR
    ).token
    services.close()
    port = free_port()
    env = {**os.environ, "REGISTRY_DATA_DIR": str(data), "REGISTRY_PORT": str(port)}
    log = tmp_path / "serve.log"
    with running([sys.executable, "-m", "registry", "serve", "--workers", "2"], env, port, log):
        # Both workers are up once each has logged how it opened the index.
        deadline = time.monotonic() + 60
        while log.read_text().count("Search index") < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        call(port, "POST", "/api/v1/entries", an_entry(name="Axolotl Bed Manager"), supplier)
        call(port, "POST", "/api/v1/entries/example-tool/actions/submit", None, supplier)
        call(port, "POST", "/api/v1/entries/example-tool/actions/approve", None, reviewer)
        # Whichever worker answers, the entry is found at once (a reader waits for the
        # feeding process to apply the change).
        for _ in range(20):
            assert call(port, "GET", "/api/v1/search?q=axolotl")["total"] == 1
        text = log.read_text()
    # One process built (and feeds) the index; the other only opened it to read.
    assert text.count("Search index") == 2, text
    assert text.count(": rebuilt (") == 1, text
    assert text.count("another process of this host feeds it") == 1, text
    assert len(list((data / "index").glob("_MAIN_*.toc"))) >= 1
