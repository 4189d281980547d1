"""The entries API over HTTP: status codes, headers and problem bodies."""

import json
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.builders import an_entry
from tests.conftest import Keys, bearer

Client = TestClient[Litestar]
JSON = {"Content-Type": "application/json"}


def post_entry(client: Client, token: str, document: dict[str, Any] | None = None) -> Any:
    return client.post("/api/v1/entries", json=document or an_entry(), headers=bearer(token))


def publish(client: Client, keys: Keys, document: dict[str, Any] | None = None) -> str:
    created = post_entry(client, keys.supplier, document)
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    submit = client.post(
        f"/api/v1/entries/{entry_id}/actions/submit", headers=bearer(keys.supplier)
    )
    assert submit.status_code == 200, submit.text
    approve = client.post(
        f"/api/v1/entries/{entry_id}/actions/approve", headers=bearer(keys.reviewer)
    )
    assert approve.status_code == 200, approve.text
    return str(entry_id)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"]
    return body


def test_create_returns_201_with_location_and_etag(client: Client, keys: Keys) -> None:
    response = post_entry(client, keys.supplier)

    assert response.status_code == 201
    assert response.headers["location"] == "/api/v1/entries/example-tool"
    assert response.headers["etag"] == '"example-tool-1"'
    assert response.json()["state"] == "draft"
    assert response.json()["allowed_actions"] == ["submit"]


def test_create_accepts_yaml(client: Client, keys: Keys) -> None:
    body = (
        "id: yaml-tool\nkind: library\nname: YAML Tool\nsummary: Parses things.\n"
        "status: beta\nlicence: Apache-2.0\nowner:\n  name: Someone\n"
    )
    response = client.post(
        "/api/v1/entries",
        content=body,
        headers={**bearer(keys.supplier), "Content-Type": "application/yaml"},
    )

    assert response.status_code == 201, response.text
    assert response.json()["document"]["kind"] == "library"


def test_published_entry_is_listed_with_total_and_links(client: Client, keys: Keys) -> None:
    for n in range(3):
        publish(client, keys, an_entry(id=f"tool-{n}", name=f"Tool {n}"))

    response = client.get("/api/v1/entries?per_page=2&page=2")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    assert [e["id"] for e in body["items"]] == ["tool-2"]
    link = response.headers["link"]
    assert '</api/v1/entries?per_page=2&page=1>; rel="first"' in link
    assert '</api/v1/entries?per_page=2&page=1>; rel="prev"' in link
    assert 'rel="next"' not in link
    assert '</api/v1/entries?per_page=2&page=2>; rel="last"' in link


def test_get_entry_supports_conditional_requests(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)
    first = client.get(f"/api/v1/entries/{entry_id}")

    again = client.get(
        f"/api/v1/entries/{entry_id}", headers={"If-None-Match": first.headers["etag"]}
    )

    assert first.status_code == 200
    assert again.status_code == 304


def test_put_with_current_etag_updates_draft(client: Client, keys: Keys) -> None:
    etag = post_entry(client, keys.supplier).headers["etag"]

    response = client.put(
        "/api/v1/entries/example-tool?reason=typo",
        json=an_entry(name="Example Tool Fixed"),
        headers={**bearer(keys.supplier), "If-Match": etag},
    )

    assert response.status_code == 200, response.text
    assert response.json()["document"]["name"] == "Example Tool Fixed"
    assert response.headers["etag"] != etag
    history = client.get("/api/v1/entries/example-tool/revisions", headers=bearer(keys.supplier))
    assert [r["reason"] for r in history.json()["items"]] == ["", "typo"]


def test_stale_if_match_is_412_and_nothing_is_lost(client: Client, keys: Keys) -> None:
    stale = post_entry(client, keys.supplier).headers["etag"]
    client.put(
        "/api/v1/entries/example-tool",
        json=an_entry(name="Kept"),
        headers={**bearer(keys.supplier), "If-Match": stale},
    )

    response = client.put(
        "/api/v1/entries/example-tool",
        json=an_entry(name="Lost"),
        headers={**bearer(keys.supplier), "If-Match": stale},
    )

    assert_problem(response, 412)
    current = client.get("/api/v1/entries/example-tool", headers=bearer(keys.supplier))
    assert current.json()["document"]["name"] == "Kept"


def test_missing_if_match_is_428(client: Client, keys: Keys) -> None:
    post_entry(client, keys.supplier)

    response = client.put(
        "/api/v1/entries/example-tool", json=an_entry(), headers=bearer(keys.supplier)
    )

    assert_problem(response, 428)


