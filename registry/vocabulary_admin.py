"""Maintainers' changes to the vocabularies: category and care-setting terms, and the
search synonym groups (no HTTP: the admin pages call this).

Term ids never change once added, because entries refer to them; a term can be removed
only while no entry uses it. Synonym groups are checked by the same rules as the seed
file's (`registry.search.synonyms`). Every change writes its audit row in the same
transaction, and every change to the groups adds one to their change counter, which each
instance's index feeder polls to reload them (`registry.indexing.SynonymFollower`).

Until groups are first stored (by `registry seed` or by a change here) the seed file's
groups apply; the first change stores them, then applies itself.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from registry.auth import Principal, Scope
from registry.db import transaction
from registry.errors import Conflict, Forbidden, NotFound
from registry.models import utcnow
from registry.repository import Repository
from registry.search import Synonyms
from registry.search.synonyms import MAX_GROUPS, clean_group, overlap
from registry.vocabularies import TERM_VOCABULARIES, Term, Vocabulary

#: Same as the schema's `slug`, which entries' `categories` and `care_settings` must match.
TERM_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
MAX_LABEL = 200
MAX_DESCRIPTION = 1000
#: Titles for a vocabulary that was never seeded, created with its first term.
TITLES = {"categories": "Categories", "care-settings": "Care settings"}
#: The entry document's field that holds each vocabulary's ids.
DOCUMENT_FIELDS = {"categories": "categories", "care-settings": "care_settings"}

Groups = tuple[tuple[str, ...], ...]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


class InvalidChange(ValueError):
    """The change breaks a rule; nothing was stored. `errors` maps each field of the
    change (`id`, `label`, `description`, `terms`) to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class TermInUse(Conflict):
    """The term cannot be removed: entries use it."""

    def __init__(self, term: Term, entries: int) -> None:
        noun = "entry uses" if entries == 1 else "entries use"
        super().__init__(
            f"The term {term.label} ({term.id}) cannot be removed: {entries} {noun} it. "
            "Change those entries first."
        )
        self.term = term
        self.entries = entries


@dataclass(frozen=True)
class TermUsage:
    term: Term
    entries: int  # in any state, counting pending proposals


@dataclass(frozen=True)
class StoredGroup:
    id: int
    terms: tuple[str, ...]


@dataclass(frozen=True)
class SynonymGroups:
    """The groups in effect. While `stored` is False they are the seed file's and have
    no ids (`groups` is empty and `defaults` holds them)."""

    stored: bool
    groups: list[StoredGroup]
    defaults: Groups


