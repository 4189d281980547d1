"""A small registry with something in every state, an admin signed in to the pages, and a
way to tell whether a request stored anything."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Connection, Engine, func, select
from sqlmodel import SQLModel, col

from registry.app import create_app
from registry.auth import OPERATOR
from registry.db import make_engine, upgrade
from registry.models import AuditEvent
from registry.settings import Settings
from registry.wiring import Services, build_services
from tests.admin.conftest import Person, sign_in
from tests.adversarial.routes import Client, Route, Site, crawl, routes
from tests.builders import a_full_entry, a_standard, an_entry
from tests.conftest import BACKENDS, Keys, _empty_postgres, bearer

#: Audit rows that record a refusal (a failed sign-in): storing them is the point.
REFUSAL_AUDITS = ("failed", "refused", "throttled", "lock")
#: Tables that count refusals (failed sign-ins, to slow an attacker down).
REFUSAL_TABLES = frozenset({"sign_in_throttle"})
#: Maintainers who sign in to the pages (the `keys` fixture's maintainers have only keys).
PAGE_ADMIN = Person("adam.pages@example.nhs.uk", "Adam Pages")
PAGE_REVIEWER = Person("rhea.pages@example.nhs.uk", "Rhea Pages")


@dataclass(frozen=True)
class Snapshot:
    """How many rows each table holds, and the newest audit row's id."""

    counts: dict[str, int]
    last_audit: int


def snapshot(probe: Connection) -> Snapshot:
    """One query on a connection kept open (a pooled session per request costs five times
    as much on PostgreSQL, and every hostile request takes two snapshots)."""
    tables = SQLModel.metadata.sorted_tables
    columns = [select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables]
    columns.append(select(func.max(AuditEvent.id)).scalar_subquery().label("last_audit"))
    try:
        row = probe.execute(select(*columns)).one()._asdict()
    finally:
        probe.rollback()
    last = row.pop("last_audit") or 0
    return Snapshot({k: int(v) for k, v in row.items()}, int(last))


def stored_since(probe: Connection, before: Snapshot) -> list[str]:
    """Tables that gained or lost rows since `before`, apart from audit rows recording a
    refusal."""
    after = snapshot(probe)
    changed = [
        t for t, n in after.counts.items() if n != before.counts[t] and t not in REFUSAL_TABLES
    ]
    if changed == [AuditEvent.__tablename__]:
        newer = col(AuditEvent.id) > before.last_audit
        try:
            actions = probe.execute(select(col(AuditEvent.action)).where(newer)).all()
        finally:
            probe.rollback()
        if all(any(word in a for word in REFUSAL_AUDITS) for (a,) in actions):
            return []
    return changed


#: Path values for the routes no page links to (the API's), by parameter name.
EXAMPLES = {
    "entry_id": "submitted-tool",
    "action": "approve",
    "number": "1",
    "name": "categories",
    "path": "openapi.json",
}


@dataclass
class World:
    """The registry under attack: its services, a signed-in admin's client, keys, and
    what a crawl of the pages found."""

    services: Services
    client: Client
    keys: Keys
    routes: list[Route]
    site: Site
    probe: Connection


def _populate(client: Client, services: Services, keys: Keys) -> None:
    """Entries in each state, through the API as suppliers and reviewers make them."""
    services.vocabularies.add_term("categories", "test-category", "Test", "", OPERATOR)
    services.vocabularies.add_term("care-settings", "test-setting", "Test setting", "", OPERATOR)
    services.vocabularies.add_term("categories", "unused-category", "Unused", "", OPERATOR)
    # A group of made-up words: the seed's own groups already hold the real ones.
    services.vocabularies.add_group(["quokkaplan", "wombatrota"], OPERATOR)
    supplier, reviewer = bearer(keys.supplier), bearer(keys.reviewer)

    def step(method: str, path: str, key: dict[str, str], **kwargs: object) -> None:
        response = client.request(method, path, headers=key, **kwargs)  # type: ignore[arg-type]
        assert response.status_code < 300, (path, response.text)

    step("POST", "/api/v1/entries", bearer(keys.admin), json=a_standard())
    step("POST", "/api/v1/entries/hl7-fhir-r4/actions/submit", bearer(keys.admin))
    step("POST", "/api/v1/entries/hl7-fhir-r4/actions/approve", reviewer)
    for entry_id, last in (
        ("published-tool", "approve"),
        ("submitted-tool", "submit"),
        ("draft-tool", None),
        ("other-tool", "approve"),
    ):
        step("POST", "/api/v1/entries", supplier, json=a_full_entry(id=entry_id))
        if last:
            step("POST", f"/api/v1/entries/{entry_id}/actions/submit", supplier)
        if last == "approve":
            step("POST", f"/api/v1/entries/{entry_id}/actions/approve", reviewer)
    # A proposal waiting for review on a published entry.
    etag = client.get("/api/v1/entries/other-tool", headers=supplier).headers["etag"]
    step(
        "PUT",
        "/api/v1/entries/other-tool",
        {**supplier, "If-Match": etag},
        json=a_full_entry(id="other-tool", summary="A proposed change."),
    )
    step("POST", "/api/v1/entries/other-tool/actions/submit", supplier)
    step("POST", "/api/v1/entries", supplier, json=an_entry(id="minimal-tool"))


def _keys(services: Services) -> Keys:
    def issue(**kwargs: Any) -> str:
        return services.accounts.create_key(actor=OPERATOR, **kwargs).token

    return Keys(
        supplier=issue(supplier="Acme Health", scopes=["entries:submit"]),
        other_supplier=issue(supplier="Other Ltd", scopes=["entries:submit"]),
        reviewer=issue(maintainer="Rita Reviewer", scopes=["entries:review"]),
        admin=issue(maintainer="Ada Admin", scopes=["admin"]),
    )


def _engine(request: pytest.FixtureRequest, folder: Path) -> Engine:
    if request.param == "postgres":
        return _empty_postgres(request.getfixturevalue("postgres_url"))
    engine = make_engine(f"sqlite:///{folder / 'registry.db'}")
    upgrade(engine)
    return engine


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One world per module and backend: building it (and crawling it) takes seconds, and
    every attack copes with what the attacks before it changed."""
    folder = tmp_path_factory.mktemp("world")
    engine = _engine(request, folder)
    settings = Settings(data_dir=folder)
    services = build_services(settings, engine)
    for person, role in ((PAGE_REVIEWER, "reviewer"), (PAGE_ADMIN, "admin")):
        services.accounts.create_maintainer(
            email=person.email,
            role=role,
            name=person.name,
            password=person.password,
            actor=OPERATOR,
        )
    app = create_app(settings, services)
    keys = _keys(services)
    with TestClient(app) as client:
        _populate(client, services, keys)
        sign_in(client, PAGE_ADMIN)
        all_routes = routes(app)
        starts = [r.path for r in all_routes if r.method == "GET" and not r.parameters]
        pages = ["/search?q=tool", "/reuse-check?need=A+staff+rota&q=rota"]
        site = crawl(client, all_routes, [*starts, *pages], EXAMPLES)
        with engine.connect() as probe:
            yield World(services, client, keys, all_routes, site, probe)
    engine.dispose()
