"""Decision records and unmet needs: the use cases in registry.decisions."""

import pytest
from sqlmodel import Session, select

from registry.decisions import (
    MAX_CANDIDATES,
    Assessment,
    DecisionDraft,
    DecisionService,
    InvalidDecision,
    check_draft,
    normalise_query,
)
from registry.errors import NotFound
from registry.models import ReuseDecision
from registry.wiring import Services
from tests.builders import an_entry
from tests.conftest import Keys
from tests.test_services import published, who


def a_draft(**overrides: object) -> DecisionDraft:
    fields: dict[str, object] = {
        "need": "Book appointments",
        "search": "booking",
        "assessments": [Assessment("example-tool", "could-reuse", "Fits")],
        "conclusion": "Reuse it.",
        "organisation": "Example ICB",
    }
    fields.update(overrides)
    return DecisionDraft(**fields)  # type: ignore[arg-type]


def paths(draft: DecisionDraft) -> list[str]:
    return [issue.path for issue in check_draft(draft)]


# checking ------------------------------------------------------------------------------------


def test_check_accepts_a_complete_draft() -> None:
    assert check_draft(a_draft()) == []


@pytest.mark.parametrize("need", ["", "   ", "\r\n\t", "n" * 2001])
def test_check_refuses_a_missing_or_long_need(need: str) -> None:
    assert paths(a_draft(need=need)) == ["/need"]


def test_check_counts_a_crlf_line_break_as_one_character() -> None:
    assert paths(a_draft(need="n\r\n" * 700 + "n")) == []


def test_check_refuses_long_reasons_conclusions_and_organisations() -> None:
    draft = a_draft(
        assessments=[Assessment("example-tool", "not-suitable", "r" * 1001)],
        conclusion="c" * 5001,
        organisation="o" * 201,
    )

    assert sorted(paths(draft)) == ["/candidates/0/reason", "/conclusion", "/organisation"]


def test_check_accepts_the_longest_allowed_values() -> None:
    draft = a_draft(
        need="n" * 2000,
        assessments=[Assessment("example-tool", "not-suitable", "r" * 1000)],
        conclusion="c" * 5000,
        organisation="o" * 200,
    )

    assert paths(draft) == []


def test_check_refuses_more_than_ten_candidates_unknown_verdicts_and_repeats() -> None:
    many = [Assessment(f"tool-{n}") for n in range(MAX_CANDIDATES + 1)]
    odd = [Assessment("a-tool", "maybe"), Assessment("a-tool")]

    assert "/candidates" in paths(a_draft(assessments=many))
    assert paths(a_draft(assessments=odd)) == ["/candidates/0/verdict", "/candidates/1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Teleporter\tMAINTENANCE \n", "teleporter maintenance"),
        ("a\x00b", "a b"),
        ("x" * 300, "x" * 200),
        ("   ", ""),
    ],
)
def test_normalise_query(text: str, expected: str) -> None:
    assert normalise_query(text) == expected


# saving and reading --------------------------------------------------------------------------


def test_save_snapshots_the_candidates_and_reads_back(services: Services, keys: Keys) -> None:
    published(services, keys)
    decisions = DecisionService(services.engine)

    saved = decisions.save(a_draft(need="  Book\r\nappointments  "))
    read = decisions.get(saved.token)

    assert read == saved
    assert read.need == "Book\nappointments"
    assert read.organisation == "Example ICB"
    [candidate] = read.candidates
    assert (candidate.id, candidate.name, candidate.licence, candidate.status) == (
        "example-tool",
        "Example Tool",
        "MIT",
        "live",
    )
    assert (candidate.verdict, candidate.verdict_label, candidate.reason) == (
        "could-reuse",
        "Could reuse",
        "Fits",
    )


def test_saved_record_does_not_change_when_the_entry_does(services: Services, keys: Keys) -> None:
    published(services, keys)
    decisions = DecisionService(services.engine)
    saved = decisions.save(a_draft())
    current = services.entries.get("example-tool", None)
    services.entries.update(
        "example-tool",
        an_entry(name="Renamed", licence="Apache-2.0"),
        who(services, keys.reviewer),
        [current.etag],
    )

    [candidate] = decisions.get(saved.token).candidates

    assert (candidate.name, candidate.licence) == ("Example Tool", "MIT")


def test_save_refuses_unknown_and_unpublished_entries_and_stores_nothing(
    services: Services, keys: Keys
) -> None:
    services.entries.create(an_entry(id="draft-tool"), who(services, keys.supplier))
    draft = a_draft(assessments=[Assessment("no-such-tool"), Assessment("draft-tool")])

    with pytest.raises(InvalidDecision) as raised:
        DecisionService(services.engine).save(draft)

    assert [i.path for i in raised.value.issues] == ["/candidates/0", "/candidates/1"]
    with Session(services.engine) as session:
        assert session.exec(select(ReuseDecision)).all() == []


def test_tokens_are_long_random_and_distinct(services: Services) -> None:
    decisions = DecisionService(services.engine)

    tokens = {decisions.save(a_draft(assessments=[])).token for _ in range(5)}

    assert len(tokens) == 5
    assert all(len(t) >= 22 for t in tokens)


@pytest.mark.parametrize("token", ["A" * 32, "short", "../../etc/passwd", "A" * 100])
def test_get_unknown_or_malformed_token_is_not_found(services: Services, token: str) -> None:
    with pytest.raises(NotFound):
        DecisionService(services.engine).get(token)


# unmet needs -----------------------------------------------------------------------------------


def test_record_search_counts_only_searches_that_found_nothing(services: Services) -> None:
    decisions = DecisionService(services.engine)

    counted = [
        decisions.record_search("Teleporter", 0),
        decisions.record_search("teleporter ", 0),
        decisions.record_search("booking", 3),
        decisions.record_search("   ", 0),
    ]

    assert counted == [True, True, False, False]
    [need] = decisions.unmet_needs(10)
    assert (need.query, need.count) == ("teleporter", 2)
    assert need.first_seen <= need.last_seen


def test_record_search_counts_a_search_whose_results_miss_the_need(services: Services) -> None:
    decisions = DecisionService(services.engine)

    assert decisions.record_search("wound photos for district nurses", 4, met=False)
    assert not decisions.record_search("wound photos", 4, met=True)
    assert [(n.query, n.count) for n in decisions.unmet_needs(10)] == [
        ("wound photos for district nurses", 1)
    ]


def test_unmet_needs_come_most_frequent_first_up_to_the_limit(services: Services) -> None:
    decisions = DecisionService(services.engine)
    for text, times in (("rare", 1), ("common", 3), ("middling", 2)):
        for _ in range(times):
            decisions.record_search(text, 0)

    assert [n.query for n in decisions.unmet_needs(10)] == ["common", "middling", "rare"]
    assert [n.query for n in decisions.unmet_needs(2)] == ["common", "middling"]
