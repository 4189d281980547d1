"""Entry use cases: the only thing the API and the pages call to read or change entries.

Each use case runs in one transaction: it validates first and writes the entry, its
revision, the change-feed row and the audit row together, so an error leaves nothing
half-written.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from registry import permissions
from registry.auth import Principal, PrincipalKind, Scope, require_principal
from registry.db import transaction
from registry.errors import (
    Conflict,
    InvalidEntry,
    Issue,
    Moved,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    TransitionNotAllowed,
)
from registry.licences import analyse
from registry.models import Entry, Revision, Supplier, utcnow
from registry.repository import EntryFilter, Repository
from registry.search import SearchIndex, Similar
from registry.validation import EntryValidator, Report
from registry.views import EntryView, Page, PendingView, RevisionView, iso
from registry.vocabularies import ALL_VOCABULARIES, Term, Vocabulary, VocabularySet
from registry.vocabulary_cache import VocabularyCache
from registry.workflow import (
    EDITABLE_IN_PLACE,
    PROPOSAL_ACTIONS,
    RULES,
    VISIBLE,
    Action,
    State,
    allowed_actions,
    apply,
    parse_action,
)

MAX_PER_PAGE = 100
T = TypeVar("T")
VISIBLE_STATES = sorted(s.value for s in VISIBLE)


def entry_etag(entry: Entry) -> str:
    """Changes whenever anything about the entry changes: every change is a new revision."""
    return f'"{entry.id}-{entry.head_revision}"'


def id_taken(entry_id: str) -> Conflict:
    """The one answer to creating an id that is in use, whoever holds it and in whatever
    state: it must not tell a supplier that another supplier's unpublished draft exists
    (a GET of that draft is a 404 for them, so the two answers must say no more)."""
    return Conflict(f"The id '{entry_id}' is not available; choose another id.")


class EntryService:
    def __init__(self, engine: Engine, validator: EntryValidator) -> None:
        self.engine = engine
        self.validator = validator
        #: Set when this process has a search index: submissions then list similar entries.
        self.search: SearchIndex | None = None
        #: Brings that index up to date first (the change feed applied), so entries
        #: published a moment ago are among the similar ones.
        self.catch_up: Callable[[], object] = lambda: None
        self.vocabularies = VocabularyCache()

    def similar_to(self, document: dict[str, Any], exclude: str | None = None) -> list[Similar]:
        """Published entries whose name, aliases or summary closely match the document."""
        if self.search is None:
            return []
        self.catch_up()
        return self.search.similar(document, limit=5, exclude=exclude)

    def _indexed(self, view: EntryView) -> EntryView:
        """The view, once this instance's index holds the write: a client that changed an
        entry and then searches finds the change, whichever worker answers the search."""
        self.catch_up()
        return view

    def _with_similar(self, view: EntryView) -> EntryView:
        """The view listing similar published entries, for the one under review."""
        document = (
            view.pending.document if view.pending and view.pending.document else view.document
        )
        found = self.similar_to(document, exclude=view.id)
        return replace(
            view, similar=[{"id": s.id, "name": s.name, "score": round(s.score, 3)} for s in found]
        )

    # reading ------------------------------------------------------------------------
    def vocabulary_set(self, repo: Repository, *, for_write: bool = False) -> VocabularySet:
        """What references are checked against; `for_write` holds the vocabularies steady
        until the writing transaction commits."""
        return VocabularySet.build(
            repo.vocabularies(share_lock=for_write), repo.standards_by_id(VISIBLE_STATES)
        )

    def validate(self, document: Any) -> Report:
        """The report a submission would get, without storing anything."""
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            report = self.validator.validate(document, self.vocabulary_set(repo))
            taken = isinstance(document, dict) and isinstance(document.get("id"), str)
            existing = repo.entry(document["id"]) if taken else None
            # Only published entries are mentioned: drafts are nobody else's business.
            if existing is not None and existing.state in VISIBLE_STATES:
                report.issues.append(
                    Issue(
                        "/id",
                        f"An entry with the id '{document['id']}' already exists; "
                        "PUT to /api/v1/entries/{id} changes it.",
                        "warning",
                    )
                )
            return report

    def vocabulary_names(self) -> list[str]:
        return list(ALL_VOCABULARIES)

    def vocabulary(self, name: str) -> Vocabulary:
        """A controlled vocabulary; `standards` lists the published standard entries.

        Pages read several on every view, so they are cached for as long as the search
        index has applied no change (with no index, every call reads the database)."""
        if self.search is None:
            return self._read_vocabulary(name)
        mark = self.search.high_water()
        return self.vocabularies.get(name, mark, lambda: self._read_vocabulary(name))

    def _read_vocabulary(self, name: str) -> Vocabulary:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            if name == "standards":
                standards = sorted(
                    repo.standards_by_id(VISIBLE_STATES).items(), key=lambda kv: kv[1]
                )
                return Vocabulary(
                    "standards", "Standards", tuple(Term(i, label) for i, label in standards)
                )
            if name not in ALL_VOCABULARIES:
                names = ", ".join(ALL_VOCABULARIES)
                raise NotFound(f"There is no vocabulary '{name}'; the vocabularies are: {names}.")
            # A registry not seeded yet has the vocabulary, with no terms in it.
            return repo.vocabulary(name) or Vocabulary(name, name.replace("-", " ").title(), ())

    def health(self) -> dict[str, Any]:
        """Database reachability and counts, for monitoring."""
        try:
            with transaction(self.engine, write=False) as session:
                repo = Repository(session)
                return {
                    "status": "ok",
                    "database": "ok",
                    "entries": repo.count_entries_by_state(),
                    "revisions": repo.count_revisions(),
                    "suppliers": repo.count_rows(Supplier),
                }
        except SQLAlchemyError:
            return {
                "status": "unavailable",
                "database": "unreachable",
                "entries": {},
                "revisions": 0,
                "suppliers": 0,
            }

    def get(self, entry_id: str, principal: Principal | None) -> EntryView:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            target = repo.redirect_for(entry_id)
            if target is not None:
                raise Moved(f"'{entry_id}' was merged into '{target}'.", target)
            entry = self._readable(repo, entry_id, principal)
            view = self._view(repo, entry, principal)
        under_review = view.state == State.SUBMITTED.value or (
            view.pending is not None and view.pending.state == State.SUBMITTED.value
        )
        if under_review and principal is not None and principal.has(Scope.REVIEW):
            return self._with_similar(view)
        return view

    def list_entries(
        self,
        filters: EntryFilter,
        page: int,
        per_page: int,
        principal: Principal | None,
        states: Sequence[str] | None = None,
    ) -> Page:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            if principal is not None and principal.has(Scope.REVIEW):
                allowed = states
            else:
                allowed = [s for s in (states or VISIBLE_STATES) if s in VISIBLE_STATES]
            chosen = replace(filters, states=allowed)
            rows, total = repo.list_entries(chosen, (page - 1) * per_page, per_page)
            return Page([self._view(repo, e, principal) for e in rows], total, page, per_page)

    def published(self, batch: int = 200) -> Iterator[EntryView]:
        """Every published, deprecated or retired entry in id order, as the public sees it."""
        return walk_published(
            self.engine, lambda repo, rows: [self._view(repo, e, None) for e in rows], batch
        )

    def recent(self, newest_by: str, limit: int = 5) -> list[EntryView]:
        """Recently published (`newest_by="published"`), updated since publication
        ("updated") or changed in any way ("changed") public entries."""
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            return [
                self._view(repo, e, None) for e in repo.recent(VISIBLE_STATES, newest_by, limit)
            ]

    def revisions(self, entry_id: str, principal: Principal | None) -> list[RevisionView]:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            entry = self._readable(repo, entry_id, principal)
            private = _sees_private(entry, principal)
            return [
                _revision_view(r, with_document=False)
                for r in repo.revisions(entry_id)
                if private or _public_revision(r)
            ]

    def revision(self, entry_id: str, number: int, principal: Principal | None) -> RevisionView:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            entry = self._readable(repo, entry_id, principal)
            found = repo.revision(entry_id, number)
            if found is None or not (_sees_private(entry, principal) or _public_revision(found)):
                raise NotFound(f"Entry '{entry_id}' has no revision {number}.")
            return _revision_view(found, with_document=True)

    # writing ------------------------------------------------------------------------
    def create(
        self,
        document: Any,
        principal: Principal | None,
        reason: str = "",
        *,
        publish: bool = False,
    ) -> EntryView:
        """A new draft; with `publish`, a maintainer's entry published at once (as their
        edits to published entries are), which needs the review scope."""
        if publish:  # the admin pages' "add an entry"
            actor = require_principal(principal)
            actor.require(Scope.REVIEW)
        else:
            actor = permissions.check("create", principal)
        with transaction(self.engine) as session:
            repo = Repository(session)
            report = self._check(repo, document)
            if repo.entry(document["id"]) is not None:
                raise id_taken(document["id"])
            now = utcnow()
            entry = Entry(
                id=document["id"],
                state=(State.PUBLISHED if publish else State.DRAFT).value,
                supplier_id=actor.supplier_id,
                created_at=now,
                updated_at=now,
                published_at=now if publish else None,
                **entry_columns(document),
            )
            repo.add_entry(entry)
            try:
                session.flush()
            except IntegrityError:  # another request created the same id just now
                raise id_taken(document["id"]) from None
            if publish:
                entry.published_revision = entry.head_revision + 1
            record_step(repo, entry, document, "create", actor, reason, now=now)
            view = self._view(repo, entry, actor, report.warnings)
        return self._with_similar(view)

    def update(
        self,
        entry_id: str,
        document: Any,
        principal: Principal | None,
        if_match: Sequence[str] | None,
        reason: str = "",
    ) -> EntryView:
        actor = require_principal(principal)
        with transaction(self.engine) as session:
            repo = Repository(session)
            entry = self._writable(repo, entry_id, actor)
            _check_precondition(entry, if_match, required=True)
            if isinstance(document, dict) and document.get("id") != entry_id:
                raise InvalidEntry(
                    [
                        Issue(
                            "/id",
                            f"The document's id must be '{entry_id}', the id in the URL; "
                            "ids cannot be changed (a maintainer can merge entries instead).",
                        )
                    ]
                )
            report = self._check(repo, document)
            state = State(entry.state)
            curator = actor.has(Scope.REVIEW)
            if curator and entry.pending_state == State.SUBMITTED.value:
                raise TransitionNotAllowed(
                    "A supplier's change to this entry is waiting for review; approve it, ask "
                    "for changes or reject it before editing the entry yourself.",
                    entry.state,
                    ["approve", "request-changes", "reject"],
                )
            if state in EDITABLE_IN_PLACE or (curator and state in VISIBLE - {State.RETIRED}):
                _check_status(entry, document)
                set_document(entry, document)
                if state in VISIBLE:
                    entry.published_revision = entry.head_revision + 1
                record_step(repo, entry, document, "update", actor, reason)
            elif state is State.PUBLISHED:
                if entry.pending_state == State.SUBMITTED.value:
                    raise TransitionNotAllowed(
                        "Your previous change is waiting for review; it cannot be edited until "
                        "a maintainer has approved it or asked for changes.",
                        entry.state,
                        [],
                    )
                _check_status(entry, document)
                record_step(repo, entry, document, "propose", actor, reason, proposal=State.DRAFT)
            else:
                raise TransitionNotAllowed(
                    f"An entry that is {state.value} cannot be edited.",
                    state.value,
                    [a.value for a in allowed_actions(state)],
                )
            view = self._view(repo, entry, actor, report.warnings)
        return self._indexed(view)

    def act(
        self,
        entry_id: str,
        action_name: str,
        principal: Principal | None,
        reason: str = "",
        if_match: Sequence[str] | None = None,
        effective: date | None = None,
    ) -> EntryView:
        """Take a workflow action. `effective` is the day a deprecation or retirement took
        effect (default today), recorded in the document's `status_dates`."""
        actor = require_principal(principal)
        action = parse_action(action_name)
        if action is None:
            names = ", ".join(a.value for a in Action)
            raise NotFound(f"There is no action '{action_name}'; the actions are: {names}.")
        rule = RULES[action]
        with transaction(self.engine) as session:
            repo = Repository(session)
            entry = self._readable(repo, entry_id, actor, for_update=True)
            permissions.check(permissions.FOR_ACTION[action], actor, owns=_owns(entry, actor))
            if rule.reason_required and not reason.strip():
                raise InvalidEntry(
                    [Issue("/reason", f"Say why: '{action.value}' needs a reason.")],
                    detail="A reason is required.",
                )
            _check_precondition(entry, if_match, required=False)
            if effective is not None and action not in (Action.DEPRECATE, Action.RETIRE):
                raise InvalidEntry(
                    [Issue("/effective", f"'{action.value}' takes no date.")],
                    detail="Only a deprecation or a retirement has a date.",
                )
            if effective is not None and effective > date.today():
                raise InvalidEntry(
                    [Issue("/effective", "The date cannot be in the future.")],
                    detail="The date cannot be in the future.",
                )
            deprecated_on = str(entry.document.get("status_dates", {}).get("deprecated", ""))
            if effective is not None and action is Action.RETIRE and deprecated_on:
                _not_before(effective, deprecated_on)
            if entry.pending_revision is not None and action in PROPOSAL_ACTIONS:
                self._act_on_proposal(repo, entry, action, actor, reason)
            else:
                self._act_on_entry(repo, entry, action, actor, reason, effective)
            view = self._view(repo, entry, actor)
        return self._with_similar(view) if action is Action.SUBMIT else self._indexed(view)

    def merge(
        self,
        entry_id: str,
        into: str,
        principal: Principal | None,
        reason: str,
        if_match: Sequence[str] | None = None,
        also: Callable[[Repository], None] | None = None,
    ) -> EntryView:
        """Merge a duplicate into another entry: the duplicate is retired with its history
        kept, and its id redirects to the surviving entry from then on. With `if_match`,
        only if the duplicate is still the version the maintainer decided on. `also` runs
        in the same transaction after the merge (a merge proposal records its decision),
        so both happen or neither does."""
        actor = permissions.check("merge", principal, owns=False)
        if not reason.strip():
            raise InvalidEntry(
                [Issue("/reason", "Say why: a merge needs a reason.")],
                detail="A reason is required.",
            )
        if entry_id == into:
            raise InvalidEntry([Issue("/into", "An entry cannot be merged into itself.")])
        with transaction(self.engine) as session:
            repo = Repository(session)
            old = self._readable(repo, entry_id, actor, for_update=True)
            _check_precondition(old, if_match, required=False)
            if old.state not in (State.PUBLISHED, State.DEPRECATED):
                raise TransitionNotAllowed(
                    f"Only a published or deprecated entry can be merged; this one is "
                    f"{old.state} (reject a submission instead).",
                    old.state,
                    [],
                )
            target = repo.entry(into, for_update=True)
            if target is None or target.state not in (State.PUBLISHED, State.DEPRECATED):
                raise InvalidEntry(
                    [Issue("/into", f"'{into}' is not a published entry to merge into.")]
                )
            if repo.redirect_for(into) is not None:  # pragma: no cover - a merged entry is retired
                raise Conflict(f"'{into}' has itself been merged.")
            _close_proposal(repo, old, actor, f"Closed: the entry was merged into {into}.")
            document = _with_status(dict(old.document), State.RETIRED.value)
            set_document(old, document)
            old.state = State.RETIRED.value
            old.published_revision = old.head_revision + 1
            old.pending_revision = old.pending_state = None
            record_step(repo, old, document, "merge", actor, f"Merged into {into}: {reason}")
            repo.add_redirect(entry_id, into, utcnow())
            repo.audit(actor.label, "entry.redirect", entry_id, {"into": into})
            if also is not None:
                also(repo)
            view = self._view(repo, target, actor)
        return self._indexed(view)

    def _act_on_entry(
        self,
        repo: Repository,
        entry: Entry,
        action: Action,
        actor: Principal,
        reason: str,
        effective: date | None = None,
    ) -> None:
        new_state = apply(State(entry.state), action)
        document = dict(entry.document)
        if action in (Action.SUBMIT, Action.APPROVE):
            self._check(repo, document)
        if action in (Action.DEPRECATE, Action.RETIRE):
            _close_proposal(repo, entry, actor, f"Closed: the entry was {new_state.value}.")
            document = _with_status(document, new_state.value, effective)
            set_document(entry, document)
        entry.state = new_state.value
        if new_state in VISIBLE:
            entry.published_revision = entry.head_revision + 1
        now = utcnow()
        if action is Action.APPROVE and entry.published_at is None:
            entry.published_at = now
        record_step(repo, entry, document, action.value, actor, reason, now=now)

    def _act_on_proposal(
        self, repo: Repository, entry: Entry, action: Action, actor: Principal, reason: str
    ) -> None:
        assert entry.pending_revision is not None
        pending = repo.revision(entry.id, entry.pending_revision)
        if pending is None:  # pragma: no cover - the foreign key makes this impossible
            raise NotFound("The pending revision is missing.")
        if entry.state != State.PUBLISHED.value:
            raise TransitionNotAllowed(
                f"Changes can only be proposed to a published entry; this one is {entry.state}.",
                entry.state,
                [],
            )
        new_state = apply(State(entry.pending_state or State.DRAFT.value), action)
        document = dict(pending.document)
        if action in (Action.SUBMIT, Action.APPROVE):
            self._check(repo, document)
        if action is Action.APPROVE and _published_since_proposal(repo, entry):
            raise Conflict(
                "The published entry has changed since this change was proposed, so approving "
                "it would undo that change; ask the supplier for changes instead."
            )
        if new_state is State.PUBLISHED:
            set_document(entry, document)
            entry.published_revision = entry.head_revision + 1
            record_step(repo, entry, document, action.value, actor, reason)
            entry.pending_revision = entry.pending_state = None
        elif new_state is State.REJECTED:
            record_step(repo, entry, document, action.value, actor, reason, proposal=new_state)
            entry.pending_revision = entry.pending_state = None
        else:
            record_step(repo, entry, document, action.value, actor, reason, proposal=new_state)

    # helpers ------------------------------------------------------------------------
    def _check(self, repo: Repository, document: Any) -> Report:
        report = self.validator.validate(document, self.vocabulary_set(repo, for_write=True))
        if not report.valid:
            raise InvalidEntry(report.issues)
        return report

    def _readable(
        self, repo: Repository, entry_id: str, principal: Principal | None, for_update: bool = False
    ) -> Entry:
        entry = repo.entry(entry_id, for_update=for_update)
        if entry is None or not (State(entry.state) in VISIBLE or _sees_private(entry, principal)):
            raise NotFound(f"There is no entry '{entry_id}'.")
        return entry

    def _writable(self, repo: Repository, entry_id: str, actor: Principal) -> Entry:
        entry = self._readable(repo, entry_id, actor, for_update=True)
        permissions.check("update", actor, owns=_owns(entry, actor))
        return entry

    def _view(
        self,
        repo: Repository,
        entry: Entry,
        principal: Principal | None,
        warnings: Sequence[Issue] = (),
    ) -> EntryView:
        private = _sees_private(entry, principal)
        supplier = repo.supplier(entry.supplier_id) if entry.supplier_id else None
        pending = None
        if entry.pending_revision is not None and private:
            revision = repo.revision(entry.id, entry.pending_revision)
            pending = PendingView(
                entry.pending_revision,
                entry.pending_state or "",
                revision.document if revision else None,
            )
        return EntryView(
            id=entry.id,
            state=entry.state,
            revision=entry.published_revision or entry.head_revision,
            published_revision=entry.published_revision,
            etag=entry_etag(entry),
            open_source=entry.open_source,
            licence_canonical=analyse(entry.licence).canonical,
            supplier=supplier.name if supplier else None,
            created_at=iso(entry.created_at),
            updated_at=iso(entry.updated_at),
            published_at=iso(entry.published_at),
            document=entry.document,
            allowed_actions=_actions_for(entry, principal),
            pending=pending,
            warnings=[w.as_dict() for w in warnings],
        )


