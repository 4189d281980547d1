"""Reuse checks: the decision records commissioners keep, and the searches that found nothing.

A decision record says what was needed, what the registry was searched for, which entries
were considered with a verdict and reason for each, and what was concluded. It is saved
once and never changed: each candidate is a snapshot of the entry as it then stood. It is
reached only through an unguessable token, and holds no personal data beyond an optional
organisation name.

An unmet need is a search that found nothing, or nothing that matches a meaningful share
of what was asked, kept as normalised text with a count, for the registry's maintainers
to see what people look for and cannot find.
"""

import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry.db import transaction
from registry.errors import BadRequest, Issue, NotFound
from registry.models import Entry, ReuseDecision, UnmetNeed, utcnow
from registry.repository import Repository
from registry.views import iso
from registry.workflow import VISIBLE

log = logging.getLogger("registry.decisions")

VERDICTS = {
    "could-reuse": "Could reuse",
    "not-suitable": "Not suitable",
    "not-assessed": "Not assessed",
}
NOT_ASSESSED = "not-assessed"
MAX_NEED = 2000
MAX_SEARCH = 1000
MAX_REASON = 1000
MAX_CONCLUSION = 5000
MAX_ORGANISATION = 200
MAX_CANDIDATES = 10
MAX_UNMET_QUERY = 200
#: Long enough that guessing a record's address is hopeless (192 bits).
TOKEN_BYTES = 24
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # keeps tab and newline
_VISIBLE_STATES = sorted(s.value for s in VISIBLE)


class InvalidDecision(BadRequest):
    """The record cannot be saved as written; `issues` point into the record's JSON."""

    title = "The decision record is not valid"


@dataclass(frozen=True)
class Assessment:
    """What the commissioner said about one entry they considered."""

    entry_id: str
    verdict: str = NOT_ASSESSED
    reason: str = ""


@dataclass(frozen=True)
class DecisionDraft:
    """A record as submitted, before it is checked and saved."""

    need: str
    search: str = ""
    assessments: Sequence[Assessment] = ()
    conclusion: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Candidate:
    """One entry as it stood when the record was saved, with the verdict on it."""

    id: str
    name: str
    kind: str
    status: str
    licence: str
    open_source: bool
    verdict: str
    reason: str

    @property
    def verdict_label(self) -> str:
        return VERDICTS.get(self.verdict, self.verdict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "licence": self.licence,
            "open_source": self.open_source,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DecisionRecord:
    token: str
    created_at: str  # ISO 8601 UTC
    need: str
    search: str
    organisation: str
    conclusion: str
    candidates: list[Candidate] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": "reuse-decision-record",
            "created_at": self.created_at,
            "need": self.need,
            "search": self.search,
            "organisation": self.organisation or None,
            "candidates": [c.as_dict() for c in self.candidates],
            "conclusion": self.conclusion,
        }


@dataclass(frozen=True)
class UnmetNeedView:
    query: str
    count: int
    first_seen: str
    last_seen: str


def clean_text(text: str) -> str:
    """Free text as stored: one kind of line break, no control characters, no outer space."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(text: str) -> str:
    """A one-line field: any run of whitespace becomes one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def normalise_query(text: str) -> str:
    """Search text as counted: lower case, whitespace collapsed, at most 200 characters."""
    return " ".join(_CONTROL.sub(" ", text).lower().split())[:MAX_UNMET_QUERY].strip()


def check_draft(draft: DecisionDraft) -> list[Issue]:
    """The problems with a draft that need no database: lengths, counts, verdicts."""
    issues: list[Issue] = []
    need = clean_text(draft.need)
    if not need:
        issues.append(Issue("/need", "Describe what you need"))
    elif len(need) > MAX_NEED:
        issues.append(Issue("/need", f"Your need must be {MAX_NEED:,} characters or fewer"))
    if len(clean_line(draft.search)) > MAX_SEARCH:
        issues.append(Issue("/search", f"The search must be {MAX_SEARCH:,} characters or fewer"))
    if len(clean_line(draft.organisation)) > MAX_ORGANISATION:
        issues.append(
            Issue(
                "/organisation",
                f"Your organisation's name must be {MAX_ORGANISATION:,} characters or fewer",
            )
        )
    if len(clean_text(draft.conclusion)) > MAX_CONCLUSION:
        issues.append(
            Issue("/conclusion", f"Your conclusion must be {MAX_CONCLUSION:,} characters or fewer")
        )
    if len(draft.assessments) > MAX_CANDIDATES:
        issues.append(Issue("/candidates", f"A record can list at most {MAX_CANDIDATES} entries"))
    seen: set[str] = set()
    for index, assessment in enumerate(draft.assessments[:MAX_CANDIDATES]):
        where = f"/candidates/{index}"
        if assessment.entry_id in seen:
            issues.append(Issue(where, f"'{assessment.entry_id}' is listed more than once"))
        seen.add(assessment.entry_id)
        if assessment.verdict not in VERDICTS:
            issues.append(
                Issue(
                    f"{where}/verdict",
                    f"Choose could reuse, not suitable or not assessed for '{assessment.entry_id}'",
                )
            )
        if len(clean_line(assessment.reason)) > MAX_REASON:
            issues.append(
                Issue(f"{where}/reason", f"The reason must be {MAX_REASON:,} characters or fewer")
            )
    return issues


