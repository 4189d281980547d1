"""Which changes become events, of what type, and which filters want them."""

import json
from dataclasses import replace
from typing import Any

import pytest

from registry.webhooks.events import EventType, Step, event_for, filter_problem


def a_step(**overrides: Any) -> Step:
    step = Step(
        seq=7,
        entry_id="example-tool",
        revision=3,
        state="published",
        proposal_state=None,
        action="approve",
        document={
            "id": "example-tool",
            "kind": "software",
            "name": "Example Tool",
            "status": "live",
            "standards": [{"id": "hl7-fhir-r4"}],
        },
        created_at="2026-12-04T10:00:00Z",
        was_public_before=False,
        supplier="Acme Health",
    )
    return replace(step, **overrides)


@pytest.mark.parametrize(
    ("state", "proposal_state"),
    [
        ("draft", None),
        ("submitted", None),
        ("changes_requested", None),
        ("rejected", None),
        ("published", "draft"),
        ("published", "submitted"),
        ("published", "rejected"),
    ],
)
def test_unpublished_steps_are_no_event(state: str, proposal_state: str | None) -> None:
    assert event_for(a_step(state=state, proposal_state=proposal_state)) is None


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, EventType.PUBLISHED),
        ({"was_public_before": True, "action": "update"}, EventType.UPDATED),
        ({"was_public_before": True, "action": "approve"}, EventType.UPDATED),
        ({"state": "deprecated", "action": "deprecate"}, EventType.DEPRECATED),
        ({"state": "retired", "action": "retire"}, EventType.RETIRED),
        ({"state": "retired", "action": "merge"}, EventType.MERGED),
    ],
)
def test_public_steps_have_their_event_type(overrides: dict[str, Any], expected: str) -> None:
    event = event_for(a_step(**overrides))

    assert event is not None
    assert event.type == expected


@pytest.mark.parametrize(
    ("filter_type", "value", "wanted"),
    [
        ("all", "", True),
        ("entry", "example-tool", True),
        ("entry", "other-tool", False),
        ("standard", "hl7-fhir-r4", True),
        ("standard", "snomed-ct", False),
        ("supplier", "Acme Health", True),
        ("supplier", "Other Ltd", False),
        ("kind", "software", True),
        ("kind", "api", False),
        ("colour", "blue", False),
    ],
)
def test_filters_match_what_they_name(filter_type: str, value: str, wanted: bool) -> None:
    event = event_for(a_step())

    assert event is not None
    assert event.matches(filter_type, value) is wanted


def test_a_standard_matches_its_own_subscription() -> None:
    event = event_for(a_step(entry_id="snomed-ct", document={"kind": "standard"}))

    assert event is not None
    assert event.matches("standard", "snomed-ct")


def test_body_is_the_specifications_type_timestamp_and_data_shape() -> None:
    event = event_for(a_step())
    assert event is not None

    body = json.loads(event.body("https://registry.example.org"))

    assert body["type"] == "entry.published"
    assert body["timestamp"] == "2026-12-04T10:00:00Z"
    assert body["data"]["id"] == "example-tool"
    assert body["data"]["standards"] == ["hl7-fhir-r4"]
    assert body["data"]["api_url"] == "https://registry.example.org/api/v1/entries/example-tool"


@pytest.mark.parametrize(
    ("filter_type", "value", "pointer"),
    [
        ("all", "", None),
        ("entry", "example-tool", None),
        ("supplier", "Acme Health", None),
        ("kind", "dataset", None),
        ("every", "", "/filter/type"),
        ("kind", "", "/filter/value"),
        ("standard", "HL7 FHIR", "/filter/value"),
    ],
)
def test_filter_problems_have_pointers(filter_type: str, value: str, pointer: str | None) -> None:
    found = filter_problem(filter_type, value)

    assert (found[0] if found else None) == pointer


def test_a_merge_into_an_entry_matches_that_entrys_subscription() -> None:
    event = event_for(a_step(state="retired", action="merge", merged_into="survivor"))

    assert event is not None
    assert event.matches("entry", "survivor")
    assert event.matches("entry", "example-tool")
    assert not event.matches("entry", "bystander")
