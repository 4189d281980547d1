"""Benchmark: the registry as users meet it, real server processes driven over HTTP.

It prepares a database (SQLite, or a throw-away PostgreSQL database) with the seed and the
real corpus (or `--synthetic N` entries modelled on it), starts `registry serve` as a
separate process group (with `--workers N`), and drives a realistic mix from client
threads on keep-alive connections:

- floors: a static asset and `GET /api/v1/entries/{id}`, the least a request costs;
- `GET /api/v1/search` over every kind of query (names, multi-word, needs, typos, phrases,
  exclusions, facet filters, browsing, sorting), each answer with facets and highlights;
- the HTML pages `/search` and `/entries/{id}`;
- the same API searches while 2 supplier writers create, submit and have entries approved;
- create + submit at concurrency 8;
- publish -> searchable: how long after the approval a unique word is found.

Each phase runs at concurrency 1, 8 and 32 (bounded in time and count) and prints
requests/s, p50/p95/p99 latency and the server's CPU per request, read from /proc for the
whole process group (the client's own CPU does not count). Resident memory of the server is
sampled through the run. The targets of issue 12 are printed with PASS or MISS.

    .venv/bin/python -m bench.http [--postgres [URL]] [--synthetic N] [--workers N]
        [--seconds S] [--compare-workers] [--quick]
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.search import Probe, make_queries, realistic_corpus, synthetic_corpus
from registry.auth import OPERATOR
from registry.db import make_engine, upgrade
from registry.seeding import SeedSource, read_source
from registry.settings import PROJECT_ROOT, Settings
from registry.wiring import build_services

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CONCURRENCY = (1, 8, 32)
LOAD_CHUNK = 5_000
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

#: Targets (issue 12), checked where this run measures them.
SEARCH_CPU_MS = 8.0
SEARCH_P95_WRITERS_MS = 100.0
ENTRY_PAGE_CPU_MS = 10.0
WRITERS_RATIO = 0.8
PUBLISH_SECONDS = 1.0
READY_SECONDS = 60.0
WORKERS_RATIO = 1.6


# The server, seen from outside --------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue.extend(_children(current))
    return pids


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads), and of its reaped children."""
    with suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        # utime, stime, cutime, cstime are fields 14-17 of stat; [0] here is field 3.
        return sum(int(v) for v in fields[11:15]) / TICKS
    return 0.0


def _rss_mib(pid: int) -> float:
    with suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20
    return 0.0


