"""Highlighting marks what a query matched, in texts read once and kept within a budget."""

from registry.search import highlight
from registry.search.analysis import Normaliser
from registry.search.highlight import Highlighter


def test_a_text_is_marked_the_same_each_time_for_each_query() -> None:
    normaliser = Normaliser()
    text = "Referrals to hospital clinics, and a referral status page."

    first = Highlighter([("referr",)], normaliser).mark(text)
    again = Highlighter([("referr",)], normaliser).mark(text)
    other = Highlighter([("hospit",)], normaliser).mark(text)

    assert first == again
    assert first[0].count("<mark>") == 2
    assert other == (
        "Referrals to <mark>hospital</mark> clinics, and a referral status page.",
        True,
    )


def test_the_words_kept_stay_within_their_budget() -> None:
    normaliser = Normaliser()
    marker = Highlighter([("clinic",)], normaliser)
    words = " ".join(f"word{n}" for n in range(500))
    for n in range(2 * highlight._TOKENISED // 500):
        marker.mark(f"clinic {n} {words}")

    kept = sum(len(tokens) + 1 for tokens in highlight._tokenised.values())
    assert kept <= highlight._TOKENISED
