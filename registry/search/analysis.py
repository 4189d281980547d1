"""Text analysis shared by indexing, querying, highlighting and duplicate checks.

One function, `Normaliser.term`, turns a word into its index term, so the index, the
query and the highlighter can never disagree: lower case, stop words dropped, American
`-ize`/`-yze` spellings folded to the British `-ise`/`-yse` before stemming (porter2 strips
`-ize` but not `-ise`, so "organization" would otherwise stem to "organ"), porter2 stems,
then the spelling pairs of `seed/synonyms.yaml` folded on the stem ("pediatr" becomes
"paediatr", so "pediatrics" and "paediatrician" find each other too).
"""

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

from whoosh.analysis import STOP_WORDS, Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang.porter2 import stem

#: A word: letters and digits, kept whole across `&`, `+` and apostrophes ("a&e", "dm+d").
WORD_PATTERN = r"\w+(?:[&+'\u2019]\w+)*"
WORD = re.compile(WORD_PATTERN)

RIGHT_QUOTE = "\u2019"  # typographic apostrophe, read as "'"
_IZE = re.compile(r"^(\w{3,})iz(e|es|ed|ing|er|ers|ation|ations|able)$")
_YZE = re.compile(r"^(\w{2,})yz(e|es|ed|ing|er|ers)$")
_CACHE_LIMIT = 200_000


def fold_spelling(word: str) -> str:
    """The `-ise`/`-yse` spelling of an `-ize`/`-yze` word ("organization" -> "organisation")."""
    match = _IZE.match(word)
    if match:
        return f"{match.group(1)}is{match.group(2)}"
    match = _YZE.match(word)
    if match:
        return f"{match.group(1)}ys{match.group(2)}"
    return word


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of `text` with its start and end offsets, lower-cased."""
    for match in WORD.finditer(text):
        yield match.group().lower(), match.start(), match.end()


def plain_words(text: str) -> list[str]:
    """The lower-cased words of `text`, apostrophes normalised, nothing dropped."""
    return [w.replace(RIGHT_QUOTE, "'") for w, _, _ in words(text)]


class Normaliser:
    """Maps a lower-cased word to its index term (None for a stop word); cached."""

    def __init__(self, spellings: Sequence[tuple[str, str]] = ()) -> None:
        self.spellings = tuple(spellings)
        folds: dict[str, str] = {}
        for british, american in self.spellings:
            british_stem = self._stem(british.lower())
            american_stem = self._stem(american.lower())
            if british_stem != american_stem and len(american_stem) >= 3:
                folds[american_stem] = british_stem
        # Longest first, so "anesthet" wins over a shorter pair that is its prefix.
        self._folds = sorted(folds.items(), key=lambda kv: -len(kv[0]))
        self._cache: dict[str, str | None] = {}

    @staticmethod
    def _stem(word: str) -> str:
        return str(stem(fold_spelling(word.replace(RIGHT_QUOTE, "'"))))

    def term(self, word: str) -> str | None:
        cached = self._cache.get(word, "")
        if cached != "":
            return cached
        result = self._term(word)
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _term(self, word: str) -> str | None:
        if word in STOP_WORDS:
            return None
        stemmed = self._stem(word)
        for american, british in self._folds:
            if stemmed.startswith(american) and not stemmed.startswith(british):
                return british + stemmed[len(american) :]
        return stemmed or None

    def terms(self, text: str) -> list[str]:
        """The index terms of `text`, in order."""
        result = []
        for word, _, _ in words(text):
            term = self.term(word)
            if term is not None:
                result.append(term)
        return result


class TermFilter(Filter):  # type: ignore[misc]  # whoosh is untyped
    """A whoosh filter applying `Normaliser.term`; the spelling pairs travel in the index."""

    is_morph = True

    def __init__(self, spellings: Sequence[tuple[str, str]] = ()) -> None:
        self.spellings = tuple(tuple(pair) for pair in spellings)
        self.normaliser = Normaliser(self.spellings)  # type: ignore[arg-type]

    def __getstate__(self) -> dict[str, Any]:
        return {"spellings": self.spellings}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["spellings"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TermFilter) and other.spellings == self.spellings

    def __hash__(self) -> int:
        return hash(self.spellings)

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        term = self.normaliser.term
        position: int | None = None
        for token in tokens:
            text = term(token.text.lower())
            if text is None:
                continue
            if token.positions:
                position = token.pos if position is None else position + 1
                token.pos = position
            token.text = text
            yield token


class SpellingWordFilter(Filter):  # type: ignore[misc]  # whoosh is untyped
    """Keeps words worth suggesting: not stop words, at least three characters, not numbers."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpellingWordFilter)

    def __hash__(self) -> int:
        return hash(SpellingWordFilter)

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            text = token.text.replace(RIGHT_QUOTE, "'")
            if len(text) >= 3 and text not in STOP_WORDS and not text[0].isdigit():
                token.text = text
                yield token


def text_analyzer(spellings: Sequence[tuple[str, str]]) -> Any:
    """The analyzer of every searchable text field."""
    return RegexTokenizer(WORD_PATTERN) | TermFilter(spellings)


def spelling_analyzer() -> Any:
    """The analyzer of the field that "did you mean" suggestions come from: real words."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | SpellingWordFilter()


def exact_key(text: str) -> str:
    """A name reduced for whole-name comparison: case, accents and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain_words(stripped))
