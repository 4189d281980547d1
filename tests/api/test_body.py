"""Reading request bodies: bounded in depth, and parsed off the event loop."""

import asyncio

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.documents import MAX_DEPTH, parse_yaml
from tests.api.test_entries import JSON, assert_problem
from tests.conftest import Keys, bearer

Client = TestClient[Litestar]
YAML = {"Content-Type": "application/yaml"}
DEEP = 1000


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/api/v1/validate", "a: " + "[" * DEEP + "]" * DEEP),
        ("/api/v1/validate", "".join("  " * i + "a:\n" for i in range(DEEP))),
        ("/api/v1/entries", "id: x\nkind: " + "[" * DEEP + "]" * DEEP),
    ],
)
def test_deep_yaml_body_is_400_naming_the_bound(
    client: Client, keys: Keys, url: str, text: str
) -> None:
    response = client.post(url, content=text.encode(), headers={**YAML, **bearer(keys.supplier)})

    problem = assert_problem(response, 400)
    assert f"nested more than {MAX_DEPTH} levels deep" in problem["detail"]


def test_deep_json_body_is_400_naming_the_bound(client: Client) -> None:
    text = '{"a": ' + "[" * 200 + "]" * 200 + "}"

    response = client.post("/api/v1/validate", content=text.encode(), headers=JSON)

    problem = assert_problem(response, 400)
    assert f"nested more than {MAX_DEPTH} levels deep" in problem["detail"]


def test_body_is_parsed_off_the_event_loop(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    on_the_loop: list[bool] = []

    def parse_and_note_the_thread(text: str, source: str = "<text>") -> object:
        try:
            asyncio.get_running_loop()
            on_the_loop.append(True)
        except RuntimeError:  # no loop runs in this thread: a worker thread
            on_the_loop.append(False)
        return parse_yaml(text, source)

    monkeypatch.setattr("registry.api.body.parse_yaml", parse_and_note_the_thread)

    response = client.post("/api/v1/validate", content=b"id: x\n", headers=YAML)

    assert response.status_code == 200
    assert on_the_loop == [False]
