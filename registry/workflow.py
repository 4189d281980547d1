"""The review workflow as a pure state machine.

    draft ─submit─> submitted ─approve─> published ─deprecate─> deprecated ─retire─> retired
                        │ └─request-changes─> changes_requested ─submit─> submitted
                        └─reject─> rejected

A supplier's edit to a published entry is a *proposal* that runs through the first part
of the same machine (draft → submitted → approved or sent back or rejected) while the
published version stays visible.
"""

from dataclasses import dataclass
from enum import StrEnum

from registry.errors import TransitionNotAllowed


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    REJECT = "reject"
    DEPRECATE = "deprecate"
    RETIRE = "retire"


@dataclass(frozen=True)
class Rule:
    reason_required: bool


#: Whether each action needs a reason (who may take it: registry.permissions).
RULES: dict[Action, Rule] = {
    Action.SUBMIT: Rule(reason_required=False),
    Action.APPROVE: Rule(reason_required=False),
    Action.REQUEST_CHANGES: Rule(reason_required=True),
    Action.REJECT: Rule(reason_required=True),
    Action.DEPRECATE: Rule(reason_required=True),
    Action.RETIRE: Rule(reason_required=True),
}

TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.SUBMIT): State.SUBMITTED,
    (State.CHANGES_REQUESTED, Action.SUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Action.APPROVE): State.PUBLISHED,
    (State.SUBMITTED, Action.REQUEST_CHANGES): State.CHANGES_REQUESTED,
    (State.SUBMITTED, Action.REJECT): State.REJECTED,
    (State.PUBLISHED, Action.DEPRECATE): State.DEPRECATED,
    (State.PUBLISHED, Action.RETIRE): State.RETIRED,
    (State.DEPRECATED, Action.RETIRE): State.RETIRED,
}

#: States whose document the public can read.
VISIBLE = frozenset({State.PUBLISHED, State.DEPRECATED, State.RETIRED})
#: States in which a supplier may still edit the entry in place.
EDITABLE_IN_PLACE = frozenset({State.DRAFT, State.CHANGES_REQUESTED})
#: Actions that apply to a pending proposal when an entry has one.
PROPOSAL_ACTIONS = frozenset({Action.SUBMIT, Action.APPROVE, Action.REQUEST_CHANGES, Action.REJECT})


def allowed_actions(state: State) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source == state]


def apply(state: State, action: Action) -> State:
    """The state after `action`, or TransitionNotAllowed listing what is allowed."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        allowed = [a.value for a in allowed_actions(state)]
        hint = f"allowed: {', '.join(allowed)}" if allowed else "no actions are allowed"
        raise TransitionNotAllowed(
            f"'{action.value}' is not possible while the entry is {state.value} ({hint}).",
            state.value,
            allowed,
        ) from None


def parse_action(name: str) -> Action | None:
    try:
        return Action(name)
    except ValueError:
        return None