class VocabularyAdmin:
    def __init__(
        self, engine: Engine, synonyms_file: Path, changed: Callable[[], None] = lambda: None
    ) -> None:
        """`synonyms_file`: the seed file with the spelling pairs, and the groups that
        apply while none are stored. `changed` is called after a term is stored, added or
        removed (this process's cached vocabularies are dropped)."""
        self.engine = engine
        self.synonyms_file = synonyms_file
        self.changed = changed

    def default_groups(self) -> Groups:
        return Synonyms.load(self.synonyms_file).groups

    def spellings(self) -> tuple[tuple[str, str], ...]:
        """The British/American spelling pairs: read-only here, because they shape how
        text is indexed (a change needs a rebuild, which the file's next load triggers)."""
        return Synonyms.load(self.synonyms_file).spellings

    # terms --------------------------------------------------------------------------
    def terms(self, name: str) -> list[TermUsage]:
        """The vocabulary's terms in order, each with how many entries use it."""
        field = _field(name)
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            vocabulary = repo.vocabulary(name)
            usage = repo.term_usage(field)
            terms = vocabulary.terms if vocabulary is not None else ()
            return [TermUsage(t, usage.get(t.id, 0)) for t in terms]

    def add_term(
        self, name: str, term_id: str, label: str, description: str, actor: Principal
    ) -> Term:
        _require_admin(actor)
        _field(name)
        term = Term(term_id.strip(), _line(label), description.strip())
        errors = _term_errors(term)
        if not term.id:
            errors["id"] = "Enter an id"
        elif not TERM_ID.fullmatch(term.id):
            errors["id"] = (
                "The id must be 2 to 63 lower-case letters, digits and hyphens, "
                "starting with a letter or digit"
            )
        with transaction(self.engine) as session:
            repo = Repository(session)
            header = repo.vocabulary_header(name, for_update=True)
            existing = repo.vocabulary(name) if header is not None else None
            terms = existing.terms if existing is not None else ()
            if "id" not in errors and any(t.id == term.id for t in terms):
                errors["id"] = f"There is already a term with the id {term.id}"
            _check_label_unused(term, terms, errors)
            if errors:
                raise InvalidChange(errors)
            if header is None:
                repo.replace_vocabulary(_empty(name))
                session.flush()
            repo.add_vocabulary_term(name, term)
            repo.audit(
                actor.label,
                "vocabulary.term.add",
                None,
                {"vocabulary": name, **term.as_dict()},
            )
        self.changed()
        return term

    def update_term(
        self, name: str, term_id: str, label: str, description: str, actor: Principal
    ) -> Term:
        """A new label and description; the id stays, because entries refer to it."""
        _require_admin(actor)
        _field(name)
        with transaction(self.engine) as session:
            repo = Repository(session)
            repo.vocabulary_header(name, for_update=True)
            row = repo.vocabulary_term(name, term_id)
            if row is None:
                raise NotFound(f"The vocabulary {name} has no term {term_id}.")
            before = Term(row.id, row.label, row.description)
            term = Term(row.id, _line(label), description.strip())
            errors = _term_errors(term)
            vocabulary = repo.vocabulary(name)
            _check_label_unused(term, vocabulary.terms if vocabulary else (), errors)
            if errors:
                raise InvalidChange(errors)
            if term == before:
                return term
            row.label, row.description = term.label, term.description
            repo.audit(
                actor.label,
                "vocabulary.term.update",
                None,
                {
                    "vocabulary": name,
                    "term": term.id,
                    "before": {"label": before.label, "description": before.description},
                    "after": {"label": term.label, "description": term.description},
                },
            )
        self.changed()
        return term

    def remove_term(self, name: str, term_id: str, actor: Principal) -> Term:
        """Remove an unused term; TermInUse while any entry (in any state, or a pending
        proposal) lists it."""
        _require_admin(actor)
        field = _field(name)
        with transaction(self.engine) as session:
            repo = Repository(session)
            repo.vocabulary_header(name, for_update=True)
            row = repo.vocabulary_term(name, term_id)
            if row is None:
                raise NotFound(f"The vocabulary {name} has no term {term_id}.")
            term = Term(row.id, row.label, row.description)
            used = repo.term_usage(field).get(term.id, 0)
            if used:
                raise TermInUse(term, used)
            repo.remove_vocabulary_term(name, term.id)
            repo.audit(
                actor.label,
                "vocabulary.term.remove",
                None,
                {"vocabulary": name, **term.as_dict()},
            )
        self.changed()
        return term

    # synonym groups -----------------------------------------------------------------
    def synonym_groups(self) -> SynonymGroups:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            if repo.synonyms_version():
                stored = [StoredGroup(g.id or 0, tuple(g.terms)) for g in repo.synonym_groups()]
                return SynonymGroups(True, stored, ())
        return SynonymGroups(False, [], self.default_groups())

    def store_defaults(self, actor: Principal) -> int:
        """Store the seed file's groups so each can be edited; the number stored (0 when
        groups were already stored)."""
        _require_admin(actor)
        with transaction(self.engine) as session:
            repo = Repository(session)
            return self._adopt(repo, repo.bump_synonyms_version(), actor)

    def add_group(self, terms: Sequence[str], actor: Principal) -> StoredGroup:
        _require_admin(actor)
        with transaction(self.engine) as session:
            repo = Repository(session)
            self._adopt(repo, repo.bump_synonyms_version(), actor)
            others = [tuple(g.terms) for g in repo.synonym_groups()]
            if len(others) >= MAX_GROUPS:
                raise InvalidChange({"terms": f"There can be at most {MAX_GROUPS} groups"})
            cleaned = _checked_group(terms, others)
            row = repo.add_synonym_group(cleaned, utcnow())
            group = StoredGroup(row.id or 0, cleaned)
            repo.audit(
                actor.label,
                "synonyms.group.add",
                None,
                {"group": group.id, "terms": list(cleaned)},
            )
        return group

    def update_group(self, group_id: int, terms: Sequence[str], actor: Principal) -> StoredGroup:
        _require_admin(actor)
        with transaction(self.engine) as session:
            repo = Repository(session)
            repo.bump_synonyms_version()
            row = repo.synonym_group(group_id)
            if row is None:
                raise NotFound(f"There is no synonym group {group_id}.")
            others = [tuple(g.terms) for g in repo.synonym_groups() if g.id != group_id]
            before = tuple(row.terms)
            cleaned = _checked_group(terms, others)
            if cleaned != before:
                row.terms = list(cleaned)
                row.updated_at = utcnow()
                repo.audit(
                    actor.label,
                    "synonyms.group.update",
                    None,
                    {"group": group_id, "before": list(before), "after": list(cleaned)},
                )
        return StoredGroup(group_id, cleaned)

    def remove_group(self, group_id: int, actor: Principal) -> StoredGroup:
        _require_admin(actor)
        with transaction(self.engine) as session:
            repo = Repository(session)
            repo.bump_synonyms_version()
            row = repo.synonym_group(group_id)
            if row is None:
                raise NotFound(f"There is no synonym group {group_id}.")
            group = StoredGroup(group_id, tuple(row.terms))
            repo.remove_synonym_group(group_id)
            repo.audit(
                actor.label,
                "synonyms.group.remove",
                None,
                {"group": group_id, "terms": list(group.terms)},
            )
        return group

    def _adopt(self, repo: Repository, version: int, actor: Principal) -> int:
        # Version 1 right after the bump: nothing was ever stored, so the seed file's
        # groups are in effect and must be kept before any change.
        if version != 1 or repo.synonym_groups():
            return 0
        return store_groups(repo, self.default_groups(), actor)


