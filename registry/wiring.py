"""Builds the services from settings: shared by the app factory and the command line."""

import os
import secrets
from dataclasses import dataclass, replace

from sqlalchemy import Engine

from registry.accounts import AccountService
from registry.db import make_engine, transaction
from registry.importing import ImportService
from registry.indexing import IndexFeeder, SynonymFollower, read_synonyms
from registry.merge_proposals import LinkFollower, MergeProposals
from registry.repository import Repository
from registry.search import SearchIndex, SearchQuery, SearchResult, Synonyms, WhooshIndex
from registry.seeding import Seeder
from registry.services import EntryService
from registry.settings import Settings
from registry.validation import EntryValidator, load_schemas
from registry.vocabulary_admin import VocabularyAdmin


@dataclass(frozen=True)
class Search:
    """This instance's own index and the feeder that keeps it in step with the database."""

    index: SearchIndex
    feeder: IndexFeeder
    recreated: bool
    links: LinkFollower | None = None

    def query(self, query: SearchQuery) -> SearchResult:
        """Search, after applying any changes not yet in the index: a client sees its own
        writes at once; other instances' writes arrive within one poll anyway. Listings
        whose merge is proposed are shown once (`registry.search.collapsing`)."""
        # Wait briefly at most behind the background thread, which applies the same changes.
        self.feeder.catch_up(timeout=0.5)
        if self.links is not None:
            query = replace(query, linked=self.links.current())
        return self.index.search(query)

    def close(self) -> None:
        self.feeder.stop()
        self.index.close()


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    validator: EntryValidator
    entries: EntryService
    accounts: AccountService
    seeder: Seeder
    imports: ImportService
    vocabularies: VocabularyAdmin
    proposals: MergeProposals

    def open_search(self) -> Search:
        """Open (or create) the index under the settings' index folder; the entry service
        then lists similar entries on submission.

        Spelling pairs come from the synonyms file (they shape the index); synonym groups
        from the database, or from the file while none were ever stored there (or the
        database predates them). The feeder then follows changes to the groups."""
        file = Synonyms.load(self.settings.synonyms_file)
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            stored = read_synonyms(repo, lambda: file.groups) if repo.has_synonym_tables() else None
        groups = stored.groups if stored is not None else file.groups
        index = WhooshIndex(self.settings.effective_index_dir, replace(file, groups=groups))
        follower = (
            SynonymFollower(
                self.engine, index.set_synonym_groups, lambda: file.groups, stored.version
            )
            if stored is not None
            else None
        )
        self.entries.search = index
        links = LinkFollower(self.proposals, self.settings.search_poll_seconds)
        feeder = IndexFeeder(self.engine, index, synonyms=follower)
        return Search(index, feeder, index.recreated, links)

    def close(self) -> None:
        self.engine.dispose()


def secret_key(settings: Settings) -> str:
    """REGISTRY_SECRET_KEY, or a random key kept in the data folder so that a laptop needs
    no configuration (several instances must share one key: set the variable)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by the owner only from the start, never briefly world-readable.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    engine = engine or make_engine(settings.effective_database_url)
    validator = EntryValidator(load_schemas(settings.schemas_dir))
    entries = EntryService(engine, validator)
    return Services(
        settings=settings,
        engine=engine,
        validator=validator,
        entries=entries,
        accounts=AccountService(engine),
        seeder=Seeder(engine, validator, entries),
        imports=ImportService(engine, validator, entries),
        vocabularies=VocabularyAdmin(engine, settings.synonyms_file),
        proposals=MergeProposals(engine, entries),
    )
