"""Benchmark: harvest the whole real corpus from a local server, against the file import of
the same documents measured in the same run.

A file server in its own process serves the corpus files of ../shared/data on 127.0.0.1
with ETags and 304s, as a file host would (each file read once when it starts). Each of
the five formats becomes one source whose URLs are the corpus files of that format
(7,433 files, about 10,400 documents). Measured, each on a
fresh SQLite database with the seed content:
- file import: `read_files` + `ImportService.run(apply=True)`, reading and parsing included;
- first harvest: `Harvester.run` of each source: fetch, parse, import, record;
- second harvest: nothing changed, so every URL answers 304.
Targets (issue 13): first harvest <= 1.5x the file import; second <= 10% of the first.

    .venv/bin/python -m bench.harvest
"""

import argparse
import hashlib
import multiprocessing
import socket
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.corpus import SHARED_DATA, real_corpus
from registry.auth import OPERATOR
from registry.db import make_engine, upgrade
from registry.importers import importer_for
from registry.importing import expand, read_files
from registry.seeding import read_source
from registry.settings import Settings
from registry.wiring import Services, build_services

TYPES = {
    ".json": "application/json",
    ".csv": "text/csv",
    ".yml": "text/plain",
    ".yaml": "text/yaml",
}


class _Files(BaseHTTPRequestHandler):
    """A file host: every file read once at start, with its ETag, as a CDN would serve it."""

    protocol_version = "HTTP/1.1"
    files: dict[str, tuple[bytes, str, str]] = {}  # noqa: RUF012 - filled once at start

    def do_GET(self) -> None:
        found = self.files.get(self.path.split("?", 1)[0])
        if found is None:
            self._send(404, b"", "text/plain", "")
            return
        body, content_type, etag = found
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", "", etag)
            return
        self._send(200, body, content_type, etag)

    def _send(self, status: int, body: bytes, content_type: str, etag: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def setup(self) -> None:
        super().setup()
        # Like real file hosts: no Nagle delay between the headers and the body.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return


def url_path(path: Path) -> str:
    return "/" + quote(str(path.resolve().relative_to(SHARED_DATA.resolve())))


def serve(port_out: "multiprocessing.Queue[int]") -> None:
    for _fmt, paths in corpus_files():
        for path in paths:
            body = path.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            content_type = TYPES.get(path.suffix.lower(), "application/octet-stream")
            _Files.files[url_path(path)] = (body, content_type, etag)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


def fresh_registry(folder: Path, name: str) -> Services:
    engine = make_engine(f"sqlite:///{folder / name}.db")
    upgrade(engine)
    settings = Settings(
        data_dir=folder / name,
        harvest_allow_hosts=("127.0.0.1",),
        harvest_scheduler=False,
        harvest_max_bytes=50 * 1024 * 1024,
        harvest_timeout_seconds=60,
    )
    services = build_services(settings, engine)
    services.seeder.load(read_source(settings.seed_dir), OPERATOR)
    return services


def corpus_files() -> list[tuple[str, list[Path]]]:
    found = []
    for fmt, paths in real_corpus():
        files, missing = expand(paths, importer_for(fmt).suffixes)
        if missing:
            raise SystemExit(f"missing corpus paths: {missing}")
        found.append((fmt, files))
    return found


def add(total: dict[str, int], counts: dict[str, int]) -> None:
    for name, n in counts.items():
        total[name] = total.get(name, 0) + n


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    corpus = corpus_files()
    files = sum(len(f) for _, f in corpus)
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports,), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    try:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            imported = fresh_registry(folder, "import")
            started = time.perf_counter()
            import_counts: dict[str, int] = {}
            for fmt, paths in corpus:
                importer = importer_for(fmt)
                report = imported.imports.run(
                    importer, read_files(importer, paths), apply=True, actor=OPERATOR
                )
                add(import_counts, report.counts)
            import_s = time.perf_counter() - started
            imported.close()

            harvested = fresh_registry(folder, "harvest")
            for fmt, paths in corpus:
                urls = [f"http://127.0.0.1:{port}{url_path(p)}" for p in paths]
                harvested.sources.add(
                    {"name": fmt, "format": fmt, "urls": urls, "trust": "publish"}, OPERATOR
                )
            timings = []
            runs: list[dict[str, int]] = []
            for _ in range(2):
                started = time.perf_counter()
                counts: dict[str, int] = {}
                for fmt, _paths in corpus:
                    run = harvested.sources.harvest(fmt, OPERATOR)
                    if run.status != "ok":
                        print(f"  {fmt}: {run.status}: {len(run.errors)} error(s)")
                    add(counts, run.counts)
                timings.append(time.perf_counter() - started)
                runs.append(counts)
            harvested.close()
    finally:
        server.terminate()
    first, second = timings
    documents = sum(import_counts.values())
    print(f"corpus                      {files:>8} files, {documents} documents")
    print(f"file import (read + import) {import_s:>8.1f} s")
    print(
        f"first harvest               {first:>8.1f} s   ratio to file import "
        f"{first / import_s:.2f}x (target <= 1.5x)"
    )
    print(
        f"second harvest (unchanged)  {second:>8.1f} s   {100 * second / first:.1f}% of the "
        "first (target <= 10%)"
    )
    print(f"file import outcomes        {import_counts}")
    print(f"first harvest outcomes      {runs[0]}")
    print(f"second harvest outcomes     {runs[1]}")


if __name__ == "__main__":
    main()