def seed_groups(repo: Repository, groups: Groups, actor: Principal) -> int:
    """Store the seed file's groups when none were ever stored; the number stored."""
    if repo.synonyms_version() or repo.synonym_groups():
        return 0
    repo.bump_synonyms_version()
    return store_groups(repo, groups, actor)


def store_groups(repo: Repository, groups: Groups, actor: Principal) -> int:
    """Store groups (already checked, as the seed file's are) with one audit row."""
    when = utcnow()
    for group in groups:
        repo.add_synonym_group(group, when)
    repo.audit(actor.label, "synonyms.seed", None, {"groups": len(groups)})
    return len(groups)


def _require_admin(actor: Principal) -> None:
    if not actor.has(Scope.ADMIN):
        raise Forbidden("Only an admin can change the vocabularies.")


def _field(name: str) -> str:
    if name not in TERM_VOCABULARIES:
        raise NotFound(
            f"There is no editable vocabulary '{name}'; they are: {', '.join(TERM_VOCABULARIES)}."
        )
    return DOCUMENT_FIELDS[name]


def _empty(name: str) -> Vocabulary:
    return Vocabulary(name, TITLES[name], ())


def _line(text: str) -> str:
    """One line: runs of spaces, tabs and line breaks become one space."""
    return " ".join(text.split())


def _term_errors(term: Term) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not term.label:
        errors["label"] = "Enter a label"
    elif len(term.label) > MAX_LABEL:
        errors["label"] = f"The label must be {MAX_LABEL} characters or fewer"
    elif _CONTROL.search(term.label):
        errors["label"] = "The label must be one line of text"
    if len(term.description) > MAX_DESCRIPTION:
        errors["description"] = f"The description must be {MAX_DESCRIPTION} characters or fewer"
    elif _CONTROL_IN_TEXT.search(term.description):
        errors["description"] = "The description must be plain text"
    return errors


def _check_label_unused(term: Term, terms: Sequence[Term], errors: dict[str, str]) -> None:
    if "label" in errors:
        return
    same = [t for t in terms if t.id != term.id and t.label.casefold() == term.label.casefold()]
    if same:
        errors["label"] = f"The term {same[0].id} already has this label"


def _checked_group(terms: Sequence[str], others: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    try:
        cleaned = clean_group(terms)
    except ValueError as exc:
        message = str(exc)
        raise InvalidChange({"terms": message[0].upper() + message[1:]}) from None
    clash = overlap(cleaned, others)
    if clash is not None:
        term, other = clash
        raise InvalidChange(
            {"terms": f"The term {term!r} is already in the group {', '.join(other)}"}
        )
    return cleaned