def walk_published(
    engine: Engine,
    convert: Callable[[Repository, list[Entry]], list[T]],
    batch: int = 200,
) -> Iterator[T]:
    """Every published, deprecated or retired entry in id order, converted a batch at a
    time inside its own short read transaction: memory stays constant and no connection
    is held between batches (harvester dumps, index rebuilds)."""
    last = ""
    while True:
        with transaction(engine, write=False) as session:
            repo = Repository(session)
            rows = repo.visible_after(last, VISIBLE_STATES, batch)
            if not rows:
                return
            last = rows[-1].id
            converted = convert(repo, rows)
        yield from converted


def entry_columns(document: dict[str, Any]) -> dict[str, Any]:
    licence = str(document["licence"])
    return {
        "kind": document["kind"],
        "name": document["name"],
        "status": document["status"],
        "licence": licence,
        "open_source": analyse(licence).open_source,
        "document": document,
    }


def set_document(entry: Entry, document: dict[str, Any]) -> None:
    for name, value in entry_columns(document).items():
        setattr(entry, name, value)


def standard_ids(document: dict[str, Any]) -> list[str]:
    return [s["id"] for s in document.get("standards", []) if isinstance(s, dict) and "id" in s]


def _with_status(
    document: dict[str, Any], status: str, effective: date | None = None
) -> dict[str, Any]:
    """The document with its lifecycle status and that status's date: the date given, or
    the one it already records, or today."""
    dates = dict(document.get("status_dates", {}))
    if effective is not None:
        dates[status] = effective.isoformat()
    dates.setdefault(status, date.today().isoformat())
    return {**document, "status": status, "status_dates": dates}


