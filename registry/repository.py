"""Every query the registry makes. Callers own the session and its transaction."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import and_, case, delete, func, inspect, or_, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from registry.db import PENDING_CHANGES
from registry.models import (
    AdminSession,
    ApiKey,
    AuditEvent,
    Change,
    Entry,
    EntryRedirect,
    EntryStandard,
    Maintainer,
    MergeProposal,
    ReuseDecision,
    Revision,
    SignInThrottle,
    Supplier,
    SynonymGroup,
    SynonymVersion,
    UnmetNeed,
    Vocabulary,
    VocabularyTerm,
    utcnow,
)
from registry.vocabularies import Term
from registry.vocabularies import Vocabulary as VocabularyData

#: An account that can hold API keys.
A = TypeVar("A", Supplier, Maintainer)
#: The largest value of an integer column (PostgreSQL's INTEGER).
MAX_ROW_ID = 2**31 - 1


@dataclass(frozen=True)
class EntryFilter:
    """Filters for listing entries; None means 'any'."""

    states: Sequence[str] | None = None
    kind: str | None = None
    status: str | None = None
    standard: str | None = None
    licence: str | None = None
    supplier: str | None = None
    open_source: bool | None = None
    #: Text in the id or the name, any case (the admin pages' entry finder).
    text: str | None = None


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # entries -------------------------------------------------------------------------
    def entry(self, entry_id: str, *, for_update: bool = False) -> Entry | None:
        statement = select(Entry).where(Entry.id == entry_id)
        if for_update:
            statement = statement.with_for_update()
        return self.session.exec(statement).first()

    def entries_by_id(self, ids: Sequence[str], *, for_update: bool = False) -> dict[str, Entry]:
        """The stored entries among `ids`, read (and optionally locked) in one statement."""
        if not ids:
            return {}
        statement = select(Entry).where(col(Entry.id).in_(list(ids)))
        if for_update:
            statement = statement.with_for_update()
        return {e.id: e for e in self.session.exec(statement).all()}

    def redirect_for(self, old_id: str) -> str | None:
        """The entry an old id was merged into, following chains of merges."""
        seen: set[str] = set()
        current = old_id
        while (row := self.session.get(EntryRedirect, current)) is not None:
            if row.target_id in seen:  # pragma: no cover - merges refuse cycles
                break
            seen.add(row.target_id)
            current = row.target_id
        return current if current != old_id else None

    def add_redirect(self, old_id: str, target_id: str, when: datetime) -> None:
        # Ids merged into the old one now lead straight to the new target.
        for row in self.session.exec(
            select(EntryRedirect).where(EntryRedirect.target_id == old_id)
        ).all():
            row.target_id = target_id
        self.session.add(EntryRedirect(old_id=old_id, target_id=target_id, created_at=when))

    def add_entry(self, entry: Entry) -> None:
        self.session.add(entry)

    def set_entry_standards(self, entry_id: str, standard_ids: Iterable[str]) -> None:
        self.session.execute(delete(EntryStandard).where(col(EntryStandard.entry_id) == entry_id))
        for standard_id in sorted(set(standard_ids)):
            self.session.add(EntryStandard(entry_id=entry_id, standard_id=standard_id))

    def list_entries(
        self, filters: EntryFilter, offset: int, limit: int
    ) -> tuple[list[Entry], int]:
        statement = select(Entry)
        if filters.states is not None:
            statement = statement.where(col(Entry.state).in_(list(filters.states)))
        if filters.kind:
            statement = statement.where(Entry.kind == filters.kind)
        if filters.status:
            statement = statement.where(Entry.status == filters.status)
        if filters.licence:
            # An exact expression, or one licence id within an expression.
            like = f"%{_escape_like(filters.licence)}%"
            statement = statement.where(
                or_(
                    func.lower(Entry.licence) == filters.licence.lower(),
                    func.lower(Entry.licence).like(like.lower(), escape="\\"),
                )
            )
        if filters.open_source is not None:
            statement = statement.where(Entry.open_source == filters.open_source)
        if filters.text:
            like = f"%{_escape_like(filters.text.lower())}%"
            statement = statement.where(
                or_(
                    func.lower(Entry.id).like(like, escape="\\"),
                    func.lower(Entry.name).like(like, escape="\\"),
                )
            )
        if filters.standard:
            statement = statement.where(
                col(Entry.id).in_(
                    select(EntryStandard.entry_id).where(
                        EntryStandard.standard_id == filters.standard
                    )
                )
            )
        if filters.supplier:
            statement = statement.where(
                col(Entry.supplier_id).in_(
                    select(Supplier.id).where(Supplier.name == filters.supplier)
                )
            )
        total = self.session.exec(select(func.count()).select_from(statement.subquery())).one()
        rows = self.session.exec(
            statement.order_by(col(Entry.name), col(Entry.id)).offset(offset).limit(limit)
        ).all()
        return list(rows), int(total)

    def visible_after(self, last_id: str, states: Sequence[str], limit: int) -> list[Entry]:
        """The next `limit` entries in the given states after `last_id`, in id order."""
        return list(
            self.session.exec(
                select(Entry)
                .where(col(Entry.state).in_(list(states)), col(Entry.id) > last_id)
                .order_by(col(Entry.id))
                .limit(limit)
            ).all()
        )

    def visible_entries(self, states: Sequence[str], batch: int = 500) -> Iterator[Entry]:
        """Every entry in the given states, in id order, fetched in batches."""
        last = ""
        while True:
            rows = self.session.exec(
                select(Entry)
                .where(col(Entry.state).in_(list(states)), col(Entry.id) > last)
                .order_by(col(Entry.id))
                .limit(batch)
            ).all()
            if not rows:
                return
            yield from rows
            last = rows[-1].id

    def recent(self, states: Sequence[str], newest_by: str, limit: int) -> list[Entry]:
        """The entries most recently published for the first time (`newest_by` "published",
        by `published_at`), most recently changed since then ("updated": `updated_at` later
        than `published_at`), or most recently changed in any way ("changed", for feeds)."""
        column = col(Entry.published_at) if newest_by == "published" else col(Entry.updated_at)
        changed = col(Entry.updated_at) > col(Entry.published_at)
        statement = (
            select(Entry)
            .where(col(Entry.state).in_(list(states)), column.is_not(None))
            .where(changed if newest_by == "updated" else column.is_not(None))
            .order_by(column.desc(), col(Entry.id))
            .limit(limit)
        )
        return list(self.session.exec(statement).all())

    def standards_by_id(self, states: Sequence[str]) -> dict[str, str]:
        rows = self.session.exec(
            select(Entry.id, Entry.name).where(
                Entry.kind == "standard", col(Entry.state).in_(list(states))
            )
        ).all()
        return dict(rows)

    def count_entries_by_state(self) -> dict[str, int]:
        rows = self.session.exec(select(Entry.state, func.count()).group_by(Entry.state)).all()
        return {state: int(n) for state, n in rows}

    # revisions ----------------------------------------------------------------------
    def add_revision(self, revision: Revision) -> None:
        self.session.add(revision)

    def revisions(self, entry_id: str) -> list[Revision]:
        return list(
            self.session.exec(
                select(Revision).where(Revision.entry_id == entry_id).order_by(col(Revision.number))
            ).all()
        )

    def revision(self, entry_id: str, number: int) -> Revision | None:
        if not _fits(number):
            return None
        return self.session.get(Revision, (entry_id, number))

    def count_revisions(self) -> int:
        return int(self.session.exec(select(func.count()).select_from(Revision)).one())

    # change feed and audit ----------------------------------------------------------
    def append_change(self, entry_id: str, revision: int, state: str) -> None:
        """A change-feed row, numbered when the transaction commits (`db.transaction`)."""
        pending = self.session.info.setdefault(PENDING_CHANGES, [])
        pending.append(
            Change(entry_id=entry_id, revision=revision, state=state, created_at=utcnow())
        )

    def changes_after(self, seq: int, limit: int = 1000) -> list[Change]:
        return list(
            self.session.exec(
                select(Change).where(col(Change.seq) > seq).order_by(col(Change.seq)).limit(limit)
            ).all()
        )

    def last_change(self) -> int:
        """The newest change-feed sequence number (0 for an empty feed)."""
        newest = self.session.exec(select(func.max(Change.seq))).one()
        return int(newest or 0)

    def audit(self, actor: str, action: str, entry_id: str | None, detail: dict[str, Any]) -> None:
        self.session.add(
            AuditEvent(
                created_at=utcnow(), actor=actor, action=action, entry_id=entry_id, detail=detail
            )
        )

    # accounts and keys --------------------------------------------------------------
    def supplier_by_name(self, name: str) -> Supplier | None:
        return self.session.exec(select(Supplier).where(Supplier.name == name)).first()

    def supplier(self, supplier_id: int) -> Supplier | None:
        return self.session.get(Supplier, supplier_id) if _fits(supplier_id) else None

    def maintainer_by_name(self, name: str) -> Maintainer | None:
        return self.session.exec(select(Maintainer).where(Maintainer.name == name)).first()

    def maintainer(self, maintainer_id: int) -> Maintainer | None:
        return self.session.get(Maintainer, maintainer_id) if _fits(maintainer_id) else None

    def add(self, row: Supplier | Maintainer | ApiKey) -> None:
        self.session.add(row)
        self.session.flush()

    def api_key(self, key_id: str) -> ApiKey | None:
        return self.session.get(ApiKey, key_id)

    def touch_key(self, key_id: str, when: datetime) -> None:
        key = self.session.get(ApiKey, key_id)
        if key is not None:
            key.last_used_at = when

    def count_rows(self, model: type[Supplier] | type[Maintainer] | type[ApiKey]) -> int:
        return int(self.session.exec(select(func.count()).select_from(model)).one())

    # vocabularies -------------------------------------------------------------------
    def vocabularies(self, *, share_lock: bool = False) -> list[VocabularyData]:
        """Every term vocabulary. With `share_lock` (writes that check references) the
        vocabulary rows stay locked against changes to their terms until the transaction
        ends, so a term cannot be removed between the check and the commit."""
        statement = select(Vocabulary).order_by(col(Vocabulary.name))
        if share_lock:
            statement = statement.with_for_update(read=True)
        names = self.session.exec(statement).all()
        return [v for v in (self.vocabulary(n.name) for n in names) if v is not None]

    def vocabulary(self, name: str) -> VocabularyData | None:
        header = self.session.get(Vocabulary, name)
        if header is None:
            return None
        terms = self.session.exec(
            select(VocabularyTerm)
            .where(VocabularyTerm.vocabulary == name)
            .order_by(col(VocabularyTerm.position))
        ).all()
        return VocabularyData(
            name, header.title, tuple(Term(t.id, t.label, t.description) for t in terms)
        )

    def replace_vocabulary(self, vocabulary: VocabularyData) -> None:
        header = self.session.get(Vocabulary, vocabulary.name)
        if header is None:
            self.session.add(Vocabulary(name=vocabulary.name, title=vocabulary.title))
        else:
            header.title = vocabulary.title
        self.session.execute(
            delete(VocabularyTerm).where(col(VocabularyTerm.vocabulary) == vocabulary.name)
        )
        self.session.flush()
        for position, term in enumerate(vocabulary.terms):
            self.session.add(
                VocabularyTerm(
                    vocabulary=vocabulary.name,
                    id=term.id,
                    label=term.label,
                    description=term.description,
                    position=position,
                )
            )

    def dropped_synonym_terms(self) -> list[list[str]]:
        """Terms of synonym groups maintainers removed, or removed from a group, from the
        audit log, so that seeding does not bring them back."""
        rows = self.session.exec(
            select(AuditEvent.action, AuditEvent.detail).where(
                col(AuditEvent.action).in_(("synonyms.group.remove", "synonyms.group.update"))
            )
        ).all()
        dropped: list[list[str]] = []
        for action, detail in rows:
            if not isinstance(detail, dict):
                continue
            if action == "synonyms.group.remove":
                terms = detail.get("terms")
            else:
                after = set(detail.get("after") or [])
                terms = [t for t in detail.get("before") or [] if t not in after]
            if isinstance(terms, list) and terms:
                dropped.append([str(t) for t in terms])
        return dropped

    def removed_terms(self) -> dict[str, set[str]]:
        """Vocabulary term ids maintainers removed, by vocabulary, from the audit log (the
        record of that decision), so that seeding does not bring them back."""
        rows = self.session.exec(
            select(AuditEvent.detail).where(AuditEvent.action == "vocabulary.term.remove")
        ).all()
        removed: dict[str, set[str]] = {}
        for detail in rows:
            if isinstance(detail, dict) and isinstance(detail.get("id"), str):
                removed.setdefault(str(detail.get("vocabulary")), set()).add(detail["id"])
        return removed

    # reuse decisions and unmet needs ------------------------------------------------
    def add_decision(self, decision: ReuseDecision) -> None:
        self.session.add(decision)
        self.session.flush()

    def decision(self, token: str) -> ReuseDecision | None:
        return self.session.exec(select(ReuseDecision).where(ReuseDecision.token == token)).first()

    def count_unmet_need(self, query: str, when: datetime) -> None:
        """Add one to the query's count, creating its row on first sight; one statement, so
        concurrent searches for the same words never collide on the unique text."""
        values = {"query": query, "count": 1, "first_seen": when, "last_seen": when}
        changes = {"count": col(UnmetNeed.count) + 1, "last_seen": when}
        if self.session.get_bind().dialect.name == "postgresql":
            pg = postgresql_insert(UnmetNeed).values(**values)
            self.session.execute(pg.on_conflict_do_update(index_elements=["query"], set_=changes))
        else:
            lite = sqlite_insert(UnmetNeed).values(**values)
            self.session.execute(lite.on_conflict_do_update(index_elements=["query"], set_=changes))

    def unmet_needs(self, limit: int) -> list[UnmetNeed]:
        """The searches that found nothing, most often made first."""
        return list(
            self.session.exec(
                select(UnmetNeed)
                .order_by(
                    col(UnmetNeed.count).desc(),
                    col(UnmetNeed.last_seen).desc(),
                    col(UnmetNeed.query),
                )
                .limit(limit)
            ).all()
        )

    # maintainers' sign-in and the admin pages ---------------------------------------------
    def maintainer_by_email(self, email: str, *, for_update: bool = False) -> Maintainer | None:
        statement = select(Maintainer).where(Maintainer.email == email)
        if for_update:
            statement = statement.with_for_update()
        return self.session.exec(statement).first()

    def add_admin_session(self, row: AdminSession) -> None:
        self.session.add(row)

    def admin_session_holder(self, session_id: str, now: datetime) -> Maintainer | None:
        """The maintainer whose unexpired session this is, if they may still sign in."""
        return self.session.exec(
            select(Maintainer)
            .join(AdminSession, col(AdminSession.maintainer_id) == col(Maintainer.id))
            .where(
                AdminSession.id == session_id,
                col(AdminSession.expires_at) > now,
                col(Maintainer.password_hash).is_not(None),
            )
        ).first()

    def end_admin_session(self, session_id: str) -> int:
        result = self.session.execute(
            delete(AdminSession).where(col(AdminSession.id) == session_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def end_admin_sessions_of(self, maintainer_id: int) -> int:
        result = self.session.execute(
            delete(AdminSession).where(col(AdminSession.maintainer_id) == maintainer_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def end_expired_admin_sessions(self, now: datetime) -> None:
        self.session.execute(delete(AdminSession).where(col(AdminSession.expires_at) <= now))

    def sign_in_throttles(
        self, keys: Sequence[tuple[str, str]], now: datetime
    ) -> dict[str, SignInThrottle]:
        """The throttle rows for (subject, account) pairs, created when missing and locked
        for this transaction (in key order, so two attempts never deadlock)."""
        for key, account in sorted(keys):
            values = {"subject": key, "account": account, "failures": 0, "last_failure_at": now}
            if self.session.get_bind().dialect.name == "postgresql":
                pg = postgresql_insert(SignInThrottle).values(**values)
                self.session.execute(pg.on_conflict_do_nothing(index_elements=["subject"]))
            else:
                lite = sqlite_insert(SignInThrottle).values(**values)
                self.session.execute(lite.on_conflict_do_nothing(index_elements=["subject"]))
        rows = self.session.exec(
            select(SignInThrottle)
            .where(col(SignInThrottle.subject).in_([key for key, _ in keys]))
            .order_by(col(SignInThrottle.subject))
            .with_for_update()
        ).all()
        return {row.subject: row for row in rows}

    def forget_sign_in_failures(self, account: str) -> None:
        """Clear every count tied to an email (an admin lifting a wait)."""
        self.session.execute(delete(SignInThrottle).where(col(SignInThrottle.account) == account))

    def forget_old_sign_in_failures(self, before: datetime, now: datetime) -> None:
        """Rows quiet since `before` and not waiting: they would count from nothing anyway."""
        self.session.execute(
            delete(SignInThrottle).where(
                col(SignInThrottle.last_failure_at) < before,
                or_(
                    col(SignInThrottle.blocked_until).is_(None),
                    col(SignInThrottle.blocked_until) < now,
                ),
            )
        )

    def sign_in_wait_until(self, account: str, now: datetime) -> datetime | None:
        """The latest time any address must wait until before trying this email again."""
        return self.session.exec(
            select(func.max(SignInThrottle.blocked_until)).where(
                SignInThrottle.account == account, col(SignInThrottle.blocked_until) > now
            )
        ).one()

    def review_queue(self, limit: int) -> list[tuple[Entry, datetime]]:
        """Submitted entries and entries with a submitted proposal, each with when it was
        submitted, longest waiting first. A new entry's last step is its submission; a
        proposal's steps leave the entry's times alone, so its submission is its pending
        revision."""
        pending = aliased(Revision)
        submitted_at = case(
            (col(Entry.pending_state) == "submitted", pending.created_at),
            else_=col(Entry.updated_at),
        )
        statement = (
            select(Entry, submitted_at)
            .outerjoin(
                pending,
                and_(
                    col(pending.entry_id) == col(Entry.id),
                    col(pending.number) == col(Entry.pending_revision),
                ),
            )
            .where(or_(col(Entry.state) == "submitted", col(Entry.pending_state) == "submitted"))
            .order_by(submitted_at, col(Entry.id))
            .limit(limit)
        )
        return [(entry, when) for entry, when in self.session.exec(statement).all()]

    def count_review_queue(self) -> int:
        statement = select(func.count()).where(
            or_(col(Entry.state) == "submitted", col(Entry.pending_state) == "submitted")
        )
        return int(self.session.exec(statement.select_from(Entry)).one())

    def audit_search(
        self,
        *,
        entry_id: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[AuditEvent], int]:
        """Audit rows matching the filters, newest first, and how many match in all.

        `actor` matches part of the actor's label, ignoring case; `since` is inclusive and
        `until` exclusive; `before_id` pages by key (for exports) rather than by offset.
        """
        statement = select(AuditEvent)
        if entry_id:
            statement = statement.where(AuditEvent.entry_id == entry_id)
        if actor:
            like = f"%{_escape_like(actor.lower())}%"
            statement = statement.where(func.lower(AuditEvent.actor).like(like, escape="\\"))
        if since is not None:
            statement = statement.where(col(AuditEvent.created_at) >= since)
        if until is not None:
            statement = statement.where(col(AuditEvent.created_at) < until)
        total = self.session.exec(select(func.count()).select_from(statement.subquery())).one()
        if before_id is not None:
            statement = statement.where(col(AuditEvent.id) < before_id)
        rows = self.session.exec(
            statement.order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)
        ).all()
        return list(rows), int(total)

    # the admin pages' suppliers and keys ----------------------------------------------
    def suppliers_with_active_keys(self, now: datetime) -> list[tuple[Supplier, int]]:
        """Every supplier by name, with how many of its keys are neither revoked nor expired."""
        return self._with_active_keys(Supplier, col(ApiKey.supplier_id), now)

    def maintainers_with_active_keys(self, now: datetime) -> list[tuple[Maintainer, int]]:
        """Every maintainer by name, with how many of their keys are usable."""
        return self._with_active_keys(Maintainer, col(ApiKey.maintainer_id), now)

    def _with_active_keys(self, model: type[A], owner: Any, now: datetime) -> list[tuple[A, int]]:
        active = (
            select(owner.label("owner_id"), func.count().label("active"))
            .where(owner.is_not(None))
            .where(col(ApiKey.revoked_at).is_(None))
            .where(or_(col(ApiKey.expires_at).is_(None), col(ApiKey.expires_at) > now))
            .group_by(owner)
            .subquery()
        )
        statement = (
            select(model, func.coalesce(active.c.active, 0))
            .outerjoin(active, active.c.owner_id == col(model.id))
            .order_by(col(model.name))
        )
        return [(account, int(count)) for account, count in self.session.exec(statement).all()]

    def supplier_keys(self, supplier_id: int) -> list[ApiKey]:
        """A supplier's keys, newest first."""
        return self._keys(col(ApiKey.supplier_id) == supplier_id) if _fits(supplier_id) else []

    def maintainer_keys(self, maintainer_id: int) -> list[ApiKey]:
        """A maintainer's keys, newest first."""
        if not _fits(maintainer_id):
            return []
        return self._keys(col(ApiKey.maintainer_id) == maintainer_id)

    def _keys(self, condition: Any) -> list[ApiKey]:
        statement = (
            select(ApiKey)
            .where(condition)
            .order_by(col(ApiKey.created_at).desc(), col(ApiKey.key_id))
        )
        return list(self.session.exec(statement).all())

    # the admin pages' vocabularies and synonym groups ---------------------------------
    def vocabulary_header(self, name: str, *, for_update: bool = False) -> Vocabulary | None:
        """The vocabulary's row; locking it serialises changes to its terms."""
        statement = select(Vocabulary).where(Vocabulary.name == name)
        if for_update:
            statement = statement.with_for_update()
        return self.session.exec(statement).first()

    def vocabulary_term(self, vocabulary: str, term_id: str) -> VocabularyTerm | None:
        return self.session.get(VocabularyTerm, (vocabulary, term_id))

    def add_vocabulary_term(self, vocabulary: str, term: Term) -> None:
        """The term, after the vocabulary's last one."""
        last = self.session.exec(
            select(func.max(VocabularyTerm.position)).where(VocabularyTerm.vocabulary == vocabulary)
        ).one()
        self.session.add(
            VocabularyTerm(
                vocabulary=vocabulary,
                id=term.id,
                label=term.label,
                description=term.description,
                position=-1 if last is None else int(last) + 1,
            )
        )
        self.session.flush()

    def remove_vocabulary_term(self, vocabulary: str, term_id: str) -> None:
        self.session.execute(
            delete(VocabularyTerm).where(
                col(VocabularyTerm.vocabulary) == vocabulary, col(VocabularyTerm.id) == term_id
            )
        )

    def term_usage(self, field: str) -> dict[str, int]:
        """How many entries (in any state) list each id in the document array `field`
        ("categories" or "care_settings"), in their current document or pending proposal."""
        pending = (col(Entry.id) == col(Revision.entry_id)) & (
            col(Entry.pending_revision) == col(Revision.number)
        )
        documents = (
            select(col(Entry.id).label("id"), col(Entry.document).label("doc"))
            .union_all(
                select(
                    col(Revision.entry_id).label("id"), col(Revision.document).label("doc")
                ).join(Entry, pending)
            )
            .subquery()
        )
        if self.session.get_bind().dialect.name == "postgresql":
            values = func.json_array_elements_text(documents.c.doc[field])
        else:
            values = func.json_each(documents.c.doc, f"$.{field}")
        elements = values.table_valued("value")
        statement = (
            select(elements.c.value, func.count(func.distinct(documents.c.id)))
            .select_from(documents)
            .join(elements, true())
            .group_by(elements.c.value)
        )
        return {str(value): int(n) for value, n in self.session.execute(statement).all()}

    def synonym_groups(self) -> list[SynonymGroup]:
        """Every stored synonym group, oldest first."""
        return list(self.session.exec(select(SynonymGroup).order_by(col(SynonymGroup.id))).all())

    def synonym_group(self, group_id: int) -> SynonymGroup | None:
        return self.session.get(SynonymGroup, group_id) if _fits(group_id) else None

    def add_synonym_group(self, terms: Sequence[str], when: datetime) -> SynonymGroup:
        group = SynonymGroup(terms=list(terms), updated_at=when)
        self.session.add(group)
        self.session.flush()
        return group

    def remove_synonym_group(self, group_id: int) -> None:
        if not _fits(group_id):
            return
        self.session.execute(delete(SynonymGroup).where(col(SynonymGroup.id) == group_id))

    def synonyms_version(self) -> int:
        """The synonym groups' change counter; 0 when they were never stored."""
        row = self.session.get(SynonymVersion, 1)
        return row.version if row is not None else 0

    def bump_synonyms_version(self) -> int:
        """Add one to the change counter (creating it); call it first in a transaction that
        changes groups: it locks the counter, so such transactions run one at a time."""
        values = {"id": 1, "version": 1}
        changes = {"version": col(SynonymVersion.version) + 1}
        if self.session.get_bind().dialect.name == "postgresql":
            pg = postgresql_insert(SynonymVersion).values(**values)
            self.session.execute(pg.on_conflict_do_update(index_elements=["id"], set_=changes))
        else:
            lite = sqlite_insert(SynonymVersion).values(**values)
            self.session.execute(lite.on_conflict_do_update(index_elements=["id"], set_=changes))
        # The ORM may hold the counter's row from an earlier read in this session.
        self.session.expire_all()
        return self.synonyms_version()

    def has_synonym_tables(self) -> bool:
        """False on a database not yet migrated to hold synonym groups."""
        found = inspect(self.session.connection())
        return bool(
            found.has_table(SynonymGroup.__tablename__)
            and found.has_table(SynonymVersion.__tablename__)
        )

    # merge proposals ----------------------------------------------------------------
    def merge_proposals(
        self, states: Sequence[str] | None = None, limit: int | None = None
    ) -> list[MergeProposal]:
        """Proposals in the given states (all when None), oldest first."""
        statement = select(MergeProposal).order_by(col(MergeProposal.id))
        if states is not None:
            statement = statement.where(col(MergeProposal.state).in_(list(states)))
        if limit is not None:
            statement = statement.limit(limit)
        return list(self.session.exec(statement).all())

    def merge_proposal(self, proposal_id: int, *, for_update: bool = False) -> MergeProposal | None:
        if not _fits(proposal_id):
            return None
        statement = select(MergeProposal).where(MergeProposal.id == proposal_id)
        if for_update:
            statement = statement.with_for_update()
        return self.session.exec(statement).first()

    def merge_proposal_pairs(self) -> set[str]:
        """The pair of every proposal ever made, whatever became of it."""
        return set(self.session.exec(select(MergeProposal.pair)).all())

    def merge_proposals_version(self) -> tuple[int, int, int]:
        """Changes whenever a proposal is added or decided: (rows, highest id, proposed)."""
        total, highest = self.session.exec(
            select(func.count(), func.coalesce(func.max(MergeProposal.id), 0))
        ).one()
        proposed = self.session.exec(
            select(func.count()).where(MergeProposal.state == "proposed")
        ).one()
        return int(total), int(highest or 0), int(proposed)

    def has_merge_proposals_table(self) -> bool:
        """False on a database not yet migrated to hold merge proposals."""
        return bool(inspect(self.session.connection()).has_table(MergeProposal.__tablename__))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fits(number: int) -> bool:
    """Whether a number from a URL can name a row: integer columns hold 1 to 2^31 - 1 on
    PostgreSQL, and SQLite cannot bind a Python int past 2^63 at all (both would be a 500
    rather than "no such row")."""
    return 0 < number <= MAX_ROW_ID
