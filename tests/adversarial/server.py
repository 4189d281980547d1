"""`registry serve` as a real process that a test can SIGKILL and start again."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError

import pytest
from sqlalchemy import Engine

from registry.auth import OPERATOR
from registry.settings import PROJECT_ROOT, Settings
from registry.wiring import build_services
from tests.servers import free_port, get_json


class Server:
    """One `registry serve` process at a time on a fixed port and data folder."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "REGISTRY_DATABASE_URL": database_url,
            "REGISTRY_DATA_DIR": str(folder),
            "REGISTRY_PORT": str(self.port),
            "REGISTRY_SEARCH_POLL_SECONDS": "0.25",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> float:
        """Start the server and wait until /health answers; the seconds that took."""
        began = time.monotonic()
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        log = folder / f"server-{self.starts}.log"
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "registry", "serve"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while True:
            try:
                get_json(f"{self.url}/health")
                return time.monotonic() - began
            except (URLError, ConnectionError, OSError):
                if self.process.poll() is not None or time.monotonic() - began > 120:
                    pytest.fail(f"the server did not start:\n{log.read_text()}")
                time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash or `kill -9` would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.folder.glob("server-*.log")))


@contextmanager
def served(engine: Engine, folder: Path) -> Iterator[Server]:
    server = Server(engine.url.render_as_string(hide_password=False), folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def issue_key(
    engine: Engine,
    folder: Path,
    scope: str,
    *,
    supplier: str | None = None,
    maintainer: str | None = None,
) -> str:
    """A key made the way the operator's command line makes one."""
    services = build_services(Settings(data_dir=folder), engine)
    try:
        accounts = services.accounts
        return accounts.create_key(
            scopes=[scope], supplier=supplier, maintainer=maintainer, actor=OPERATOR
        ).token
    finally:
        services.close()
