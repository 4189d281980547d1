"""Faults: 30 concurrent writers against a real server process that is killed with SIGKILL
three times mid-load and started again, on SQLite and PostgreSQL.

Afterwards every acknowledged write (a 2xx) must be in the database with its content, no
revision may be half-written (each is a whole document a writer sent, numbered without
gaps, with its change-feed row, and the entry's document is its current revision's), and
every published entry must be found through /api/v1/search within 5 seconds. A request
cut off by the kill has no answer, so either outcome is allowed for it alone.
"""

import itertools
import string
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from registry.models import Change, Entry, Revision
from tests.adversarial.server import Server, issue_key
from tests.builders import an_entry

pytestmark = [pytest.mark.slow]

WRITERS = 30
SUPPLIERS = 5
KILLS = 3
#: Seconds of load before each kill, and after the last restart.
LOAD_SECONDS = 2.5
SEARCH_WITHIN = 5.0


def token(number: int) -> str:
    """A word no other entry's name contains: letters only, so search indexes it whole."""
    letters = ""
    for _ in range(4):
        number, digit = divmod(number, 26)
        letters += string.ascii_lowercase[digit]
    return "qz" + letters


@dataclass
class Tracked:
    """What one writer knows about one entry: acknowledged steps, and the step in flight
    when its request got no answer (it may or may not have happened)."""

    entry_id: str
    documents: list[dict[str, Any]] = field(default_factory=list)
    state: str | None = None  # after the last acknowledged step
    in_flight: tuple[str, dict[str, Any] | None] | None = None


@dataclass
class Tally:
    acknowledged: int = 0
    unanswered: int = 0
    refused: int = 0
    server_errors: list[str] = field(default_factory=list)
    entries: list[Tracked] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


STEPS = ("create", "update", "submit", "approve")
STATE_AFTER = {"create": "draft", "update": "draft", "submit": "submitted", "approve": "published"}


def writer(
    number: int, server: Server, supplier: str, reviewer: str, tally: Tally, stop: threading.Event
) -> None:
    """Create, update (with If-Match), submit and approve entries until told to stop."""
    ids = itertools.count()
    with httpx.Client(base_url=server.url, timeout=15) as client:
        while not stop.is_set():
            serial = number * 10_000 + next(ids)
            tracked = Tracked(f"fault-{number}-{serial % 10_000}")
            with tally.lock:
                tally.entries.append(tracked)
            _one_entry(client, tracked, serial, supplier, reviewer, tally, stop)


def _one_entry(
    client: httpx.Client,
    tracked: Tracked,
    serial: int,
    supplier: str,
    reviewer: str,
    tally: Tally,
    stop: threading.Event,
) -> None:
    word = token(serial)
    first = an_entry(id=tracked.entry_id, name=f"Faultline {word}", summary=f"First {word}.")
    second = {**first, "summary": f"Second {word}.", "tags": [word]}
    etag = ""
    for step in STEPS:
        if stop.is_set():
            return
        key = reviewer if step == "approve" else supplier
        headers = {"Authorization": f"Bearer {key}"}
        path = f"/api/v1/entries/{tracked.entry_id}"
        document = {"create": first, "update": second}.get(step)
        if step == "create":
            request = client.build_request(
                "POST", "/api/v1/entries", json=document, headers=headers
            )
        elif step == "update":
            headers["If-Match"] = etag
            request = client.build_request("PUT", path, json=document, headers=headers)
        else:
            request = client.build_request("POST", f"{path}/actions/{step}", headers=headers)
        try:
            response = client.send(request)
        except httpx.HTTPError:
            with tally.lock:
                tally.unanswered += 1
            tracked.in_flight = (step, document)
            time.sleep(0.3)  # the server is down: wait for it to come back
            return
        if response.status_code >= 500:
            with tally.lock:
                tally.server_errors.append(f"{step} {tracked.entry_id}: {response.status_code}")
            return
        if response.status_code >= 300:
            with tally.lock:
                tally.refused += 1
            return
        with tally.lock:
            tally.acknowledged += 1
        if document is not None:
            tracked.documents.append(document)
        tracked.state = STATE_AFTER[step]
        etag = response.headers.get("etag", "")


@dataclass
class Findings:
    verified: int = 0
    lost: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)


def stored(engine: Engine) -> tuple[dict[str, Entry], dict[str, list[Revision]], set[Any]]:
    """Every entry, its revisions in order, and the (entry, revision) pairs of the feed."""
    with Session(engine) as session:
        entries = {e.id: e for e in session.exec(select(Entry)).all()}
        revisions: dict[str, list[Revision]] = {}
        for revision in session.exec(select(Revision).order_by(col(Revision.number))).all():
            revisions.setdefault(revision.entry_id, []).append(revision)
        changes = {(c.entry_id, c.revision) for c in session.exec(select(Change)).all()}
    return entries, revisions, changes