class Server:
    """`registry serve` in its own process group, with CPU and memory read from /proc."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = _free_port()
        self.env = env
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_seconds = 0.0
        self.meaning_seconds = 0.0
        self.rss: list[tuple[float, float]] = []
        self._sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    def start(self, expected: int) -> None:
        command = [sys.executable, "-m", "registry", "serve", "--port", str(self.port)]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        started = time.monotonic()
        with self.log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        # Ready = a search sees every entry the database holds (the index is built).
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        deadline = started + 1800
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped:\n{self.log.read_text()[-3000:]}")
            try:
                status, body = _get(connection, "/api/v1/search?per_page=1")
                if status == 200 and json.loads(body)["total"] >= expected:
                    break
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                connection.close()
            time.sleep(0.2)
        else:
            raise SystemExit("the server was not ready within 30 minutes")
        self.ready_seconds = time.monotonic() - started
        connection.close()
        # Measure the steady state: the feeding worker gives the entries their meaning
        # vectors after the index is ready (logged when done); searches meanwhile would
        # compete with it for the CPU.
        self.meaning_seconds = 0.0
        if self.env.get("REGISTRY_SEARCH_MEANING", "true") != "false":
            while "Meaning vectors backfilled" not in self.log.read_text():
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("the meaning backfill did not finish")
                time.sleep(0.5)
            self.meaning_seconds = time.monotonic() - started - self.ready_seconds
        self._sampling.clear()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        began = time.monotonic()
        while not self._sampling.wait(1.0):
            self.rss.append((time.monotonic() - began, self.rss_mib()))

    def pids(self) -> list[int]:
        return _tree(self.process.pid) if self.process is not None else []

    def cpu(self) -> float:
        return sum(_cpu_seconds(p) for p in self.pids())

    def rss_mib(self) -> float:
        return sum(_rss_mib(p) for p in self.pids())

    def stop(self) -> None:
        self._sampling.set()
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def _send(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    key: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, http.client.HTTPResponse]:
    sent = {"Authorization": f"Bearer {key}", **(headers or {})}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    connection.request(method, path, body=payload, headers=sent)
    response = connection.getresponse()
    return response.status, response.read(), response


# Driving the load ----------------------------------------------------------------------------


@dataclass
class PhaseResult:
    name: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds * 1000 / self.requests if self.requests else float("nan")


def drive(
    server: Server,
    name: str,
    paths: Sequence[str],
    concurrency: int,
    seconds: float,
    limit: int = 20_000,
) -> PhaseResult:
    """GET `paths` (round robin, each thread from its own offset) from `concurrency` threads
    for `seconds` or `limit` requests, whichever comes first."""
    stop = threading.Event()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    count = [0, 0]

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        i = offset
        mine: list[float] = []
        codes: dict[int, int] = {}
        errors = 0
        while not stop.is_set():
            with lock:
                if count[0] >= limit:
                    break
                count[0] += 1
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                status, _ = _get(connection, path)
            except (OSError, http.client.HTTPException):
                connection.close()
                errors += 1
                continue
            mine.append(time.perf_counter() - began)
            codes[status] = codes.get(status, 0) + 1
            if status >= 400:
                errors += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            count[1] += errors
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [
        threading.Thread(target=worker, args=(k * max(1, len(paths) // concurrency),))
        for k in range(concurrency)
    ]
    cpu_before = server.cpu()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    # Until the time is up or every thread reached the limit: waiting out the time after
    # the last request would divide the server's idle CPU (the change-feed poll) among
    # the requests, and count the idle time against the rate.
    deadline = began + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu = server.cpu() - cpu_before
    return PhaseResult(
        name, concurrency, len(latencies), count[1], elapsed, latencies, cpu, statuses
    )


class Writers:
    """Supplier writers: create and submit entries; a reviewer approves each one, so every
    write also reaches the search index. Runs until stopped."""

    def __init__(self, server: Server, supplier: str, reviewer: str, count: int) -> None:
        self.server = server
        self.supplier = supplier
        self.reviewer = reviewer
        self.count = count
        self.submitted = 0
        self.approved = 0
        self.failures: dict[str, int] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _fail(self, what: str) -> None:
        with self._lock:
            self.failures[what] = self.failures.get(what, 0) + 1

    def one(self, connection: http.client.HTTPConnection, approve: bool) -> str | None:
        """Create + submit (+ approve) one entry; its id, or None when a step failed."""
        word = "bench" + uuid.uuid4().hex[:12]
        entry_id = f"{word}-entry"
        document = {
            "id": entry_id,
            "kind": "software",
            "name": f"Bench {word}",
            "summary": f"A benchmark entry {word} for appointment reminders by text message.",
            "status": "beta",
            "licence": "MIT",
            "owner": {"name": "Bench Supplier"},
        }
        status, _, _ = _send(connection, "POST", "/api/v1/entries", self.supplier, document)
        if status != 201:
            self._fail(f"create {status}")
            return None
        path = f"/api/v1/entries/{entry_id}/actions/submit"
        status, _, _ = _send(connection, "POST", path, self.supplier, {})
        if status != 200:
            self._fail(f"submit {status}")
            return None
        with self._lock:
            self.submitted += 1
        if approve:
            path = f"/api/v1/entries/{entry_id}/actions/approve"
            status, _, _ = _send(connection, "POST", path, self.reviewer, {"reason": "bench"})
            if status != 200:
                self._fail(f"approve {status}")
                return None
            with self._lock:
                self.approved += 1
        return entry_id

    def start(self, approve: bool = True) -> None:
        def loop() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
            while not self._stop.is_set():
                try:
                    self.one(connection, approve)
                except (OSError, http.client.HTTPException) as exc:
                    self._fail(type(exc).__name__)
                    connection.close()
            connection.close()

        self._stop.clear()
        self._threads = [threading.Thread(target=loop, daemon=True) for _ in range(self.count)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def publish_to_searchable(server: Server, writers: Writers, samples: int) -> list[float]:
    """Seconds from an approval's answer to a search finding the entry's unique word."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    delays = []
    for _ in range(samples):
        entry_id = writers.one(connection, approve=True)
        if entry_id is None:
            continue
        approved = time.perf_counter()
        word = entry_id.split("-")[0]
        while time.perf_counter() - approved < 30:
            status, body = _get(connection, f"/api/v1/search?q={word}&per_page=1")
            if status == 200 and json.loads(body)["total"] >= 1:
                break
            time.sleep(0.02)
        delays.append(time.perf_counter() - approved)
    connection.close()
    return delays