class DecisionService:
    """Saving and reading decision records; counting and listing unmet needs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, draft: DecisionDraft) -> DecisionRecord:
        """Check the draft, snapshot its candidates and store it under a new token."""
        issues = check_draft(draft)
        with transaction(self.engine) as session:
            repo = Repository(session)
            ids = [a.entry_id for a in draft.assessments[:MAX_CANDIDATES]]
            found = {i: e for i, e in repo.entries_by_id(ids).items() if e.state in _VISIBLE_STATES}
            for index, entry_id in enumerate(ids):
                if entry_id not in found:
                    issues.append(
                        Issue(f"/candidates/{index}", f"There is no entry '{entry_id}' any more")
                    )
            if issues:
                raise InvalidDecision(
                    f"{len(issues)} problem(s) found in the decision record", issues
                )
            candidates = [_snapshot(found[a.entry_id], a) for a in draft.assessments]
            row = ReuseDecision(
                token=secrets.token_urlsafe(TOKEN_BYTES),
                need=clean_text(draft.need),
                search_text=clean_line(draft.search),
                organisation=clean_line(draft.organisation),
                conclusion=clean_text(draft.conclusion),
                candidates=[c.as_dict() for c in candidates],
                created_at=utcnow(),
            )
            repo.add_decision(row)
            return _record(row)

    def get(self, token: str) -> DecisionRecord:
        row = None
        if TOKEN_PATTERN.match(token):
            with transaction(self.engine, write=False) as session:
                row = Repository(session).decision(token)
        if row is None:
            raise NotFound("There is no decision record at this address.")
        return _record(row)

    def record_search(self, text: str, found: int, met: bool = True) -> bool:
        """Count a search as an unmet need when it found nothing, or when nothing it found
        matches a meaningful share of what was asked (`met` False: search finds entries
        that match only some words, so finding something is not meeting the need); True
        when it was counted.

        Counting is best effort: a failure is logged and never breaks the search itself.
        """
        query = normalise_query(text)
        if not query or (found > 0 and met):
            return False
        try:
            with transaction(self.engine) as session:
                Repository(session).count_unmet_need(query, utcnow())
        except SQLAlchemyError:
            log.warning("Could not count the unmet need %r", query, exc_info=True)
            return False
        return True

    def unmet_needs(self, limit: int = 50) -> list[UnmetNeedView]:
        """The searches that found nothing, most often made first."""
        with transaction(self.engine, write=False) as session:
            rows = Repository(session).unmet_needs(max(1, min(limit, 1000)))
            return [_unmet(row) for row in rows]


def _snapshot(entry: Entry, assessment: Assessment) -> Candidate:
    """The entry as it stands now (its published columns), with the verdict on it."""
    return Candidate(
        id=entry.id,
        name=entry.name,
        kind=entry.kind,
        status=entry.status,
        licence=entry.licence,
        open_source=entry.open_source,
        verdict=assessment.verdict,
        reason=clean_line(assessment.reason),
    )


def _unmet(row: UnmetNeed) -> UnmetNeedView:
    return UnmetNeedView(
        query=row.query,
        count=row.count,
        first_seen=iso(row.first_seen) or "",
        last_seen=iso(row.last_seen) or "",
    )


def _record(row: ReuseDecision) -> DecisionRecord:
    return DecisionRecord(
        token=row.token,
        created_at=iso(row.created_at) or "",
        need=row.need,
        search=row.search_text,
        organisation=row.organisation,
        conclusion=row.conclusion,
        candidates=[
            Candidate(
                id=str(c.get("id", "")),
                name=str(c.get("name", "")),
                kind=str(c.get("kind", "")),
                status=str(c.get("status", "")),
                licence=str(c.get("licence", "")),
                open_source=bool(c.get("open_source", False)),
                verdict=str(c.get("verdict", NOT_ASSESSED)),
                reason=str(c.get("reason", "")),
            )
            for c in row.candidates
        ],
    )


__all__ = [
    "MAX_CANDIDATES",
    "MAX_CONCLUSION",
    "MAX_NEED",
    "MAX_ORGANISATION",
    "MAX_REASON",
    "VERDICTS",
    "Assessment",
    "Candidate",
    "DecisionDraft",
    "DecisionRecord",
    "DecisionService",
    "InvalidDecision",
    "UnmetNeedView",
    "check_draft",
    "normalise_query",
]
