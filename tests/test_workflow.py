"""Tests for registry.workflow: the review state machine and who may act."""

import pytest

from registry.errors import Conflict, TransitionNotAllowed
from registry.workflow import (
    RULES,
    Action,
    State,
    allowed_actions,
    apply,
    parse_action,
)

ALLOWED = [
    (State.DRAFT, Action.SUBMIT, State.SUBMITTED),
    (State.CHANGES_REQUESTED, Action.SUBMIT, State.SUBMITTED),
    (State.SUBMITTED, Action.APPROVE, State.PUBLISHED),
    (State.SUBMITTED, Action.REQUEST_CHANGES, State.CHANGES_REQUESTED),
    (State.SUBMITTED, Action.REJECT, State.REJECTED),
    (State.PUBLISHED, Action.DEPRECATE, State.DEPRECATED),
    (State.PUBLISHED, Action.RETIRE, State.RETIRED),
    (State.DEPRECATED, Action.RETIRE, State.RETIRED),
]
ALLOWED_PAIRS = {(state, action) for state, action, _ in ALLOWED}
DISALLOWED = [
    (state, action) for state in State for action in Action if (state, action) not in ALLOWED_PAIRS
]


@pytest.mark.parametrize(("state", "action", "after"), ALLOWED)
def test_allowed_action_moves_to_the_next_state(state: State, action: Action, after: State) -> None:
    assert apply(state, action) == after


@pytest.mark.parametrize(("state", "action"), DISALLOWED)
def test_disallowed_action_raises_transition_not_allowed(state: State, action: Action) -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        apply(state, action)

    assert caught.value.state == state.value
    assert caught.value.allowed == [a.value for a in allowed_actions(state)]


def test_approve_on_a_draft_says_only_submit_is_allowed() -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        apply(State.DRAFT, Action.APPROVE)

    assert caught.value.state == "draft"
    assert caught.value.allowed == ["submit"]
    assert "approve" in caught.value.detail


def test_transition_not_allowed_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        apply(State.REJECTED, Action.SUBMIT)


@pytest.mark.parametrize(
    ("state", "actions"),
    [
        (State.DRAFT, [Action.SUBMIT]),
        (State.CHANGES_REQUESTED, [Action.SUBMIT]),
        (State.SUBMITTED, [Action.APPROVE, Action.REQUEST_CHANGES, Action.REJECT]),
        (State.PUBLISHED, [Action.DEPRECATE, Action.RETIRE]),
        (State.DEPRECATED, [Action.RETIRE]),
        (State.REJECTED, []),
        (State.RETIRED, []),
    ],
)
def test_allowed_actions_lists_what_the_state_allows(state: State, actions: list[Action]) -> None:
    assert sorted(allowed_actions(state)) == sorted(actions)


@pytest.mark.parametrize("action", list(Action))
def test_retired_allows_nothing(action: Action) -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        apply(State.RETIRED, action)

    assert caught.value.allowed == []


@pytest.mark.parametrize(
    ("action", "reason_required"),
    [
        (Action.SUBMIT, False),
        (Action.APPROVE, False),
        (Action.REQUEST_CHANGES, True),
        (Action.REJECT, True),
        (Action.DEPRECATE, True),
        (Action.RETIRE, True),
    ],
)
def test_reason_is_required_for_actions_that_turn_an_entry_down(
    action: Action, reason_required: bool
) -> None:
    assert RULES[action].reason_required is reason_required


@pytest.mark.parametrize("action", list(Action))
def test_parse_action_reads_each_action_name(action: Action) -> None:
    assert parse_action(action.value) is action


@pytest.mark.parametrize("name", ["publish", "", "APPROVE", "request_changes", " submit"])
def test_parse_action_of_an_unknown_name_is_none(name: str) -> None:
    assert parse_action(name) is None