def check_acknowledged(engine: Engine, tally: Tally) -> Findings:
    """Every acknowledged write is there with its content; nothing is half-written."""
    entries, revisions, changes = stored(engine)
    findings = Findings()
    for tracked in tally.entries:
        entry = entries.get(tracked.entry_id)
        step, unsure = tracked.in_flight or ("", None)
        documents = tracked.documents[-1:] + ([unsure] if unsure is not None else [])
        if tracked.state is None:
            # Never acknowledged: absent, or created by the request cut off by a kill.
            if entry is not None and entry.document not in documents:
                findings.damaged.append(f"{tracked.entry_id}: a document nobody sent")
            continue
        states = {tracked.state} | ({STATE_AFTER[step]} if step else set())
        if entry is None:
            findings.lost.append(f"{tracked.entry_id}: acknowledged, not stored")
        elif entry.state not in states:
            findings.lost.append(f"{tracked.entry_id}: {entry.state}, not {sorted(states)}")
        elif entry.document not in documents:
            findings.lost.append(f"{tracked.entry_id}: the acknowledged content is not stored")
        else:
            findings.verified += 1
    for entry_id, entry in entries.items():
        found = revisions.get(entry_id, [])
        if [r.number for r in found] != list(range(1, entry.head_revision + 1)):
            findings.damaged.append(f"{entry_id}: revisions {[r.number for r in found]}")
            continue
        current = entry.published_revision or entry.head_revision
        if entry.document != found[current - 1].document:
            findings.damaged.append(f"{entry_id}: its document is not revision {current}'s")
        for revision in found:
            if revision.document.get("id") != entry_id or not revision.document.get("name"):
                findings.damaged.append(f"{entry_id} r{revision.number}: not a whole document")
            if (entry_id, revision.number) not in changes:
                findings.damaged.append(f"{entry_id} r{revision.number}: no change-feed row")
    return findings


def unfound(server: Server, engine: Engine) -> list[str]:
    """The published entries that search does not find by their own word after 5 s."""
    with Session(engine) as session:
        published = [
            (e.id, e.name.split()[-1])
            for e in session.exec(select(Entry).where(Entry.state == "published")).all()
        ]
    missing = dict(published)
    deadline = time.monotonic() + SEARCH_WITHIN
    with httpx.Client(base_url=server.url, timeout=10) as client:
        while missing and time.monotonic() < deadline:
            for entry_id, word in list(missing.items()):
                hits = client.get("/api/v1/search", params={"q": word, "per_page": 50}).json()
                if entry_id in {h["id"] for h in hits["items"]}:
                    del missing[entry_id]
            time.sleep(0.1)
    return sorted(missing)


def run_load(server: Server, supplier_keys: list[str], reviewer: str) -> Tally:
    """The writers, while the server is killed and restarted KILLS times."""
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(
            target=writer,
            args=(n, server, supplier_keys[n % len(supplier_keys)], reviewer, tally, stop),
            daemon=True,
        )
        for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    try:
        for _ in range(KILLS):
            time.sleep(LOAD_SECONDS)
            server.kill()
            server.start()
        time.sleep(LOAD_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    return tally


def test_acknowledged_writes_survive_kill_9_under_concurrent_writers(
    engine: Engine, tmp_path: Path
) -> None:
    supplier_keys = [
        issue_key(engine, tmp_path, "entries:submit", supplier=f"Supplier {n}")
        for n in range(SUPPLIERS)
    ]
    reviewer = issue_key(engine, tmp_path, "entries:review", maintainer="Fault Reviewer")
    server = Server(engine.url.render_as_string(hide_password=False), tmp_path / "server")
    server.start()
    try:
        started = time.monotonic()
        tally = run_load(server, supplier_keys, reviewer)
        loaded = time.monotonic() - started
        findings = check_acknowledged(engine, tally)
        missing = unfound(server, engine)
    finally:
        server.stop()
    print(
        f"\n{engine.dialect.name}: {WRITERS} writers, {KILLS} kills with restarts in "
        f"{loaded:.1f} s: acknowledged {tally.acknowledged} writes on "
        f"{sum(1 for t in tally.entries if t.state)} entries, verified {findings.verified}, "
        f"lost {len(findings.lost)}, half-written {len(findings.damaged)}, "
        f"5xx {len(tally.server_errors)}, unanswered {tally.unanswered}, "
        f"refused {tally.refused}, published but not found within {SEARCH_WITHIN:.0f} s "
        f"{len(missing)}"
    )
    assert tally.acknowledged > WRITERS * 4, "too little load to mean anything"
    assert findings.lost == [], findings.lost[:20]
    assert findings.damaged == [], findings.damaged[:20]
    assert tally.server_errors == [], tally.server_errors[:20]
    assert missing == [], missing[:20]
