"""Benchmark: import the whole real corpus into SQLite and PostgreSQL.

For each database it measures, in one run:
- baseline: the same documents written as bare JSON rows with one executemany, no
  validation, revisions, change feed or audit: the least any import could cost;
- import: `ImportService.run(apply=True)`: parse, validate, detect duplicates, store each
  entry with its revision, change-feed row and audit row.
It prints entries per second, the ratio import/baseline, and the peak resident memory of
each database's run (each runs in its own process so the peaks are separate).

    .venv/bin/python -m bench.import [--postgres URL] [--skip-postgres]
Target (issue 3): the ~9,000-entry corpus in under 60 s on SQLite.
"""

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.corpus import real_corpus
from registry.auth import OPERATOR
from registry.db import make_engine, upgrade
from registry.importers import importer_for
from registry.importing import expand, read_files
from registry.seeding import read_source
from registry.settings import Settings
from registry.wiring import build_services

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def parse_corpus() -> tuple[list[tuple[str, list[Any]]], int, float]:
    """Parse every file once: (format, results) pairs, entry count, seconds."""
    started = time.perf_counter()
    parsed = []
    count = 0
    for fmt, paths in real_corpus():
        importer = importer_for(fmt)
        files, missing = expand(paths, importer.suffixes)
        if missing:
            raise SystemExit(f"missing corpus paths: {missing}")
        results = list(read_files(importer, files))
        count += sum(len(r.entries) for _, r in results)
        parsed.append((fmt, results))
    return parsed, count, time.perf_counter() - started


def run_database(url: str, label: str, queue: "multiprocessing.Queue[dict[str, Any]]") -> None:
    parsed, count, parse_seconds = parse_corpus()
    engine = make_engine(url)
    upgrade(engine)
    services = build_services(Settings(), engine)
    services.seeder.load(read_source(services.settings.seed_dir), OPERATOR)

    documents = [item.document for _, results in parsed for _, r in results for item in r.entries]
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_baseline (id VARCHAR(63), document TEXT)"))
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO bench_baseline (id, document) VALUES (:id, :document)"),
            [{"id": str(d.get("id")), "document": json.dumps(d)} for d in documents],
        )
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    counts: dict[str, int] = {}
    for fmt, results in parsed:
        report = services.imports.run(importer_for(fmt), results, apply=True, actor=OPERATOR)
        for name, n in report.counts.items():
            counts[name] = counts.get(name, 0) + n
    imported = time.perf_counter() - started

    started = time.perf_counter()
    again: dict[str, int] = {}
    for fmt, results in parsed:
        report = services.imports.run(importer_for(fmt), results, apply=True, actor=OPERATOR)
        for name, n in report.counts.items():
            again[name] = again.get(name, 0) + n
    reimported = time.perf_counter() - started
    services.close()
    queue.put(
        {
            "label": label,
            "documents": count,
            "parse_s": parse_seconds,
            "baseline_s": baseline,
            "import_s": imported,
            "reimport_s": reimported,
            "counts": counts,
            "again": again,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def in_process(url: str, label: str) -> dict[str, Any]:
    queue: multiprocessing.Queue[dict[str, Any]] = multiprocessing.Queue()
    process = multiprocessing.Process(target=run_database, args=(url, label, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def show(result: dict[str, Any]) -> None:
    stored = result["counts"].get("created", 0) + result["counts"].get("updated", 0)
    rate = stored / result["import_s"] if result["import_s"] else 0.0
    print(f"\n== {result['label']}")
    print(f"documents parsed           {result['documents']:>8}   in {result['parse_s']:.1f} s")
    print(f"baseline (bare insert)     {result['baseline_s']:>8.2f} s")
    print(
        f"import (validate + store)  {result['import_s']:>8.2f} s   {rate:,.0f} entries/s "
        f"  ratio to baseline {result['import_s'] / result['baseline_s']:.1f}x"
    )
    print(f"second run (no changes)    {result['reimport_s']:>8.2f} s")
    print(f"outcomes                   {result['counts']}")
    print(f"second run outcomes        {result['again']}")
    print(f"peak resident memory       {result['peak_rss_mib']:>8.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server for the PG run")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        show(in_process(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite"))
    if args.skip_postgres:
        return
    base = make_url(args.postgres)
    name = f"registry_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        show(
            in_process(base.set(database=name).render_as_string(hide_password=False), "PostgreSQL")
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
