"""Highlighted snippets: HTML-escaped text with `<mark>` around the words that matched.

Words match when they analyse to a query term, the same test the index used, so
"immunization" is marked for a query "immunisation". Only the first part of a long text
is scanned, which bounds the cost of a page of hits.
"""

import html
import re
from collections.abc import Iterable, Sequence

from registry.search.analysis import WORD, Normaliser

FRAGMENT_CHARS = 240
_CONTEXT_BEFORE = 60
_SCAN_CHARS = 6000
_TOKENISED = 300_000  # words kept read (see `_tokens`): some 30 MB at most
_tokenised: dict[tuple[Normaliser, str], tuple[tuple[int, int, str], ...]] = {}
_tokenised_size = [0]
_NEWLINES = re.compile(r"\s*\n\s*")


class Highlighter:
    """Marks the words and phrases of one query in texts."""

    def __init__(self, sequences: Iterable[tuple[str, ...]], normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        unique = set(sequences)
        self.words = {s[0] for s in unique if len(s) == 1}
        self.phrases: dict[str, list[tuple[str, ...]]] = {}
        # Longest first, so "e-referral service" is marked whole rather than "e-referral".
        for sequence in sorted((s for s in unique if len(s) > 1), key=len, reverse=True):
            self.phrases.setdefault(sequence[0], []).append(sequence)

    def mark(self, text: str) -> tuple[str, bool]:
        """The whole text, escaped, with matches marked; and whether anything matched."""
        spans = self._matches(text, len(text))
        return _render(text, spans, 0, len(text)), bool(spans)

    def fragment(self, text: str) -> str | None:
        """The best short passage of a long text, escaped and marked; None without a match."""
        spans = self._matches(text, _SCAN_CHARS)
        if not spans:
            return None
        if len(text) <= FRAGMENT_CHARS:
            return _render(text, spans, 0, len(text))
        start, end = _best_window(text, spans)
        inside = [s for s in spans if s[0] >= start and s[1] <= end]
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(text) else ""
        return prefix + _render(text, inside, start, end).strip() + suffix

    def first_marked(self, items: Sequence[str]) -> str | None:
        """The first item of a list with a match, escaped and marked."""
        for item in items:
            rendered, matched = self.mark(item)
            if matched:
                return rendered
        return None

    def _matches(self, text: str, limit: int) -> list[tuple[int, int]]:
        if not self.words and not self.phrases:
            return []
        tokens = _tokens(self.normaliser, text[:limit])
        spans = []
        i = 0
        while i < len(tokens):
            start, end, t = tokens[i]
            length = 0
            for phrase in self.phrases.get(t, ()):
                if tuple(token[2] for token in tokens[i : i + len(phrase)]) == phrase:
                    length = len(phrase)
                    break
            if length:
                spans.append((start, tokens[i + length - 1][1]))
                i += length
                continue
            if t in self.words:
                spans.append((start, end))
            i += 1
        return spans


def _tokens(normaliser: Normaliser, text: str) -> tuple[tuple[int, int, str], ...]:
    """Each word of the text that has an index term: where it starts and ends, and the term.

    The same for every query, and the same entries come back page after page (a listing
    sorted by name shows everyone its first pages): reading their texts word by word was
    a third of a search's CPU. Kept up to a budget of words, then forgotten at once."""
    key = (normaliser, text)
    found = _tokenised.get(key)
    if found is None:
        term = normaliser.term
        found = tuple(
            (m.start(), m.end(), t)
            for m in WORD.finditer(text)
            if (t := term(m.group().lower())) is not None
        )
        _tokenised_size[0] += len(found) + 1
        if _tokenised_size[0] > _TOKENISED:
            _tokenised.clear()
            _tokenised_size[0] = len(found) + 1
        _tokenised[key] = found
    return found


def _best_window(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    # The window holding the most matches; ties go to the earliest.
    best_start, best_count = spans[0][0], 0
    j = 0
    for i, (start, _) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] - start <= FRAGMENT_CHARS - _CONTEXT_BEFORE:
            j += 1
        if j - i + 1 > best_count:
            best_start, best_count = start, j - i + 1
    start = max(0, best_start - _CONTEXT_BEFORE)
    if start:
        start = _word_boundary(text, start, forward=True)
    end = min(len(text), start + FRAGMENT_CHARS)
    if end < len(text):
        end = _word_boundary(text, end, forward=False)
    return start, end


def _word_boundary(text: str, at: int, forward: bool) -> int:
    """The nearest space within a few characters, so a fragment does not cut a word."""
    if forward:
        space = text.find(" ", at)
        return space + 1 if 0 <= space < at + 20 else at
    space = text.rfind(" ", max(0, at - 20), at)
    return space if space > 0 else at


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out = []
    position = start
    for span_start, span_end in spans:
        out.append(html.escape(text[position:span_start]))
        out.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(html.escape(text[position:end]))
    return _NEWLINES.sub(" ", "".join(out))
