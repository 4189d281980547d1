"""Which process on a host feeds the shared search index: an advisory lock in its folder.

Several worker processes of one host (`registry serve --workers N`) share one index folder.
Exactly one of them, the holder of this lease, rebuilds the index when it must and applies
the change feed; the others only read. The lease is an `flock` on a file in the folder, so
the kernel releases it when its holder dies, however it dies, and another worker takes it
over on its next poll. Instances on other hosts have folders of their own.
"""

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LEASE_FILE = "feeder.lock"
OPEN_FILE = "open.lock"


class IndexLease:
    """The right to write to the index in `folder`; not re-entrant, held until released."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LEASE_FILE
        self._fd: int | None = None
        self._lock = threading.Lock()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lease if no other process holds it; whether this process holds it now."""
        with self._lock:
            if self._fd is not None:
                return True
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            self._fd = fd
            return True

    def release(self) -> None:
        with self._lock:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None


@contextmanager
def opening(folder: Path) -> Iterator[None]:
    """Serialise opening the index among the host's processes, so that only one of them
    ever creates or recreates the folder's files while the others wait and then open them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / OPEN_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