def record_step(
    repo: Repository,
    entry: Entry,
    document: dict[str, Any],
    action: str,
    actor: Principal,
    reason: str,
    proposal: State | None = None,
    now: datetime | None = None,
) -> None:
    """Append the revision, the change-feed row and the audit row for one step.

    `now`: the step's time when the caller already stamped the entry with it (a first
    publication), so "updated after publication" means a later change, not microseconds.
    """
    now = now or utcnow()
    entry.head_revision += 1
    if proposal is None:  # a proposal's steps change nothing the public sees
        entry.updated_at = now
    if proposal is not None:
        entry.pending_revision = entry.head_revision
        entry.pending_state = proposal.value
    repo.add_revision(
        Revision(
            entry_id=entry.id,
            number=entry.head_revision,
            document=document,
            state=entry.state,
            proposal_state=proposal.value if proposal else None,
            action=action,
            author=actor.label,
            reason=reason,
            created_at=now,
        )
    )
    repo.set_entry_standards(entry.id, standard_ids(entry.document))
    repo.append_change(entry.id, entry.head_revision, entry.state)
    repo.audit(
        actor.label,
        f"entry.{action}",
        entry.id,
        {
            "revision": entry.head_revision,
            "state": entry.state,
            "reason": reason,
            **({"proposal_state": proposal.value} if proposal else {}),
        },
    )


