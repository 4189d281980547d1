"""Vocabularies that pages read on every view come from memory until something changes."""

from registry.auth import OPERATOR
from registry.vocabularies import Term, Vocabulary
from registry.vocabulary_cache import VocabularyCache
from registry.wiring import Services
from tests.builders import an_entry


def test_cache_reads_again_when_the_mark_moves_or_the_copy_is_old() -> None:
    now = [0.0]
    cache = VocabularyCache(ttl=30, clock=lambda: now[0])
    loads: list[int] = []

    def load() -> Vocabulary:
        loads.append(1)
        return Vocabulary("categories", "Categories", (Term("a", f"A{len(loads)}"),))

    assert cache.get("categories", 1, load).terms[0].label == "A1"
    assert cache.get("categories", 1, load).terms[0].label == "A1"
    assert cache.get("categories", 2, load).terms[0].label == "A2"
    now[0] = 31.0
    assert cache.get("categories", 2, load).terms[0].label == "A3"
    cache.clear()
    assert cache.get("categories", 2, load).terms[0].label == "A4"


def test_pages_read_vocabularies_once_until_an_entry_or_term_changes(
    seeded: Services,
) -> None:
    search = seeded.open_search()
    try:
        search.feeder.ensure_fresh(search.recreated)
        entries = seeded.entries
        before = entries.vocabularies.loads
        for _ in range(5):
            entries.vocabulary("standards")
            entries.vocabulary("categories")
        assert entries.vocabularies.loads - before == 2

        # A new standard is an entry: once the index applies it, the standards are read again.
        standard = an_entry(id="new-standard", kind="standard", name="Brand New Standard")
        seeded.seeder.entries.create(standard, OPERATOR, publish=True)
        search.feeder.catch_up()
        labels = [t.label for t in entries.vocabulary("standards").terms]
        assert "Brand New Standard" in labels

        # A term edit in this process is seen at once.
        seeded.vocabularies.add_term("categories", "brand-new", "Brand new", "", OPERATOR)
        assert "brand-new" in entries.vocabulary("categories").ids()
    finally:
        search.close()
