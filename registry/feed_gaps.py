"""Following the change feed past numbers that have not appeared (yet).

On PostgreSQL a change number can become visible after later ones (its transaction
commits later), or never (it rolled back). A follower advances its mark over contiguous
numbers only, and gives up on a gap that stays open longer than GAP_TIMEOUT. The index
feeder and the webhook queue both follow the feed this way.
"""

import logging
from collections.abc import Callable, Sequence

log = logging.getLogger("registry.feed")

#: How long an unfilled gap in the sequence holds the mark back.
GAP_TIMEOUT = 30.0


class FeedGaps:
    """The gaps one follower has seen, and when it first saw each missing number."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._seen: dict[int, float] = {}

    def advance(self, mark: int, seqs: Sequence[int]) -> int:
        """The highest number reachable from `mark` without crossing an open gap."""
        now = self.clock()
        current = mark
        for seq in seqs:
            if seq == current + 1:
                current = seq
                continue
            missing = range(current + 1, seq)
            first_seen = min(self._seen.setdefault(m, now) for m in missing)
            if now - first_seen < GAP_TIMEOUT:
                break
            log.warning(
                "Change numbers %s-%s never appeared; skipping them", missing[0], missing[-1]
            )
            current = seq
        self._seen = {m: t for m, t in self._seen.items() if m > current}
        return current
