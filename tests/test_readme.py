"""The README is the front door: `make serve` works on a fresh data folder and the curl
examples run as written against it."""

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from registry.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _shell_blocks(section: str) -> list[str]:
    text = README.split(f"### {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


def _get_json(url: str) -> dict[str, object]:
    with urlopen(url, timeout=5) as response:  # noqa: S310 - a loopback URL built above
        data: dict[str, object] = json.loads(response.read())
        return data


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, dict[str, str]]]:
    """`make serve` on an empty data folder, on a free loopback port."""
    port = _free_port()
    env = {
        **os.environ,
        "REGISTRY_PORT": str(port),
        "REGISTRY_DATA_DIR": str(tmp_path_factory.mktemp("serve") / "data"),
    }
    env.pop("REGISTRY_DATABASE_URL", None)
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get_json(f"http://127.0.0.1:{port}/health")
                break
            except (URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"make serve did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield port, env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_make_serve_seeds_and_serves_the_entries(served: tuple[int, dict[str, str]]) -> None:
    port, _ = served

    body = _get_json(f"http://127.0.0.1:{port}/api/v1/entries?per_page=100")

    assert isinstance(body["total"], int)
    assert body["total"] >= 60


def test_readme_examples_run_as_written(served: tuple[int, dict[str, str]], tmp_path: Path) -> None:
    port, env = served
    (tmp_path / ".venv").symlink_to(PROJECT_ROOT / ".venv")
    script = _shell_blocks("Examples")[0].replace("127.0.0.1:8000", f"127.0.0.1:{port}")

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert '"state":"published"' in result.stdout
    assert '"action":"propose"' in result.stdout


def test_readme_error_example_names_every_fault(served: tuple[int, dict[str, str]]) -> None:
    port, env = served
    script = _shell_blocks("Examples")[1].replace("127.0.0.1:8000", f"127.0.0.1:{port}")

    result = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )

    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert {e["path"] for e in report["errors"]} == {"/id", "/licence"}