def create_and_submit(server: Server, writers: Writers, concurrency: int, seconds: float) -> float:
    """Create + submit per second from `concurrency` threads (no approvals)."""
    load = Writers(server, writers.supplier, writers.reviewer, concurrency)
    began = time.perf_counter()
    load.start(approve=False)
    time.sleep(seconds)
    load.stop()
    elapsed = time.perf_counter() - began
    if load.failures:
        print(f"    create+submit failures: {load.failures}")
    return load.submitted / elapsed


# Preparing the data --------------------------------------------------------------------------


@dataclass
class Prepared:
    env: dict[str, str]
    entries: int
    ids: list[str]
    probes: list[Probe]
    supplier: str
    reviewer: str
    drop: Callable[[], None]


@contextmanager
def database(postgres: str | None) -> Iterator[tuple[str, Callable[[], None]]]:
    """A database URL for this run (a new PostgreSQL database, dropped at the end)."""
    if postgres is None:
        folder = Path(tempfile.mkdtemp(prefix="bench-http-db-"))
        yield f"sqlite:///{folder / 'registry.db'}", lambda: None
        return
    name = f"bench_http_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False), drop
    finally:
        drop()


def prepare(url: str, data_dir: Path, synthetic: int) -> Prepared:
    print("Preparing the corpus ...", flush=True)
    real = realistic_corpus()
    settings = Settings(data_dir=data_dir, database_url=url)
    engine = make_engine(url)
    upgrade(engine)
    services = build_services(settings, engine)
    seed = read_source(settings.seed_dir)
    services.seeder.load(seed)
    seed_ids = {str(d["id"]) for _, d in seed.entries if isinstance(d, dict)}
    if synthetic:
        made = synthetic_corpus(real, synthetic)
        documents = [e.document for e in made]
        probe_entries = made[:20_000]
    else:
        documents = [e.document for e in real.entries if e.id not in seed_ids]
        probe_entries = real.entries
    began = time.perf_counter()
    for start in range(0, len(documents), LOAD_CHUNK):
        chunk = documents[start : start + LOAD_CHUNK]
        services.seeder.load(
            SeedSource([], [(f"bench#{start + i}", d) for i, d in enumerate(chunk)])
        )
        print(f"  loaded {start + len(chunk):,} of {len(documents):,}", flush=True)
    print(f"  loaded in {time.perf_counter() - began:.0f} s")
    supplier = services.accounts.create_key(
        scopes=["entries:submit"], supplier="Bench Supplier", actor=OPERATOR
    ).token
    reviewer = services.accounts.create_key(
        scopes=["entries:review"], maintainer="Bench Reviewer", actor=OPERATOR
    ).token
    services.close()
    env = {
        **os.environ,
        "REGISTRY_DATA_DIR": str(data_dir),
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_SECRET_KEY": "bench-http-" + uuid.uuid4().hex,
    }
    total = len(seed_ids) + len(documents)
    ids = [str(d["id"]) for d in documents]
    random.Random(12).shuffle(ids)
    return Prepared(env, total, ids, make_queries(probe_entries), supplier, reviewer, lambda: None)


def search_path(probe: Probe, page: str = "/api/v1/search") -> str:
    params: list[tuple[str, str]] = [("q", probe.query.text)]
    for facet, values in (probe.query.filters or {}).items():
        listed = [values] if isinstance(values, str) else list(values)
        params.extend((facet, str(v)) for v in listed)
    if probe.query.sort and probe.query.sort != "relevance":
        params.append(("sort", probe.query.sort))
    return f"{page}?{urlencode(params)}"


# Reporting -----------------------------------------------------------------------------------


