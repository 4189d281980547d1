"""Vocabularies kept in memory for the pages and the API, which read them on every view.

A cached vocabulary is used while the search index's change-feed mark stays where it was
when the vocabulary was read: the standards vocabulary is derived from standard entries,
and every change to an entry moves the mark. Term edits (categories, care settings) clear
the cache of the process that made them at once; other processes and instances, whose
mark does not move for a term edit, read them again after at most `ttl` seconds.
"""

import threading
import time
from collections.abc import Callable, Hashable

from registry.vocabularies import Vocabulary

#: Longest time another instance's term edit can go unseen.
TTL_SECONDS = 30.0


class VocabularyCache:
    def __init__(
        self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, tuple[Hashable, float, Vocabulary]] = {}
        self.loads = 0  # how many times a vocabulary was read from the database

    def get(self, name: str, mark: Hashable, load: Callable[[], Vocabulary]) -> Vocabulary:
        """The vocabulary `name` as of change-feed mark `mark`, read with `load` when the
        copy held was read at another mark or is older than `ttl`."""
        now = self.clock()
        with self._lock:
            held = self._held.get(name)
        if held is not None and held[0] == mark and now - held[1] < self.ttl:
            return held[2]
        vocabulary = load()
        with self._lock:
            self.loads += 1
            self._held[name] = (mark, now, vocabulary)
        return vocabulary

    def clear(self) -> None:
        with self._lock:
            self._held.clear()