def test_supplier_cannot_change_another_suppliers_entry(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)
    etag = client.get(f"/api/v1/entries/{entry_id}").headers["etag"]

    response = client.put(
        f"/api/v1/entries/{entry_id}",
        json=an_entry(name="Mine now"),
        headers={**bearer(keys.other_supplier), "If-Match": etag},
    )

    assert_problem(response, 403)
    assert client.get(f"/api/v1/entries/{entry_id}").json()["document"]["name"] == "Example Tool"


def test_pending_revision_is_not_public_until_approved(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)
    etag = client.get(f"/api/v1/entries/{entry_id}").headers["etag"]
    proposed = client.put(
        f"/api/v1/entries/{entry_id}",
        json=an_entry(summary="New summary."),
        headers={**bearer(keys.supplier), "If-Match": etag},
    )
    assert proposed.status_code == 200
    assert proposed.json()["pending"]["state"] == "draft"

    client.post(f"/api/v1/entries/{entry_id}/actions/submit", headers=bearer(keys.supplier))
    public = client.get(f"/api/v1/entries/{entry_id}").json()
    assert public["document"]["summary"] == "Books appointments for community clinics."
    assert public["pending"] is None

    client.post(f"/api/v1/entries/{entry_id}/actions/approve", headers=bearer(keys.reviewer))
    assert client.get(f"/api/v1/entries/{entry_id}").json()["document"]["summary"] == "New summary."


def test_invalid_transition_is_409_with_allowed_actions(client: Client, keys: Keys) -> None:
    post_entry(client, keys.supplier)

    response = client.post(
        "/api/v1/entries/example-tool/actions/approve", headers=bearer(keys.reviewer)
    )

    body = assert_problem(response, 409)
    assert body["state"] == "draft"
    assert body["allowed_actions"] == ["submit"]


def test_action_reason_is_read_from_the_body(client: Client, keys: Keys) -> None:
    post_entry(client, keys.supplier)
    client.post("/api/v1/entries/example-tool/actions/submit", headers=bearer(keys.supplier))

    response = client.post(
        "/api/v1/entries/example-tool/actions/request-changes",
        json={"reason": "Add documentation"},
        headers=bearer(keys.reviewer),
    )

    assert response.status_code == 200, response.text
    assert response.json()["state"] == "changes_requested"
    history = client.get("/api/v1/entries/example-tool/revisions", headers=bearer(keys.supplier))
    assert history.json()["items"][-1]["reason"] == "Add documentation"


def test_action_without_required_reason_is_422(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)

    response = client.post(
        f"/api/v1/entries/{entry_id}/actions/deprecate", headers=bearer(keys.reviewer)
    )

    body = assert_problem(response, 422)
    assert body["errors"][0]["path"] == "/reason"


def test_unknown_action_is_404(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)

    response = client.post(
        f"/api/v1/entries/{entry_id}/actions/explode", headers=bearer(keys.reviewer)
    )

    assert_problem(response, 404)


def test_supplier_cannot_take_reviewer_actions(client: Client, keys: Keys) -> None:
    post_entry(client, keys.supplier)
    client.post("/api/v1/entries/example-tool/actions/submit", headers=bearer(keys.supplier))

    response = client.post(
        "/api/v1/entries/example-tool/actions/approve", headers=bearer(keys.supplier)
    )

    assert_problem(response, 403)


def test_revision_endpoint_returns_the_whole_document(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)

    response = client.get(f"/api/v1/entries/{entry_id}/revisions/3")

    assert response.status_code == 200
    assert response.json()["action"] == "approve"
    assert response.json()["document"] == an_entry()


def test_invalid_document_is_422_listing_every_problem(client: Client, keys: Keys) -> None:
    document = an_entry(licence="GPL-3.0 OR Banana", kind="gizmo", surprise=True)
    del document["summary"]

    response = post_entry(client, keys.supplier, document)

    body = assert_problem(response, 422)
    paths = {e["path"] for e in body["errors"]}
    assert paths == {"/licence", "/kind", "/surprise", "/summary"}
    assert all(e["message"] for e in body["errors"])
    assert (
        client.get("/api/v1/entries/example-tool", headers=bearer(keys.supplier)).status_code == 404
    )


def test_deprecated_licence_is_accepted_with_a_warning(client: Client, keys: Keys) -> None:
    response = post_entry(client, keys.supplier, an_entry(licence="GPL-3.0"))

    assert response.status_code == 201
    warnings = response.json()["warnings"]
    assert warnings[0]["path"] == "/licence"
    assert "GPL-3.0-only" in warnings[0]["message"]


