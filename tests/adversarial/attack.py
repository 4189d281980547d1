"""Sending one hostile request and judging the answer: never a 5xx, never a header an
attacker wrote, never a file from outside the app, and nothing stored when refused."""

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from tests.adversarial.conftest import World, snapshot, stored_since
from tests.adversarial.hostile import Value
from tests.conftest import bearer

#: What would show that a traversal reached a file outside the app.
LEAKED = ("root:x:0:0", "root:*:0:0")


@dataclass
class Verdicts:
    """Every hostile request sent, and what was wrong with the answers (all, not just the
    first, so one run shows every case that fails)."""

    sent: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def summary(self, what: str) -> str:
        slow = ", ".join(f"{label} {seconds:.2f} s" for seconds, label in self.slowest[:3])
        statuses = sorted(self.statuses.items())
        return f"{what}: {self.sent} requests, statuses {statuses}; slowest {slow}"

    def check(self, label: str, ok: bool, why: str) -> None:
        if not ok:
            self.failures.append(f"{label}: {why}")

    def assert_clean(self) -> None:
        shown = "\n".join(self.failures[:80])
        more = f"\n… and {len(self.failures) - 80} more" if len(self.failures) > 80 else ""
        assert not self.failures, (
            f"{len(self.failures)} of {self.sent} cases failed:\n{shown}{more}"
        )


def send(
    world: World,
    verdicts: Verdicts,
    label: str,
    method: str,
    url: str,
    *,
    refuse: bool = False,
    **kwargs: Any,
) -> httpx.Response | None:
    """Send the request (with the admin's key on the API) and judge the answer; `refuse`
    says the request must get a 4xx."""
    headers = dict(kwargs.pop("headers", {}))
    if url.startswith("/api/"):
        headers.setdefault("Authorization", bearer(world.keys.admin)["Authorization"])
    before = snapshot(world.probe)
    verdicts.sent += 1
    started = time.monotonic()
    # A hostile Cookie header makes the app clear the session cookie it cannot read: keep
    # the admin signed in for the requests after it.
    cookies = httpx.Cookies(world.client.cookies)
    try:
        response = world.client.request(
            method, url, headers=headers, follow_redirects=False, **kwargs
        )
    except Exception as exc:  # noqa: BLE001 - an exception escaping the app is the finding
        verdicts.check(label, False, f"the app raised {type(exc).__name__}: {exc}")
        return None
    finally:
        world.client.cookies = cookies
    verdicts.slowest = sorted([*verdicts.slowest, (time.monotonic() - started, label)])[-3:][::-1]
    status = response.status_code
    verdicts.statuses[status] = verdicts.statuses.get(status, 0) + 1
    verdicts.check(label, status < 500, f"{method} {url[:120]} answered {status}")
    if refuse:
        verdicts.check(label, refused(response), f"{method} {url[:120]} was not refused: {status}")
    verdicts.check(label, "x-injected" not in response.headers, "a header was injected")
    written = response.headers.get_list("set-cookie")
    verdicts.check(label, not any("injected" in c for c in written), "a cookie was injected")
    verdicts.check(label, not any(m in response.text for m in LEAKED), "a system file leaked")
    if status >= 400:
        changed = stored_since(world.probe, before)
        verdicts.check(label, not changed, f"refused with {status} but stored rows in {changed}")
    return response


def refused(response: httpx.Response) -> bool:
    """A 4xx, or a report that takes nothing: a validation report saying "not valid", or an
    import report whose every item was rejected."""
    if 400 <= response.status_code < 500:
        return True
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    if body.get("valid") is False:
        return True
    counts = body.get("counts")
    return isinstance(counts, dict) and not any(n for k, n in counts.items() if k != "rejected")


def encode_form(fields: dict[str, list[str]], hostile: dict[str, Value]) -> bytes:
    """A form body: the hostile fields in their wire form (which may not be UTF-8)."""
    pairs: list[str] = []
    for name, values in fields.items():
        if name in hostile:
            pairs.append(f"{quote(name)}={_form_value(hostile[name])}")
            continue
        pairs.extend(f"{quote(name)}={quote(v, safe='')}" for v in values)
    return "&".join(pairs).encode("ascii")


def _form_value(value: Value) -> str:
    if value.name == "long":
        return "x" * 1_000_000
    return value.url
