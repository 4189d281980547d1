"""Builds the services from settings: shared by the app factory and the command line."""

from dataclasses import dataclass

from sqlalchemy import Engine

from registry.accounts import AccountService
from registry.db import make_engine
from registry.importing import ImportService
from registry.indexing import IndexFeeder
from registry.search import SearchIndex, SearchQuery, SearchResult, Synonyms, WhooshIndex
from registry.seeding import Seeder
from registry.services import EntryService
from registry.settings import Settings
from registry.validation import EntryValidator, load_schemas


@dataclass(frozen=True)
class Search:
    """This instance's own index and the feeder that keeps it in step with the database."""

    index: SearchIndex
    feeder: IndexFeeder
    recreated: bool

    def query(self, query: SearchQuery) -> SearchResult:
        """Search, after applying any changes not yet in the index: a client sees its own
        writes at once; other instances' writes arrive within one poll anyway."""
        self.feeder.catch_up()
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

    def open_search(self) -> Search:
        """Open (or create) the index under the settings' index folder; the entry service
        then lists similar entries on submission."""
        index = WhooshIndex(
            self.settings.effective_index_dir, Synonyms.load(self.settings.synonyms_file)
        )
        self.entries.search = index
        return Search(index, IndexFeeder(self.engine, index), index.recreated)

    def close(self) -> None:
        self.engine.dispose()


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
    )
