"""Running the registry as a real server process on a free loopback port, for tests."""

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from registry.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get_json(url: str) -> Any:
    with urlopen(url, timeout=10) as response:  # noqa: S310 - loopback URLs only
        return json.loads(response.read())


@contextmanager
def running(command: list[str], env: Mapping[str, str], port: int, log: Path) -> Iterator[None]:
    """Start `command`, wait until /health answers on `port`, stop the whole process group
    afterwards; fail with the server's output when it does not start within 2 minutes."""
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get_json(f"http://127.0.0.1:{port}/health")
                break
            except (URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{' '.join(command)} did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
