"""A longer, randomised schemathesis run over the app's own OpenAPI document.

`make test` runs a short derandomised pass (tests/api/test_openapi_conformance.py); this
script runs every schemathesis check with fresh random data, against a seeded registry
in a temporary folder (SQLite by default), as anonymous, a supplier and a reviewer. It
prints the number of cases sent and every distinct failure, and exits 1 if there was one.

    .venv/bin/python -m bench.schemathesis_run [--examples N] [--seed S] [--postgres URL]
"""

import argparse
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from litestar import Litestar
from schemathesis.checks import CHECKS
from schemathesis.generation.case import Case
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from registry.app import create_app
from registry.auth import OPERATOR
from registry.db import make_engine, upgrade
from registry.seeding import read_source
from registry.settings import Settings
from registry.wiring import build_services
from tests.api.schemathesis_checks import all_checks, configure

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"


def _app(data: Path, database_url: str | None) -> tuple[Litestar, list[dict[str, str]]]:
    settings = Settings(data_dir=data, database_url=database_url or "")
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    services = build_services(settings, engine)
    services.seeder.load(read_source(SEED_DIR), OPERATOR)
    supplier = services.accounts.create_key(
        supplier="Bench Supplier", scopes=["entries:submit"], actor=OPERATOR
    )
    reviewer = services.accounts.create_key(
        maintainer="Bench Reviewer", scopes=["entries:review"], actor=OPERATOR
    )
    identities = [
        {},
        {"Authorization": f"Bearer {supplier.token}"},
        {"Authorization": f"Bearer {reviewer.token}"},
    ]
    return create_app(settings, services), identities


def run(
    app: Litestar, identities: list[dict[str, str]], examples: int, run_seed: int | None
) -> int:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi/openapi.json", app)
    configure(schema)
    cases = 0
    failures: Counter[str] = Counter()
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def send(case: Case[Any]) -> None:
            nonlocal cases
            for identity in identities:
                cases += 1
                try:
                    case.call_and_validate(
                        headers={**dict(case.headers or {}), **identity}, checks=all_checks()
                    )
                except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failure is counted
                    who = identity.get("Authorization", "anonymous")[:20]
                    title = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
                    label = case.operation.label
                    failures[f"{label} [{who}]: {type(exc).__name__}: {title}"] += 1

        if run_seed is not None:
            send = seed(run_seed)(send)
        send()
    seconds = time.perf_counter() - started
    print(f"checks: {', '.join(CHECKS.get_all_names())}")
    print(f"cases: {cases} in {seconds:.1f} s; failures: {sum(failures.values())}")
    for failure, count in failures.most_common():
        print(f"  {count:4d} x {failure}")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="examples per operation")
    parser.add_argument("--seed", type=int, default=None, help="fix hypothesis's seed")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL to use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = None
        admin = None
        if args.postgres:
            base = make_url(args.postgres)
            name = f"registry_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            database_url = base.set(database=name).render_as_string(hide_password=False)
        try:
            app, identities = _app(Path(folder) / "data", database_url)
            status = run(app, identities, args.examples, args.seed)
        finally:
            if admin is not None:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    sys.exit(status)


if __name__ == "__main__":
    main()
