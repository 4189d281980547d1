"""Builds the services from settings: shared by the app factory and the command line."""

from dataclasses import dataclass

from sqlalchemy import Engine

from registry.accounts import AccountService
from registry.db import make_engine
from registry.importing import ImportService
from registry.seeding import Seeder
from registry.services import EntryService
from registry.settings import Settings
from registry.validation import EntryValidator, load_schemas


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    validator: EntryValidator
    entries: EntryService
    accounts: AccountService
    seeder: Seeder
    imports: ImportService

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
