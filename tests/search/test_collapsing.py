"""Linked listings (a merge is proposed) are shown once: the best-ranked, naming the
others as "also listed as"; totals, facet counts and pages agree with what is shown."""

from registry.search import Linked, Listing, SearchQuery, WhooshIndex
from tests.search.conftest import IndexFactory
from tests.search.entries import an_indexed_entry

LINKED = Linked((("notify", "notify-copy"),))


def notify_index(index_of: IndexFactory) -> WhooshIndex:
    return index_of(
        an_indexed_entry(id="notify", name="GOV.UK Notify", summary="Sends text messages."),
        an_indexed_entry(
            id="notify-copy", kind="api", name="GOV.UK Notify", summary="Send emails and texts."
        ),
        an_indexed_entry(
            id="reminders", name="Reminder Service", summary="Text message reminders."
        ),
    )


def test_linked_listings_are_shown_once_with_also_listed_as(index_of: IndexFactory) -> None:
    index = notify_index(index_of)

    result = index.search(SearchQuery(text="notify", linked=LINKED))

    assert [h.id for h in result.hits] == ["notify"]
    assert result.hits[0].also_listed == (Listing("notify-copy", "GOV.UK Notify"),)
    assert result.total == 1


def test_without_links_both_listings_are_shown(index_of: IndexFactory) -> None:
    index = notify_index(index_of)

    result = index.search(SearchQuery(text="notify"))

    assert sorted(h.id for h in result.hits) == ["notify", "notify-copy"]
    assert all(h.also_listed == () for h in result.hits)


def test_the_best_ranked_listing_is_the_one_shown(index_of: IndexFactory) -> None:
    index = notify_index(index_of)

    result = index.search(SearchQuery(text="emails", linked=LINKED))

    assert [h.id for h in result.hits] == ["notify-copy"]
    assert result.hits[0].also_listed == (Listing("notify", "GOV.UK Notify"),)


def test_a_listing_shown_alone_still_names_the_other(index_of: IndexFactory) -> None:
    index = notify_index(index_of)

    result = index.search(SearchQuery(text="notify", filters={"kind": ["api"]}, linked=LINKED))

    assert [h.id for h in result.hits] == ["notify-copy"]
    assert result.hits[0].also_listed == (Listing("notify", "GOV.UK Notify"),)


def test_facet_counts_and_pages_leave_out_hidden_listings(index_of: IndexFactory) -> None:
    index = notify_index(index_of)

    first = index.search(SearchQuery(text="text", linked=LINKED, per_page=1))
    second = index.search(SearchQuery(text="text", linked=LINKED, per_page=1, page=2))

    assert first.total == 2
    assert sum(first.facets["kind"].values()) == 2
    shown = [first.hits[0].id, second.hits[0].id]
    assert "reminders" in shown
    assert len({"notify", "notify-copy"} & set(shown)) == 1