def show(result: PhaseResult) -> None:
    bad = {k: v for k, v in result.statuses.items() if k >= 400}
    print(
        f"  {result.name:<28} c{result.concurrency:<3} {result.rate:8.1f} req/s  "
        f"p50 {result.percentile(0.5):7.1f}  p95 {result.percentile(0.95):7.1f}  "
        f"p99 {result.percentile(0.99):7.1f} ms  CPU {result.cpu_ms:6.2f} ms/req"
        + (f"  errors {result.errors} {bad}" if result.errors else ""),
        flush=True,
    )


def verdict(label: str, ok: bool, figure: str) -> None:
    print(f"  {'PASS' if ok else 'MISS'}  {label}: {figure}")


# The run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> None:
    seconds = args.seconds
    levels = (1, 8) if args.quick else CONCURRENCY
    postgres = args.postgres
    with database(postgres) as (url, _):
        data_dir = Path(tempfile.mkdtemp(prefix="bench-http-"))
        prepared = prepare(url, data_dir, args.synthetic)
        label = f"{'PostgreSQL' if postgres else 'SQLite'}, {prepared.entries:,} entries"
        print(f"\nServer: registry serve --workers {args.workers} ({label})", flush=True)
        server = Server(prepared.env, args.workers, data_dir / "server.log")
        server.start(prepared.entries)
        print(f"  ready to search after {server.ready_seconds:.1f} s (index built from scratch)")
        if server.meaning_seconds:
            print(f"  meaning vectors backfilled {server.meaning_seconds:.1f} s after that")
        results: dict[tuple[str, int], PhaseResult] = {}
        try:
            results = phases(server, prepared, levels, seconds)
            writers = Writers(server, prepared.supplier, prepared.reviewer, 0)
            delays = publish_to_searchable(server, writers, 10)
            submit_rate = create_and_submit(server, writers, 8, seconds)
            print(
                f"  publish -> searchable over {len(delays)} approvals: median "
                f"{statistics.median(delays):.2f} s, worst {max(delays):.2f} s"
            )
            print(f"  create + submit at c8: {submit_rate:.1f} submissions/s")
            rss = [m for _, m in server.rss]
            print(
                f"  server RSS: start {rss[0]:.0f} MiB, peak {max(rss):.0f} MiB, "
                f"end {rss[-1]:.0f} MiB ({len(rss)} samples, 1 per second)"
            )
            report(results, delays, submit_rate, server, prepared)
        finally:
            server.stop()
        if args.compare_workers:
            compare_workers(prepared, seconds, data_dir)


def phases(
    server: Server, prepared: Prepared, levels: Sequence[int], seconds: float
) -> dict[tuple[str, int], PhaseResult]:
    searches = [search_path(p) for p in prepared.probes]
    pages = [search_path(p, "/search") for p in prepared.probes]
    entries = [f"/api/v1/entries/{quote(i)}" for i in prepared.ids[:2000]]
    entry_pages = [f"/entries/{quote(i)}" for i in prepared.ids[:2000]]
    results: dict[tuple[str, int], PhaseResult] = {}

    def record(result: PhaseResult) -> None:
        results[(result.name, result.concurrency)] = result
        show(result)

    # Warm: every query once, so the first phase does not pay for cold caches alone.
    drive(server, "warm", searches, 2, seconds, limit=len(searches))
    print("\nFloors and reads")
    for c in levels:
        record(drive(server, "static asset", ["/assets/catalogue.css"], c, seconds))
        record(drive(server, "API entry read", entries, c, seconds))
    print("\nSearch (API), every kind of query, facets and highlights")
    for c in levels:
        record(drive(server, "API search", searches, c, seconds))
    print("\nAPI search CPU per kind of query (c1)")
    kinds: dict[str, list[str]] = {}
    for probe, path in zip(prepared.probes, searches, strict=True):
        kinds.setdefault(probe.category, []).append(path)
    for kind, paths in sorted(kinds.items()):
        record(
            drive(
                server, f"API search: {kind}", paths, 1, seconds / 2, limit=max(60, 2 * len(paths))
            )
        )
    print("\nPages (HTML)")
    for c in levels[:2]:
        record(drive(server, "HTML search", pages, c, seconds))
        record(drive(server, "HTML entry", entry_pages, c, seconds))
    print("\nAPI search while 2 supplier writers create, submit and get approved")
    writers = Writers(server, prepared.supplier, prepared.reviewer, 2)
    writers.start()
    try:
        for c in levels:
            record(drive(server, "API search + 2 writers", searches, c, seconds))
    finally:
        writers.stop()
    print(
        f"  writers: {writers.submitted} submitted, {writers.approved} approved, "
        f"failures {writers.failures or 'none'}"
    )
    return results


