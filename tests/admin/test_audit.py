"""The audit log page (admins only) and its CSV export."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from catalogue.admin.audit import csv_cell
from registry.models import AuditEvent
from registry.wiring import Services
from tests.admin.conftest import ADMIN, Client, main, sign_in

pytestmark = pytest.mark.usefixtures("maintainers")


def add_events(services: Services, *events: tuple[str, str, str | None, datetime]) -> None:
    with Session(services.engine) as session:
        for actor, action, entry_id, when in events:
            session.add(
                AuditEvent(
                    created_at=when, actor=actor, action=action, entry_id=entry_id, detail={"n": 1}
                )
            )
        session.commit()


NOW = datetime.now(UTC)


def test_audit_log_lists_every_write_newest_first(services: Services, client: Client) -> None:
    add_events(
        services,
        ("supplier:Acme", "entry.create", "old-tool", NOW - timedelta(days=2)),
        ("maintainer:Ada", "entry.approve", "new-tool", NOW - timedelta(days=1)),
    )
    sign_in(client, ADMIN)

    response = client.get("/admin/audit")

    html = main(response.text)
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    assert html.index("maintainer:Ada Admin") < html.index("new-tool") < html.index("old-tool")
    assert '<label class="nhsuk-label" for="entry">' in html
    assert '<legend class="nhsuk-fieldset__legend' in html


def test_audit_log_filters_by_entry_actor_and_dates(services: Services, client: Client) -> None:
    add_events(
        services,
        ("supplier:Acme", "entry.create", "old-tool", NOW - timedelta(days=10)),
        ("supplier:Acme", "entry.create", "new-tool", NOW - timedelta(days=1)),
        ("maintainer:Ada", "entry.approve", "new-tool", NOW - timedelta(days=1)),
    )
    sign_in(client, ADMIN)
    yesterday = (NOW - timedelta(days=1)).date().isoformat()

    by_entry = main(client.get("/admin/audit?entry=old-tool").text)
    by_actor = main(client.get("/admin/audit?actor=ACME").text)
    by_date = main(client.get(f"/admin/audit?from={yesterday}&to={yesterday}").text)

    assert "old-tool" in by_entry
    assert "new-tool" not in by_entry
    assert by_actor.count('<td class="nhsuk-table__cell">supplier:Acme</td>') == 2
    assert '<td class="nhsuk-table__cell">maintainer:Ada</td>' not in by_actor
    assert "new-tool" in by_date
    assert "old-tool" not in by_date


def test_audit_log_refuses_a_bad_date_with_an_error_summary(client: Client) -> None:
    sign_in(client, ADMIN)

    response = client.get("/admin/audit?from=yesterday&to=2026-01-01")

    assert response.status_code == 400
    assert 'class="nhsuk-error-summary' in response.text
    assert '<a href="#from">' in response.text
    assert 'value="yesterday"' in response.text


def test_audit_log_is_paginated(services: Services, client: Client) -> None:
    add_events(
        services,
        *((f"supplier:S{n:03}", "entry.create", f"tool-{n}", NOW) for n in range(60)),
    )
    sign_in(client, ADMIN)

    first = main(client.get("/admin/audit?actor=supplier").text)
    second = main(client.get("/admin/audit?actor=supplier&page=2").text)

    assert "60 changes, page 1 of 2" in first
    assert 'href="/admin/audit?actor=supplier&amp;page=2"' in first
    assert "supplier:S059" in first
    assert "supplier:S000" not in first
    assert "supplier:S000" in second
    assert "supplier:S059" not in second


def test_csv_export_has_the_same_filters_and_defuses_formulas(
    services: Services, client: Client
) -> None:
    add_events(
        services,
        ('=HYPERLINK("http://evil")', "entry.create", "bad-tool", NOW),
        ("+1+1", "entry.create", "bad-tool", NOW),
        ("-2", "entry.create", "bad-tool", NOW),
        ("@SUM(A1)", "entry.create", "bad-tool", NOW),
        ("supplier:Acme", "entry.create", "other-tool", NOW),
    )
    sign_in(client, ADMIN)

    response = client.get("/admin/audit.csv?entry=bad-tool")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["id", "time", "actor", "action", "entry", "detail"]
    actors = {row[2] for row in rows[1:]}
    assert actors == {'\'=HYPERLINK("http://evil")', "'+1+1", "'-2", "'@SUM(A1)"}
    assert all(row[4] == "bad-tool" for row in rows[1:])


def test_csv_export_includes_sign_ins(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)

    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv?actor=Ada").text)))

    assert ["maintainer:Ada Admin", "maintainer.sign-in"] in [row[2:4] for row in rows]


def test_csv_cell_prefixes_formula_starts_only() -> None:
    assert csv_cell("=1") == "'=1"
    assert csv_cell("\t=1") == "'\t=1"
    assert csv_cell("plain") == "plain"
    assert csv_cell("a=1") == "a=1"


def test_hostile_audit_text_is_inert(services: Services, client: Client) -> None:
    add_events(services, ("<script>alert(1)</script>", "entry.create", "x-tool", NOW))
    sign_in(client, ADMIN)

    html = client.get("/admin/audit").text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