_LOOK_UP: Any = object()


def publish_document(
    repo: Repository,
    document: dict[str, Any],
    actor: Principal,
    action: str,
    reason: str,
    supplier_id: int | None = None,
    current: Entry | None = _LOOK_UP,
) -> str:
    """Publish a document with the operator's authority (seed, import); "created",
    "updated" or "unchanged". The caller has validated it, and may pass the `current`
    entry it already read (and locked) so bulk loads need no query per entry."""
    now = utcnow()
    entry = repo.entry(document["id"], for_update=True) if current is _LOOK_UP else current
    if entry is not None and entry.document == document and State(entry.state) in VISIBLE:
        return "unchanged"
    outcome = "updated"
    if entry is None:
        entry = Entry(
            id=document["id"],
            state=State.PUBLISHED.value,
            supplier_id=supplier_id,
            created_at=now,
            updated_at=now,
            published_at=now,
            **entry_columns(document),
        )
        repo.add_entry(entry)
        repo.session.flush()
        outcome = "created"
    else:
        set_document(entry, document)
        if State(entry.state) not in VISIBLE:
            entry.state = State.PUBLISHED.value
        entry.published_at = entry.published_at or now
        if supplier_id is not None:
            entry.supplier_id = supplier_id
    entry.published_revision = entry.head_revision + 1
    record_step(repo, entry, document, action, actor, reason, now=now)
    return outcome


