"""A synthetic corpus with the term statistics of the real one, generated deterministically.

Each synthetic entry takes its shape from a real entry chosen at random (its kind,
status, licence, owner, tags, categories, care settings, standards, and how many words
its name, summary, features and description have), and its words from the real corpus's
per-field word frequencies. So field lengths, the Zipf curve of each field's vocabulary and
the spread of facet values are those of the real corpus, while the text itself is new.
"""

import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

_WORD = re.compile(r"[^\W_]+(?:['\u2019&+-][^\W_]+)*")
_SLUG = re.compile(r"[^a-z0-9]+")
#: Longest description, in words, a synthetic entry gets (the real maximum is far longer).
MAX_DESCRIPTION_WORDS = 600
#: Words drawn in one go from a field's vocabulary and then dealt out to entries.
_POOL = 1 << 16


@dataclass(frozen=True)
class _Shape:
    """What a synthetic entry copies from one real entry."""

    kind: str
    status: str
    licence: str
    owner: Mapping[str, Any]
    name_words: int
    summary_words: int
    description_words: int
    feature_words: tuple[int, ...]
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    care_settings: tuple[str, ...]
    standards: tuple[Mapping[str, Any], ...]


class _Vocabulary:
    """Words of one field with their frequencies; hands out words in that proportion."""

    def __init__(self, counts: Counter[str], rng: random.Random) -> None:
        self.words = list(counts) or ["entry"]
        self.cumulative = list(accumulate(counts.values())) or [1]
        self.rng = rng
        self.pool: list[str] = []
        self.at = 0

    def take(self, n: int) -> list[str]:
        if self.at + n > len(self.pool):
            size = max(_POOL, n)
            self.pool = self.rng.choices(self.words, cum_weights=self.cumulative, k=size)
            self.at = 0
        words = self.pool[self.at : self.at + n]
        self.at += n
        return words


def _words(text: Any) -> list[str]:
    return _WORD.findall(text) if isinstance(text, str) else []


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _shape(doc: Mapping[str, Any]) -> _Shape:
    owner = doc.get("owner")
    standards = doc.get("standards")
    return _Shape(
        kind=str(doc.get("kind", "software")),
        status=str(doc.get("status", "live")),
        licence=str(doc.get("licence", "NOASSERTION")),
        owner=dict(owner) if isinstance(owner, Mapping) else {"name": str(owner or "")},
        name_words=max(1, len(_words(doc.get("name")))),
        summary_words=max(3, len(_words(doc.get("summary")))),
        description_words=min(MAX_DESCRIPTION_WORDS, len(_words(doc.get("description")))),
        feature_words=tuple(len(_words(f)) for f in _strings(doc.get("features"))),
        tags=_strings(doc.get("tags")),
        categories=_strings(doc.get("categories")),
        care_settings=_strings(doc.get("care_settings")),
        standards=tuple(
            dict(s)
            for s in (standards if isinstance(standards, list) else [])
            if isinstance(s, dict)
        ),
    )


def _sentence(words: Sequence[str]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "." if text else ""


def generate(
    real: Sequence[Mapping[str, Any]], count: int, seed: int = 2026
) -> Iterator[dict[str, Any]]:
    """`count` synthetic entry documents modelled on `real`; the same for the same input."""
    if not real:
        raise ValueError("the synthetic corpus needs real documents to learn from")
    rng = random.Random(seed)
    names: Counter[str] = Counter()
    summaries: Counter[str] = Counter()
    descriptions: Counter[str] = Counter()
    features: Counter[str] = Counter()
    for real_doc in real:
        names.update(_words(real_doc.get("name")))
        summaries.update(w.lower() for w in _words(real_doc.get("summary")))
        descriptions.update(w.lower() for w in _words(real_doc.get("description")))
        for feature in _strings(real_doc.get("features")):
            features.update(w.lower() for w in _words(feature))
    vocab = {
        "name": _Vocabulary(names, rng),
        "summary": _Vocabulary(summaries, rng),
        "description": _Vocabulary(descriptions or summaries, rng),
        "features": _Vocabulary(features or summaries, rng),
    }
    shapes = [_shape(d) for d in real]
    for number in range(count):
        shape = shapes[rng.randrange(len(shapes))]
        name = " ".join(vocab["name"].take(shape.name_words))
        slug = _SLUG.sub("-", name.lower()).strip("-")[:40].strip("-") or "entry"
        doc: dict[str, Any] = {
            "id": f"{slug}-s{number:07d}",
            "kind": shape.kind,
            "name": name,
            "summary": _sentence(vocab["summary"].take(shape.summary_words)),
            "status": shape.status,
            "licence": shape.licence,
            "owner": dict(shape.owner),
            "tags": list(shape.tags),
        }
        if shape.description_words:
            doc["description"] = _sentence(vocab["description"].take(shape.description_words))
        if shape.feature_words:
            doc["features"] = [
                _sentence(vocab["features"].take(max(2, n))) for n in shape.feature_words
            ]
        if shape.categories:
            doc["categories"] = list(shape.categories)
        if shape.care_settings:
            doc["care_settings"] = list(shape.care_settings)
        if shape.standards:
            doc["standards"] = [dict(s) for s in shape.standards]
        yield doc
