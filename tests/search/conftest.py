"""Search indexes built in temporary folders: the seed entries, or a handful of entries."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from registry.search import IndexedEntry, Synonyms, WhooshIndex
from tests.search.entries import SYNONYMS_FILE, seed_entries

IndexFactory = Callable[..., WhooshIndex]


@pytest.fixture(scope="session")
def synonyms() -> Synonyms:
    return Synonyms.load(SYNONYMS_FILE)


@pytest.fixture(scope="session")
def seed_index(
    tmp_path_factory: pytest.TempPathFactory, synonyms: Synonyms
) -> Iterator[WhooshIndex]:
    """Every seed entry, published; shared by tests that only read it."""
    index = WhooshIndex(tmp_path_factory.mktemp("seed-index"), synonyms)
    index.rebuild(seed_entries(), high_water=1)
    yield index
    index.close()


@pytest.fixture
def index_of(tmp_path: Path, synonyms: Synonyms) -> Iterator[IndexFactory]:
    """Builds an index of the given entries in this test's temporary folder."""
    opened: list[WhooshIndex] = []

    def build(*entries: IndexedEntry, folder: Path | None = None) -> WhooshIndex:
        index = WhooshIndex(folder or tmp_path / f"index-{len(opened)}", synonyms)
        if entries:
            index.rebuild(entries, high_water=1)
        opened.append(index)
        return index

    yield build
    for index in opened:
        index.close()
