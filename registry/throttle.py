"""Sign-in throttling: who is counted, and how long each must wait after failing.

Two kinds of subject are counted, each with its own free allowance:

- a client address (every email it tries): spraying guesses over many accounts;
- an email typed from one address: guessing one account's password.

Past its allowance a subject waits before its next attempt is even checked, and the wait
doubles with each further failure, up to `MAX_WAIT`. Nothing is counted by account alone,
so no one can keep a maintainer out by failing on purpose: the maintainer, signing in
from their own address, has a clean count. An unknown email is counted exactly as a known
one, so the answers never tell them apart. Guessing from many addresses at once is slowed
only per address; the 12-character minimum and argon2 make that a poor bet.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Failures a client address may make (over all emails) before it waits.
FREE_PER_ADDRESS = 10
#: Failures one email may have from one address before that pair waits.
FREE_PER_EMAIL_AND_ADDRESS = 3
FIRST_WAIT = timedelta(seconds=1)
MAX_WAIT = timedelta(minutes=15)
#: A subject with no failure for this long starts again from nothing.
FORGET_AFTER = timedelta(hours=24)


def digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Subject:
    """One counted thing: its stored key, the email digest it belongs to ("" for an
    address's own row), and its free allowance."""

    key: str
    account: str
    free: int


def subjects(email: str, address: str) -> list[Subject]:
    """What an attempt with this (normalised) email from this address counts against."""
    account = digest("email", email)
    return [
        Subject(digest("address", address), "", FREE_PER_ADDRESS),
        Subject(digest("email-address", email, address), account, FREE_PER_EMAIL_AND_ADDRESS),
    ]


def account_digest(email: str) -> str:
    return digest("email", email)


def wait_after(failures: int, free: int) -> timedelta | None:
    """How long a subject with `failures` must wait before its next attempt; None when it
    is still within its allowance."""
    beyond = failures - free
    if beyond < 0:
        return None
    # 1 s, 2 s, 4 s … : capped before the power grows large.
    grown: timedelta = FIRST_WAIT * (2 ** min(beyond, 20))
    return min(grown, MAX_WAIT)


def remaining(blocked_until: datetime | None, now: datetime) -> timedelta | None:
    if blocked_until is None or blocked_until <= now:
        return None
    return blocked_until - now


def in_words(wait: timedelta) -> str:
    """A wait as a person reads it: "1 second", "40 seconds", "3 minutes"."""
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