def _not_before(effective: date, deprecated_on: str) -> None:
    if effective.isoformat() < deprecated_on:
        raise InvalidEntry(
            [
                Issue(
                    "/effective",
                    f"The date cannot be before the entry was deprecated, on {deprecated_on}.",
                )
            ],
            detail="The retirement date is before the deprecation.",
        )


#: Statuses only the deprecate and retire actions set, with their date and reason.
LIFECYCLE_STATUSES = frozenset({State.DEPRECATED.value, State.RETIRED.value})


def _check_status(entry: Entry, document: Any) -> None:
    """An edit of a public entry may not move its status into or out of deprecated or
    retired: those steps are workflow actions, which record a date and a reason and
    change the entry's state with it."""
    if State(entry.state) not in VISIBLE or not isinstance(document, dict):
        return
    before, after = entry.document.get("status"), document.get("status")
    if before != after and (before in LIFECYCLE_STATUSES or after in LIFECYCLE_STATUSES):
        raise InvalidEntry(
            [
                Issue(
                    "/status",
                    f"The status cannot change from {before} to {after} by editing: "
                    "deprecate or retire the entry instead (POST "
                    "/api/v1/entries/{id}/actions/deprecate or /retire, with a reason).",
                )
            ]
        )


def _close_proposal(repo: Repository, entry: Entry, actor: Principal, reason: str) -> None:
    """Reject a pending proposal (recorded in the history) before a step that ends it."""
    if entry.pending_revision is None:
        return
    pending = repo.revision(entry.id, entry.pending_revision)
    document = pending.document if pending else dict(entry.document)
    record_step(repo, entry, document, "reject", actor, reason, proposal=State.REJECTED)
    entry.pending_revision = entry.pending_state = None