def test_hostile_text_is_stored_verbatim_as_data(client: Client, keys: Keys) -> None:
    hostile = "<script>alert(1)</script>'; DROP TABLE entry; --"
    response = post_entry(client, keys.supplier, an_entry(description=hostile))

    assert response.status_code == 201
    again = client.get("/api/v1/entries/example-tool", headers=bearer(keys.supplier))
    assert again.json()["document"]["description"] == hostile
    assert again.headers["content-type"].startswith("application/json")
    assert again.headers["x-content-type-options"] == "nosniff"


def test_list_filter_state_is_for_maintainers(client: Client, keys: Keys) -> None:
    post_entry(client, keys.supplier)

    public = client.get("/api/v1/entries?state=draft").json()
    reviewer = client.get("/api/v1/entries?state=draft", headers=bearer(keys.reviewer)).json()

    assert public["total"] == 0
    assert [e["id"] for e in reviewer["items"]] == ["example-tool"]


def test_json_body_must_be_an_object(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/entries", content=json.dumps([1, 2]), headers={**bearer(keys.supplier), **JSON}
    )

    body = assert_problem(response, 422)
    assert body["errors"][0]["path"] == ""


def test_deprecate_records_the_effective_date_sent(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)

    response = client.post(
        f"/api/v1/entries/{entry_id}/actions/deprecate",
        json={"reason": "Replaced", "effective": "2026-02-01"},
        headers=bearer(keys.reviewer),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "deprecated"
    assert body["document"]["status_dates"]["deprecated"] == "2026-02-01"


@pytest.mark.parametrize(
    ("effective", "action"),
    [
        ("01/02/2026", "deprecate"),
        ("2999-01-01", "retire"),
        ("2026-02-01", "approve"),
        (5, "retire"),
    ],
)
def test_a_wrong_effective_date_is_422_at_its_path(
    client: Client, keys: Keys, effective: Any, action: str
) -> None:
    entry_id = publish(client, keys)

    response = client.post(
        f"/api/v1/entries/{entry_id}/actions/{action}",
        json={"reason": "Why", "effective": effective},
        headers=bearer(keys.reviewer),
    )

    problem = assert_problem(response, 422)
    assert problem["errors"][0]["path"] == "/effective"
    assert client.get(f"/api/v1/entries/{entry_id}").json()["state"] == "published"


@pytest.mark.parametrize("token", ["supplier", "reviewer"])
def test_editing_a_published_entry_cannot_deprecate_it(
    client: Client, keys: Keys, token: str
) -> None:
    entry_id = publish(client, keys)
    etag = client.get(f"/api/v1/entries/{entry_id}").headers["etag"]

    response = client.put(
        f"/api/v1/entries/{entry_id}",
        json=an_entry(status="deprecated"),
        headers={**bearer(getattr(keys, token)), "If-Match": etag},
    )

    problem = assert_problem(response, 422)
    assert problem["errors"][0]["path"] == "/status"
    assert client.get(f"/api/v1/entries/{entry_id}").json()["document"]["status"] == "live"


def test_creating_a_taken_id_says_the_same_whoever_holds_it(client: Client, keys: Keys) -> None:
    post_entry(client, keys.other_supplier, an_entry(id="their-draft"))
    publish(client, keys, an_entry(id="published-one"))
    post_entry(client, keys.supplier, an_entry(id="my-draft"))

    answers = [
        post_entry(client, keys.supplier, an_entry(id=taken))
        for taken in ("their-draft", "published-one", "my-draft")
    ]

    bodies = [assert_problem(a, 409) for a in answers]
    shapes = [{k: v for k, v in b.items() if k != "detail"} for b in bodies]
    assert shapes[0] == shapes[1] == shapes[2]
    assert [b["detail"] for b in bodies] == [
        f"The id '{taken}' is not available; choose another id."
        for taken in ("their-draft", "published-one", "my-draft")
    ]
    assert (
        client.get("/api/v1/entries/their-draft", headers=bearer(keys.supplier)).status_code == 404
    )


def test_bidi_override_in_a_name_is_422_at_its_pointer(client: Client, keys: Keys) -> None:
    response = post_entry(client, keys.supplier, an_entry(name="Example \u202eloot"))

    body = assert_problem(response, 422)
    assert [e["path"] for e in body["errors"]] == ["/name"]
    assert "U+202E" in body["errors"][0]["message"]


def test_text_is_stored_in_nfc(client: Client, keys: Keys) -> None:
    response = post_entry(client, keys.supplier, an_entry(name="Cafe\u0301 Finder"))

    assert response.status_code == 201
    assert response.json()["document"]["name"] == "Caf\u00e9 Finder"
