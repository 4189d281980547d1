"""The scheduler: a background thread in `registry serve` that harvests due sources.

Every poll it reads which sources are due (their next run, computed from the stored last
run, has come) and harvests each in turn. The database lease decides who harvests: of
several instances polling at once, one takes a source and the others skip it. A failing
source is recorded in its run and never stops the rest; `wake()` makes the thread look
at once (after "harvest now").
"""

import logging
import threading

from sqlalchemy import Engine

from registry.db import transaction
from registry.harvesting.harvester import HarvestBusy, Harvester
from registry.harvesting.store import SourceStore
from registry.models import utcnow

log = logging.getLogger("registry.harvest")


class Scheduler:
    def __init__(self, engine: Engine, harvester: Harvester) -> None:
        self.engine = engine
        self.harvester = harvester
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self) -> list[str]:
        with transaction(self.engine, write=False) as session:
            return SourceStore(session).due(utcnow())

    def tick(self) -> list[str]:
        """Harvest every source due now that no one else is harvesting; their names."""
        done: list[str] = []
        for name in self.due():
            if self._stop.is_set():
                break
            try:
                self.harvester.run(name, "schedule", "scheduler")
            except HarvestBusy:
                continue  # another instance took it between our read and our lease
            except Exception:
                log.exception("Harvesting %s failed", name)
                continue
            done.append(name)
        return done

    def wake(self) -> None:
        self._wake.set()

    def start(self, interval: float) -> None:
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            # The first round waits one interval too, so starting an instance stays quick.
            while True:
                self._wake.wait(interval)
                self._wake.clear()
                if self._stop.is_set():
                    return
                try:
                    self.tick()
                except Exception:
                    log.exception("The harvest scheduler failed a round; will retry")

        self._thread = threading.Thread(target=loop, name="harvest-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
