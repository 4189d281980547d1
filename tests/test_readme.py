"""The README is the front door: `make serve` works on a fresh data folder and the curl
examples run as written against it."""

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.settings import PROJECT_ROOT
from tests.servers import free_port, get_json, running

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _shell_blocks(section: str) -> list[str]:
    text = README.split(f"### {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, dict[str, str]]]:
    """`make serve` on an empty data folder, on a free loopback port."""
    port = free_port()
    env = {
        **os.environ,
        "REGISTRY_PORT": str(port),
        "REGISTRY_DATA_DIR": str(tmp_path_factory.mktemp("serve") / "data"),
    }
    env.pop("REGISTRY_DATABASE_URL", None)
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with running(["make", "--no-print-directory", "serve"], env, port, log):
        yield port, env


def test_make_serve_seeds_and_serves_the_entries(served: tuple[int, dict[str, str]]) -> None:
    port, _ = served

    body = get_json(f"http://127.0.0.1:{port}/api/v1/entries?per_page=100")

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
    # The example's change is seen by everyone: no proposal is left waiting.
    entry = get_json(f"http://127.0.0.1:{port}/api/v1/entries/example-appointments")
    assert entry["document"]["status"] == "live"


def test_readme_error_example_names_every_fault(served: tuple[int, dict[str, str]]) -> None:
    port, env = served
    script = _shell_blocks("Examples")[1].replace("127.0.0.1:8000", f"127.0.0.1:{port}")

    result = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )

    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert {e["path"] for e in report["errors"]} == {"/id", "/licence"}
