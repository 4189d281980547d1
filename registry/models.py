"""SQLModel tables. One entity per table; the entry document itself is stored as JSON."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Supplier(SQLModel, table=True):
    """An organisation that submits entries through the API."""

    __tablename__ = "supplier"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Maintainer(SQLModel, table=True):
    """A person who reviews and curates entries."""

    __tablename__ = "maintainer"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    email: str | None = Field(default=None, max_length=254, unique=True)
    role: str = Field(max_length=20)  # reviewer | admin
    password_hash: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AdminSession(SQLModel, table=True):
    """A maintainer's signed-in session on the admin pages.

    The cookie carries a random token; only its SHA-256 is stored, so a copy of this table
    signs no one in. Deleting the row ends the session on every instance at once.
    """

    __tablename__ = "admin_session"

    id: str = Field(primary_key=True, max_length=64)  # sha256 hex of the cookie's token
    maintainer_id: int = Field(foreign_key="maintainer.id", index=True)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted for one subject: a client address, or an email typed from an
    address. Past a few failures each further attempt waits for a window that doubles.

    Subjects and emails are stored as SHA-256 digests: the table names no one.
    """

    __tablename__ = "sign_in_throttle"

    subject: str = Field(primary_key=True, max_length=64)
    #: The digest of the email typed, so an admin can clear an account's rows; "" for an
    #: address's own row.
    account: str = Field(default="", max_length=64, index=True)
    failures: int = 0
    blocked_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    last_failure_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


class ApiKey(SQLModel, table=True):
    """A hashed API key; the secret itself is never stored."""

    __tablename__ = "api_key"

    key_id: str = Field(primary_key=True, max_length=32)
    secret_hash: str = Field(max_length=64)
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)
    maintainer_id: int | None = Field(default=None, foreign_key="maintainer.id", index=True)
    scopes: str = Field(max_length=200)  # space-separated
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    last_used_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class Entry(SQLModel, table=True):
    """The registry's record of one entry: its state and the document readers see.

    `document` and the columns beside it describe the published revision, or the newest
    revision while the entry has never been published. A pending proposal lives only in
    the revision table until approved.
    """

    __tablename__ = "entry"
    __table_args__ = (
        Index("ix_entry_state_kind", "state", "kind"),
        Index("ix_entry_name", "name"),
    )

    id: str = Field(primary_key=True, max_length=63)
    state: str = Field(max_length=20)
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    status: str = Field(max_length=20)
    licence: str = Field(max_length=500)
    open_source: bool = False
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    head_revision: int = 0
    published_revision: int | None = None
    pending_revision: int | None = None
    pending_state: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    published_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class EntryStandard(SQLModel, table=True):
    """Which standards the entry's current document implements (for filtering)."""

    __tablename__ = "entry_standard"

    entry_id: str = Field(foreign_key="entry.id", primary_key=True, max_length=63)
    standard_id: str = Field(primary_key=True, max_length=63, index=True)


class Revision(SQLModel, table=True):
    """One append-only step in an entry's history: the whole document as it then stood."""

    __tablename__ = "revision"

    entry_id: str = Field(foreign_key="entry.id", primary_key=True, max_length=63)
    number: int = Field(primary_key=True)
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    state: str = Field(max_length=20)  # the entry's state after this step
    proposal_state: str | None = Field(default=None, max_length=20)
    action: str = Field(max_length=30)  # create, update, propose, submit, approve, …
    author: str = Field(max_length=300)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Change(SQLModel, table=True):
    """The change feed: one row per write to an entry, in a monotonic sequence."""

    __tablename__ = "change"

    seq: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(max_length=63, index=True)
    revision: int
    state: str = Field(max_length=20)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AuditEvent(SQLModel, table=True):
    """Who did what, when: every write by anyone."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entry", "entry_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    actor: str = Field(max_length=300, index=True)
    action: str = Field(max_length=50)
    entry_id: str | None = Field(default=None, max_length=63)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Vocabulary(SQLModel, table=True):
    __tablename__ = "vocabulary"

    name: str = Field(primary_key=True, max_length=50)
    title: str = Field(max_length=200)


class VocabularyTerm(SQLModel, table=True):
    __tablename__ = "vocabulary_term"
    __table_args__ = (UniqueConstraint("vocabulary", "position"),)

    vocabulary: str = Field(foreign_key="vocabulary.name", primary_key=True, max_length=50)
    id: str = Field(primary_key=True, max_length=63)
    label: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = 0


class ReuseDecision(SQLModel, table=True):
    """A commissioner's record of a reuse check: the need, what was considered, the conclusion.

    `candidates` is a snapshot taken when the record was saved (each entry's name, kind,
    licence and status, with the verdict and reason), so a record never changes when the
    entries it names do. It is reached only through its unguessable `token`.
    """

    __tablename__ = "reuse_decision"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)
    need: str = Field(sa_column=Column(Text, nullable=False))
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    organisation: str = Field(default="", max_length=200)
    conclusion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    candidates: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class UnmetNeed(SQLModel, table=True):
    """A search that found nothing: its normalised text and how often it was made.

    No personal data: no person, address or session is recorded, only the words and times.
    """

    __tablename__ = "unmet_need"

    id: int | None = Field(default=None, primary_key=True)
    query: str = Field(max_length=200, unique=True)
    count: int = 1
    first_seen: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class EntryRedirect(SQLModel, table=True):
    """An id that no longer names an entry of its own: it was merged into `target_id`."""

    __tablename__ = "entry_redirect"

    old_id: str = Field(primary_key=True, max_length=63)
    target_id: str = Field(foreign_key="entry.id", max_length=63, index=True)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SynonymGroup(SQLModel, table=True):
    """Search terms that mean the same: a query for any of them also finds the others.

    Expanded at query time, so a change needs no re-index. `terms` are stored as checked by
    `registry.search.synonyms.clean_group` (trimmed, lower case, at least two).
    """

    __tablename__ = "synonym_group"

    id: int | None = Field(default=None, primary_key=True)
    terms: list[str] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SynonymVersion(SQLModel, table=True):
    """One row counting changes to the synonym groups, so that every instance can tell
    with one cheap read when to reload them. No row means the groups were never stored
    (the seed file's groups apply)."""

    __tablename__ = "synonym_version"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = 0
