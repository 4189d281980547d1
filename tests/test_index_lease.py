"""The lease that lets one process of a host feed the shared search index."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from registry.index_lease import IndexLease


def test_second_holder_is_refused_while_the_first_holds(tmp_path: Path) -> None:
    first, second = IndexLease(tmp_path), IndexLease(tmp_path)
    assert first.try_acquire()
    assert first.try_acquire()  # holding it already is fine
    assert not second.try_acquire()
    assert not second.held
    first.release()
    assert second.try_acquire()
    second.release()


def test_lease_is_freed_when_its_process_is_killed(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from registry.index_lease import IndexLease; "
            f"assert IndexLease(Path({str(tmp_path)!r})).try_acquire(); "
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        lease = IndexLease(tmp_path)
        assert not lease.try_acquire()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        deadline = time.monotonic() + 5
        while not lease.try_acquire():
            assert time.monotonic() < deadline, "the lease was not freed by the kernel"
            time.sleep(0.05)
        lease.release()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
