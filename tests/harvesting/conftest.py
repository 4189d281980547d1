"""A local HTTP server on 127.0.0.1 serving copies of ../shared/data files (read at test
time, never copied into the project), with ETag and 304 like a real file host, and a
registry that may fetch from 127.0.0.1."""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from registry.auth import OPERATOR
from registry.settings import PROJECT_ROOT, Settings
from registry.wiring import Services

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

#: One real file per format, and the media type a file host would send it with.
FILES = {
    "publiccode": ("publiccode-real/AI-Riksarkivet/htrflow/publiccode.yml", "text/plain"),
    "backstage": (
        "backstage-catalog-examples/backstage-demo/catalog-info.yaml",
        "application/yaml",
    ),
    "dpg": ("dpga-publicgoods-candidates/nominees/aam-digital.json", "application/json"),
    "codegov": ("us-code-gov-inventory/codegov.json", "application/json"),
    "uk-api-catalogue": ("uk-api-catalogue-data-source/nhs-digital/apis.json", "application/json"),
}


def shared(relative: str) -> bytes:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.fail(f"{path} is not here: the harvest tests serve ../shared/data, which CI has")
    return path.read_bytes()


@dataclass
class FileHost:
    """Files served by path; change `files` and the next request sees the change."""

    server: HTTPServer
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    answers: list[tuple[str, int]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def put(self, path: str, body: bytes, content_type: str = "application/json") -> str:
        self.files[path] = (body, content_type)
        return self.url(path)

    def status_of(self, path: str) -> list[int]:
        return [status for p, status in self.answers if p == path]

    def handle(self, request: Request) -> Response:
        found = self.files.get(request.path)
        if found is None:
            self.answers.append((request.path, 404))
            return Response("not found", status=404, content_type="text/plain")
        body, content_type = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.answers.append((request.path, 304))
            return Response(status=304, headers={"ETag": etag})
        self.answers.append((request.path, 200))
        return Response(body, status=200, content_type=content_type, headers={"ETag": etag})


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    http = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    http.start()
    yield http
    http.clear()
    http.stop()


@pytest.fixture
def host(server: HTTPServer) -> FileHost:
    files = FileHost(server)
    server.expect_request(re.compile(".*")).respond_with_handler(files.handle)
    return files


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        harvest_allow_hosts=("127.0.0.1",),
        harvest_scheduler=False,
        harvest_timeout_seconds=2.0,
        harvest_max_bytes=2 * 1024 * 1024,
        harvest_misses_before_deprecation=2,
    )


def add_source(services: Services, name: str, fmt: str, urls: list[str], **more: Any) -> None:
    services.sources.add(
        {"name": name, "format": fmt, "urls": urls, "trust": "publish", **more}, OPERATOR
    )
