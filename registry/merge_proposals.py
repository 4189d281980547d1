"""Merge proposals: pairs of stored entries that the duplicate rule takes for one product,
offered to maintainers, who approve (the pair is merged through `EntryService.merge`, so
the history is kept and the old id redirects) or dismiss them with a reason. Nothing is
merged without a maintainer, and no proposal is ever deleted.

`refresh` scans the published and deprecated entries with `registry.duplicates`: it
proposes every pair found that was never proposed before (a dismissed pair stays
dismissed) and withdraws proposals the rule no longer supports (an entry changed, or was
retired or merged some other way). Every step is audited.
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry.auth import Principal, Scope, require_principal
from registry.db import transaction
from registry.duplicates import DuplicateFinder, Evidence, same_product
from registry.errors import Conflict, InvalidEntry, Issue, NotFound
from registry.models import Entry, MergeProposal, utcnow
from registry.repository import Repository
from registry.search import Linked
from registry.services import EntryService
from registry.views import EntryView, iso

log = logging.getLogger("registry.merge_proposals")

#: Entries a proposal may pair: the ones a merge accepts.
MERGEABLE = ("published", "deprecated")
STATES = ("proposed", "merged", "dismissed", "withdrawn")
#: The audit log's action for each decision.
_ACTIONS = {"merged": "approve", "dismissed": "dismiss", "withdrawn": "withdraw"}
MAX_REASON = 5000


@dataclass(frozen=True)
class Side:
    """One entry of a proposal, as a maintainer compares it with the other."""

    id: str
    name: str
    kind: str
    state: str
    summary: str
    owner: str
    urls: dict[str, str]
    source: str  # "imported from <format>" or "added in the registry"


@dataclass(frozen=True)
class ProposalView:
    id: int
    state: str
    entry: Side  # merged into `keep` on approval
    keep: Side
    evidence: str
    created_at: str
    decided_at: str | None = None
    decided_by: str | None = None
    reason: str = ""


@dataclass
class RefreshReport:
    proposed: list[ProposalView] = field(default_factory=list)
    withdrawn: list[ProposalView] = field(default_factory=list)


@dataclass(frozen=True)
class Link:
    """Two listings of one product, while their merge is proposed."""

    entry_id: str
    keep_id: str


def pair_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def _keep_rank(entry: Entry) -> tuple[bool, datetime, str]:
    """Which of two entries a proposal keeps: one added or curated in the registry over an
    imported copy, then the older one, then the first by id."""
    return (bool(entry.document.get("provenance")), entry.created_at, entry.id)


class MergeProposals:
    def __init__(self, engine: Engine, entries: EntryService) -> None:
        self.engine = engine
        self.entries = entries

    # reading ------------------------------------------------------------------------
    def listing(
        self, principal: Principal | None, states: tuple[str, ...] = ("proposed",)
    ) -> list[ProposalView]:
        _reviewer(principal)
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            rows = repo.merge_proposals(states)
            entries = repo.entries_by_id([i for p in rows for i in (p.entry_id, p.keep_id)])
            return [_view(p, entries) for p in rows]

    def get(self, proposal_id: int, principal: Principal | None) -> ProposalView:
        _reviewer(principal)
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            proposal = repo.merge_proposal(proposal_id)
            if proposal is None:
                raise NotFound(f"There is no merge proposal {proposal_id}.")
            entries = repo.entries_by_id([proposal.entry_id, proposal.keep_id])
            return _view(proposal, entries)

    def links(self) -> list[Link]:
        """The pairs whose merge is proposed (for search results to show once)."""
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            if not repo.has_merge_proposals_table():
                return []
            return [Link(p.entry_id, p.keep_id) for p in repo.merge_proposals(["proposed"])]

    def version(self) -> tuple[int, int, int]:
        """Changes whenever a proposal is added or decided."""
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            if not repo.has_merge_proposals_table():
                return (0, 0, 0)
            return repo.merge_proposals_version()

    # writing ------------------------------------------------------------------------
    def refresh(self, principal: Principal | None) -> RefreshReport:
        """Propose the pairs the rule finds among the stored entries that were never
        proposed; withdraw proposals it no longer supports."""
        actor = _reviewer(principal)
        report = RefreshReport()
        with transaction(self.engine) as session:
            repo = Repository(session)
            entries = {e.id: e for e in repo.visible_entries(MERGEABLE)}
            known = repo.merge_proposal_pairs()
            waiting = {p.entry_id for p in repo.merge_proposals(["proposed"])}
            # In the order an entry is kept (curated before imported, then oldest): each
            # entry is proposed once, for merging into the first entry ahead of it that it
            # duplicates, so ten releases of one product make nine proposals, not 45.
            finder = DuplicateFinder()
            now = utcnow()
            for entry in sorted(entries.values(), key=_keep_rank):
                if entry.id not in waiting:
                    found = next(
                        (
                            (other, evidence)
                            for other, evidence in finder.matches(entry.document, exclude=entry.id)
                            if pair_key(entry.id, other) not in known
                        ),
                        None,
                    )
                    if found is not None:
                        other, evidence = found
                        proposal = self._propose(repo, entry.id, other, evidence, actor, now)
                        known.add(proposal.pair)
                        report.proposed.append(_view(proposal, entries))
                finder.add(entry.id, entry.document)
            for proposal in repo.merge_proposals(["proposed"]):
                a, b = entries.get(proposal.entry_id), entries.get(proposal.keep_id)
                if a is not None and b is not None and same_product(a.document, b.document):
                    continue
                gone = [i for i, e in ((proposal.entry_id, a), (proposal.keep_id, b)) if e is None]
                why = (
                    f"{' and '.join(gone)} no longer published"
                    if gone
                    else "the entries no longer share a name with a documentation page, "
                    "repository or owner"
                )
                _decide(repo, proposal, "withdrawn", actor, why)
                both = repo.entries_by_id([proposal.entry_id, proposal.keep_id])
                report.withdrawn.append(_view(proposal, both))
        return report

    def _propose(
        self,
        repo: Repository,
        entry_id: str,
        keep_id: str,
        evidence: Evidence,
        actor: Principal,
        now: datetime,
    ) -> MergeProposal:
        proposal = MergeProposal(
            pair=pair_key(entry_id, keep_id),
            entry_id=entry_id,
            keep_id=keep_id,
            evidence=evidence.as_dict(),
            state="proposed",
            created_at=now,
        )
        repo.session.add(proposal)
        repo.session.flush()
        repo.audit(
            actor.label,
            "merge_proposal.create",
            entry_id,
            {"proposal": proposal.id, "keep": keep_id, **evidence.as_dict()},
        )
        return proposal

    def approve(
        self,
        proposal_id: int,
        principal: Principal | None,
        reason: str = "",
        keep: str | None = None,
    ) -> EntryView:
        """Merge the pair (one entry into the other: `keep`, or the one proposed)."""
        actor = _reviewer(principal)
        proposal = self._proposed(proposal_id)
        pair = (proposal.entry_id, proposal.keep_id)
        kept = keep or proposal.keep_id
        if kept not in pair:
            raise InvalidEntry(
                [Issue("/keep", f"Keep one of the two entries: {' or '.join(pair)}.")]
            )
        merged = pair[0] if kept == pair[1] else pair[1]
        said = reason.strip() or f"Merge proposal {proposal_id} approved"

        def record(repo: Repository) -> None:
            locked = repo.merge_proposal(proposal_id, for_update=True)
            if locked is None or locked.state != "proposed":
                raise Conflict(f"Merge proposal {proposal_id} has already been decided.")
            locked.entry_id, locked.keep_id = merged, kept
            _decide(repo, locked, "merged", actor, said)

        return self.entries.merge(merged, kept, actor, said, also=record)

    def dismiss(self, proposal_id: int, principal: Principal | None, reason: str) -> ProposalView:
        """Keep both entries; the pair is never proposed again."""
        actor = _reviewer(principal)
        if not reason.strip():
            raise InvalidEntry(
                [Issue("/reason", "Say why the two entries are not the same product.")],
                detail="A reason is required.",
            )
        if len(reason) > MAX_REASON:
            raise InvalidEntry(
                [Issue("/reason", f"The reason must be {MAX_REASON:,} characters or fewer.")]
            )
        with transaction(self.engine) as session:
            repo = Repository(session)
            proposal = repo.merge_proposal(proposal_id, for_update=True)
            if proposal is None:
                raise NotFound(f"There is no merge proposal {proposal_id}.")
            if proposal.state != "proposed":
                raise Conflict(f"Merge proposal {proposal_id} has already been decided.")
            _decide(repo, proposal, "dismissed", actor, reason.strip())
            entries = repo.entries_by_id([proposal.entry_id, proposal.keep_id])
            return _view(proposal, entries)

    def _proposed(self, proposal_id: int) -> MergeProposal:
        with transaction(self.engine, write=False) as session:
            proposal = Repository(session).merge_proposal(proposal_id)
            if proposal is None:
                raise NotFound(f"There is no merge proposal {proposal_id}.")
            if proposal.state != "proposed":
                raise Conflict(f"Merge proposal {proposal_id} has already been decided.")
            session.expunge(proposal)
            return proposal


def _reviewer(principal: Principal | None) -> Principal:
    actor = require_principal(principal)
    actor.require(Scope.REVIEW)
    return actor


def _decide(
    repo: Repository, proposal: MergeProposal, state: str, actor: Principal, reason: str
) -> None:
    proposal.state = state
    proposal.decided_at = utcnow()
    proposal.decided_by = actor.label
    proposal.reason = reason
    repo.audit(
        actor.label,
        f"merge_proposal.{_ACTIONS[state]}",
        proposal.entry_id,
        {"proposal": proposal.id, "keep": proposal.keep_id, "reason": reason},
    )


def _side(entry_id: str, entries: dict[str, Entry]) -> Side:
    entry = entries.get(entry_id)
    document: dict[str, Any] = entry.document if entry is not None else {}
    owner = document.get("owner")
    urls = document.get("urls")
    provenance = document.get("provenance")
    imported = isinstance(provenance, dict) and provenance.get("format")
    return Side(
        id=entry_id,
        name=str(document.get("name", entry_id)),
        kind=str(document.get("kind", "")),
        state=entry.state if entry is not None else "missing",
        summary=str(document.get("summary", "")),
        owner=str(owner.get("name", "")) if isinstance(owner, dict) else "",
        urls={k: str(v) for k, v in urls.items()} if isinstance(urls, dict) else {},
        source=f"imported from {imported}" if imported else "added in the registry",
    )


def _view(proposal: MergeProposal, entries: dict[str, Entry]) -> ProposalView:
    evidence = Evidence(**proposal.evidence) if proposal.evidence else None
    assert proposal.id is not None
    return ProposalView(
        id=proposal.id,
        state=proposal.state,
        entry=_side(proposal.entry_id, entries),
        keep=_side(proposal.keep_id, entries),
        evidence=evidence.describe() if evidence is not None else "",
        created_at=iso(proposal.created_at) or "",
        decided_at=iso(proposal.decided_at),
        decided_by=proposal.decided_by,
        reason=proposal.reason,
    )


class LinkFollower:
    """This instance's copy of the proposed pairs, for search to show each product once.

    `current()` re-reads the proposals' change counter at most every `interval` seconds
    (one small query), and the pairs only when it moved; `sync()` re-reads at once (after
    a decision made by this instance)."""

    def __init__(
        self,
        proposals: MergeProposals,
        interval: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.proposals = proposals
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()
        self._linked = Linked()
        self._version: tuple[int, int, int] | None = None
        self._checked = -math.inf

    def current(self) -> Linked:
        if self.clock() - self._checked >= self.interval:
            try:
                self.sync()
            except SQLAlchemyError:  # search must not fail because this read did
                log.exception("Could not read the merge proposals; search keeps the last ones")
        return self._linked

    def sync(self) -> bool:
        """Reload the pairs if they changed; whether they did."""
        with self._lock:
            self._checked = self.clock()
            version = self.proposals.version()
            if version == self._version:
                return False
            links = self.proposals.links()
            self._linked = Linked.from_pairs((link.entry_id, link.keep_id) for link in links)
            self._version = version
            return True