def _published_since_proposal(repo: Repository, entry: Entry) -> bool:
    """Whether a published step (a maintainer's edit, an import) came after the proposal
    began: its document was based on an older published version."""
    history = repo.revisions(entry.id)
    started = max((r.number for r in history if r.action == "propose"), default=0)
    return any(r.number > started and r.proposal_state is None for r in history)


def _owns(entry: Entry, principal: Principal | None) -> bool:
    return (
        principal is not None
        and principal.supplier_id is not None
        and principal.supplier_id == entry.supplier_id
    )


def _sees_private(entry: Entry, principal: Principal | None) -> bool:
    if principal is not None and principal.kind is PrincipalKind.OPERATOR:
        return True
    return permissions.allows("read-unpublished", principal, owns=_owns(entry, principal))


def _public_revision(revision: Revision) -> bool:
    return revision.proposal_state is None and State(revision.state) in VISIBLE


def _actions_for(entry: Entry, principal: Principal | None) -> list[str]:
    if principal is None or not _sees_private(entry, principal):
        return []
    if entry.pending_revision is not None:
        candidates = allowed_actions(State(entry.pending_state or State.DRAFT.value))
        candidates += [a for a in allowed_actions(State(entry.state)) if a not in PROPOSAL_ACTIONS]
    else:
        candidates = allowed_actions(State(entry.state))
    owns = _owns(entry, principal)
    return [
        a.value
        for a in candidates
        if permissions.allows(permissions.FOR_ACTION[a], principal, owns=owns)
    ]


def _check_precondition(entry: Entry, if_match: Sequence[str] | None, *, required: bool) -> None:
    if not if_match:
        if required:
            raise PreconditionRequired(
                "Send the entry's current ETag in an If-Match header, so no one's change is "
                f"overwritten; it is currently {entry_etag(entry)}."
            )
        return
    if "*" in if_match:
        return
    if entry_etag(entry) not in if_match:
        raise PreconditionFailed(
            f"The entry has changed since you read it (now {entry_etag(entry)}); "
            "read it again and reapply your change."
        )


def _revision_view(revision: Revision, *, with_document: bool) -> RevisionView:
    return RevisionView(
        entry_id=revision.entry_id,
        number=revision.number,
        state=revision.state,
        proposal_state=revision.proposal_state,
        action=revision.action,
        author=revision.author,
        reason=revision.reason,
        created_at=iso(revision.created_at),
        document=revision.document if with_document else None,
    )
