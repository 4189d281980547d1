"""Fixtures: the seeded catalogue served by a real process, and Debian's Chromium driven by
Playwright.

Playwright never downloads a browser here: it launches /usr/bin/chromium. Without it (or
without `npm ci`'s front-end packages) the browser tests are skipped, unless
REGISTRY_REQUIRE_BROWSER=1 (as in CI), when they fail instead.
"""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Route,
    ViewportSize,
    sync_playwright,
)

from registry.settings import PROJECT_ROOT
from tests.browser.axe import AXE_SCRIPT
from tests.servers import free_port, running

CHROMIUM = Path("/usr/bin/chromium")
FRONTEND = PROJECT_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
#: Headless, and quiet: this machine's network is closed, so Chromium must not try to
#: reach Google's services (its connections would be refused, many at a time).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
DESKTOP = ViewportSize(width=1280, height=900)

ContextFactory = Callable[..., BrowserContext]


def _require_browser() -> bool:
    return os.environ.get("REGISTRY_REQUIRE_BROWSER", "") == "1"


def _missing() -> list[str]:
    missing = [] if CHROMIUM.is_file() else [f"{CHROMIUM} (apt-get install chromium)"]
    if not AXE_SCRIPT.is_file() or not FRONTEND.is_dir():
        missing.append("node_modules/axe-core and nhsuk-frontend (npm ci)")
    return missing


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, one for the session (each test gets fresh contexts)."""
    missing = _missing()
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if _require_browser():
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        # launch() gives the browser a fresh, temporary user-data-dir of its own.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        yield chromium
        chromium.close()


def _wait_for_search(base_url: str, deadline: float) -> None:
    """The server answers /health before its search index has read the seed; wait."""
    while time.monotonic() < deadline:
        with urlopen(f"{base_url}/search?q=fhir", timeout=10) as response:  # noqa: S310
            if b'href="/entries/' in response.read():
                return
        time.sleep(0.25)
    pytest.fail("the catalogue's search found no seeded entries within a minute")


@pytest.fixture(scope="session")
def site_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the catalogue's process: its own data folder and a free port."""
    folder = tmp_path_factory.mktemp("browser-site")
    env = {
        **os.environ,
        "REGISTRY_DATA_DIR": str(folder / "data"),
        "REGISTRY_HOST": "127.0.0.1",
        "REGISTRY_PORT": str(free_port()),
        # Webhook subscriptions in these tests point at this machine.
        "REGISTRY_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
    }
    for name in ("REGISTRY_DATABASE_URL", "REGISTRY_INDEX_DIR"):
        env.pop(name, None)
    return env


def registry_command(env: dict[str, str], *arguments: str) -> str:
    """Run `registry ARGUMENTS` against the catalogue's data; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "registry", *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout


@pytest.fixture(scope="session")
def site(browser: Browser, site_env: dict[str, str]) -> Iterator[str]:
    """The base URL of the catalogue, migrated and seeded, on a free loopback port."""
    for command in (["db", "upgrade"], ["seed"]):
        registry_command(site_env, *command)
    port = int(site_env["REGISTRY_PORT"])
    base_url = f"http://127.0.0.1:{port}"
    log = Path(site_env["REGISTRY_DATA_DIR"]).parent / "serve.log"
    with running([sys.executable, "-m", "registry", "serve"], site_env, port, log):
        _wait_for_search(base_url, time.monotonic() + 60)
        yield base_url


@pytest.fixture
def new_context(browser: Browser, site: str) -> Iterator[ContextFactory]:
    """Make browser contexts that may reach only the test server; any other request is
    aborted, and fails the test at teardown."""
    contexts: list[BrowserContext] = []
    elsewhere: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or url.startswith(site + "/"):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=site, viewport=DESKTOP, **options)
        context.set_default_timeout(15_000)
        context.route("**/*", guard)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not elsewhere, f"pages requested addresses off the test server: {elsewhere}"


@pytest.fixture
def page(new_context: ContextFactory) -> Page:
    """A page with JavaScript on and the CSP bypassed, so that axe-core can be injected."""
    return new_context(bypass_csp=True).new_page()


@pytest.fixture
def keyboard_page(new_context: ContextFactory) -> Page:
    """A page with JavaScript off: everything must work with the keyboard and plain HTML."""
    return new_context(java_script_enabled=False).new_page()