def report(
    results: dict[tuple[str, int], PhaseResult],
    delays: list[float],
    submit_rate: float,
    server: Server,
    prepared: Prepared,
) -> None:
    print("\nTargets (issue 12)")
    kinds = [r for (name, _), r in results.items() if name.startswith("API search: ")]
    worst = max(kinds, key=lambda r: r.cpu_ms)
    verdict(
        "API search CPU per request, every kind (mean per kind)",
        worst.cpu_ms <= SEARCH_CPU_MS,
        f"worst {worst.name[12:]} {worst.cpu_ms:.1f} ms (target <= {SEARCH_CPU_MS:.0f})",
    )
    loaded = results.get(("API search + 2 writers", 8))
    if loaded is not None:
        verdict(
            "API search p95 at c8 with 2 writers",
            loaded.percentile(0.95) <= SEARCH_P95_WRITERS_MS,
            f"{loaded.percentile(0.95):.0f} ms (target <= {SEARCH_P95_WRITERS_MS:.0f})",
        )
    plain = results.get(("API search", 8))
    if loaded is not None and plain is not None:
        ratio = loaded.rate / plain.rate
        verdict(
            "search throughput with 2 writers vs without (c8)",
            ratio >= WRITERS_RATIO,
            f"{ratio:.2f} (target >= {WRITERS_RATIO})",
        )
    entry = results.get(("HTML entry", 1))
    if entry is not None:
        verdict(
            "HTML entry page CPU",
            entry.cpu_ms <= ENTRY_PAGE_CPU_MS,
            f"{entry.cpu_ms:.1f} ms (target <= {ENTRY_PAGE_CPU_MS:.0f})",
        )
    if delays:
        verdict(
            "publish -> searchable, worst case",
            max(delays) <= PUBLISH_SECONDS,
            f"{max(delays):.2f} s (target <= {PUBLISH_SECONDS})",
        )
    verdict(
        "a new instance ready to search",
        server.ready_seconds <= READY_SECONDS,
        f"{server.ready_seconds:.0f} s for {prepared.entries:,} entries "
        f"(target <= {READY_SECONDS:.0f} s at 100k)",
    )
    print(
        f"  ----  create + submit at c8: {submit_rate:.1f}/s (targets on PostgreSQL: >= 50/s "
        "real corpus, >= 20/s at 100k)"
    )


def compare_workers(prepared: Prepared, seconds: float, data_dir: Path) -> None:
    """Search throughput at c8 and c32 with 1 worker, then with 2, on the same index."""
    print("\n--workers 1 against --workers 2 (API search)")
    searches = [search_path(p) for p in prepared.probes]
    rates: dict[int, float] = {}
    for workers in (1, 2):
        server = Server(prepared.env, workers, data_dir / f"server-{workers}.log")
        server.start(prepared.entries)
        try:
            drive(server, "warm", searches, 4, seconds, limit=len(searches) * workers)
            best = 0.0
            for c in (8, 32):
                result = drive(server, f"API search, {workers} worker(s)", searches, c, seconds)
                show(result)
                best = max(best, result.rate)
            rates[workers] = best
        finally:
            server.stop()
    ratio = rates[2] / rates[1]
    verdict("--workers 2 against 1", ratio >= WORKERS_RATIO, f"{ratio:.2f}x (target >= 1.6)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", nargs="?", const=DEFAULT_POSTGRES, help="run on PostgreSQL (server URL)"
    )
    parser.add_argument("--synthetic", type=int, default=0, help="N synthetic entries instead")
    parser.add_argument("--workers", type=int, default=1, help="registry serve --workers N")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--quick", action="store_true", help="concurrency 1 and 8 only")
    parser.add_argument(
        "--compare-workers", action="store_true", help="also measure 1 worker against 2"
    )
    parser.add_argument(
        "--no-meaning", action="store_true", help="servers match words only (no meaning vectors)"
    )
    args = parser.parse_args(argv)
    if args.no_meaning:
        os.environ["REGISTRY_SEARCH_MEANING"] = "false"  # the servers inherit it
    print(f"bench.http: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    run(args)


if __name__ == "__main__":
    main()
