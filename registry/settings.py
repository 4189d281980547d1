"""Settings: each is an environment variable `REGISTRY_*` with a default fit for a laptop."""

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Each setting: environment variable, default (as text), meaning. The README's
#: configuration table is checked against this list by a test.
DOCUMENTED: tuple[tuple[str, str, str], ...] = (
    (
        "REGISTRY_DATA_DIR",
        "./data",
        "Folder for the embedded SQLite database and the search index.",
    ),
    (
        "REGISTRY_DATABASE_URL",
        "sqlite:///<data dir>/registry.db",
        "SQLAlchemy URL; use postgresql+psycopg://… in production.",
    ),
    ("REGISTRY_HOST", "127.0.0.1", "Address `registry serve` listens on."),
    ("REGISTRY_PORT", "8000", "Port `registry serve` listens on."),
    (
        "REGISTRY_WORKERS",
        "1",
        "Worker processes of `registry serve` (about one per core); they share one search "
        "index, which one of them feeds.",
    ),
    ("REGISTRY_SEED_DIR", "./seed", "Folder of seed entries and vocabularies."),
    ("REGISTRY_MAX_BODY_BYTES", "1048576", "Largest request body accepted; larger ones get 413."),
    ("REGISTRY_DEBUG", "false", "Show tracebacks in 500 responses (never in production)."),
    ("REGISTRY_INDEX_DIR", "<data dir>/index", "This instance's own search index folder."),
    (
        "REGISTRY_INDEX_SNAPSHOT",
        "(none)",
        "A copy of a peer's index (`registry index-export`) a new instance starts from, "
        "then catches up from the change feed instead of rebuilding.",
    ),
    ("REGISTRY_SEARCH_POLL_SECONDS", "0.25", "How often the change feed is read into the index."),
    (
        "REGISTRY_SEARCH_MEANING",
        "true",
        "Blend a sentence encoder's sense of meaning into search ranking; `false` matches "
        "words only (cheaper writes, rebuilds and searches).",
    ),
    (
        "REGISTRY_BASE_URL",
        "<from each request>",
        "Public address, like https://registry.example.nhs.uk, for links in feeds, the "
        "sitemap and decision records; set it in production so a forged Host header "
        "cannot change them.",
    ),
    (
        "REGISTRY_SECRET_KEY",
        "<generated in data dir>",
        "Signs CSRF tokens; set the same on every instance.",
    ),
    (
        "REGISTRY_WEBHOOKS",
        "true",
        "Whether this instance delivers webhooks (a background thread); any number may.",
    ),
    ("REGISTRY_WEBHOOK_POLL_SECONDS", "1", "How often the delivery worker looks for work."),
    (
        "REGISTRY_WEBHOOK_RETRY_SECONDS",
        "10,60,300,1800,7200",
        "Waits before each retry of a failed delivery; after the last, it is given up.",
    ),
    (
        "REGISTRY_WEBHOOK_MAX_FAILURES",
        "15",
        "Consecutive failed attempts after which a subscription is disabled.",
    ),
    ("REGISTRY_WEBHOOK_TIMEOUT_SECONDS", "10", "Time limit for one delivery attempt."),
    (
        "REGISTRY_WEBHOOK_ALLOWED_NETWORKS",
        "<none>",
        "Comma-separated networks (CIDR) callbacks may reach although not public, "
        "such as 127.0.0.1/32 for tests; nothing private is allowed by default.",
    ),
    (
        "REGISTRY_HARVEST_SCHEDULER",
        "true",
        "Run the harvest scheduler in `registry serve`; false leaves harvesting to other "
        "instances or to `registry sources harvest`.",
    ),
    ("REGISTRY_HARVEST_POLL_SECONDS", "30", "How often the scheduler looks for due sources."),
    (
        "REGISTRY_HARVEST_ALLOW_HOSTS",
        "<none>",
        "Comma-separated host names, addresses or networks (127.0.0.1, 10.0.0.0/8) that "
        "harvesting may fetch from although they are private or loopback.",
    ),
    ("REGISTRY_HARVEST_TIMEOUT_SECONDS", "30", "Longest one fetch may take, all in."),
    ("REGISTRY_HARVEST_MAX_BYTES", "20971520", "Largest file a harvest reads."),
    ("REGISTRY_HARVEST_MAX_REDIRECTS", "5", "Redirects a fetch follows, each one checked."),
    ("REGISTRY_HARVEST_CONCURRENCY", "4", "Fetches in flight at once within one harvest."),
    (
        "REGISTRY_HARVEST_MISSES_BEFORE_DEPRECATION",
        "3",
        "Harvests in a row an item must be missing from its source before it is deprecated.",
    ),
    (
        "REGISTRY_HARVEST_LEASE_SECONDS",
        "900",
        "How long an instance holds a source while harvesting it (renewed as it works).",
    ),
)


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Frozen configuration; build with `Settings.from_env(os.environ)`."""

    data_dir: Path = field(default_factory=lambda: Path("data"))
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    seed_dir: Path = PROJECT_ROOT / "seed"
    schemas_dir: Path = PROJECT_ROOT / "schemas"
    max_body_bytes: int = 1024 * 1024
    debug: bool = False
    index_dir: Path | None = None
    index_snapshot: Path | None = None
    search_poll_seconds: float = 0.25
    search_meaning: bool = True
    secret_key: str = ""
    base_url: str = ""
    webhooks: bool = True
    webhook_poll_seconds: float = 1.0
    webhook_retry_seconds: tuple[float, ...] = (10.0, 60.0, 300.0, 1800.0, 7200.0)
    webhook_max_failures: int = 15
    webhook_timeout_seconds: float = 10.0
    webhook_allowed_networks: tuple[str, ...] = ()
    harvest_scheduler: bool = True
    harvest_poll_seconds: float = 30.0
    harvest_allow_hosts: tuple[str, ...] = ()
    harvest_timeout_seconds: float = 30.0
    harvest_max_bytes: int = 20 * 1024 * 1024
    harvest_max_redirects: int = 5
    harvest_concurrency: int = 4
    harvest_misses_before_deprecation: int = 3
    harvest_lease_seconds: int = 900

    @property
    def effective_index_dir(self) -> Path:
        """The configured index folder, or `index` under the data folder."""
        return self.index_dir or self.data_dir / "index"

    @property
    def synonyms_file(self) -> Path:
        return self.seed_dir / "synonyms.yaml"

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'registry.db').resolve()}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        return cls(
            data_dir=Path(env.get("REGISTRY_DATA_DIR", "data")),
            database_url=env.get("REGISTRY_DATABASE_URL", ""),
            host=env.get("REGISTRY_HOST", "127.0.0.1"),
            port=_integer(env, "REGISTRY_PORT", 8000, low=1, high=65535),
            workers=_integer(env, "REGISTRY_WORKERS", 1, low=1, high=64),
            seed_dir=Path(env.get("REGISTRY_SEED_DIR", str(PROJECT_ROOT / "seed"))),
            max_body_bytes=_integer(env, "REGISTRY_MAX_BODY_BYTES", 1024 * 1024, low=1024),
            debug=_boolean(env, "REGISTRY_DEBUG"),
            index_dir=Path(env["REGISTRY_INDEX_DIR"]) if env.get("REGISTRY_INDEX_DIR") else None,
            index_snapshot=(
                Path(env["REGISTRY_INDEX_SNAPSHOT"]) if env.get("REGISTRY_INDEX_SNAPSHOT") else None
            ),
            search_poll_seconds=_seconds(env, "REGISTRY_SEARCH_POLL_SECONDS", 0.25),
            search_meaning=_boolean(env, "REGISTRY_SEARCH_MEANING", default=True),
            secret_key=env.get("REGISTRY_SECRET_KEY", ""),
            base_url=_base_url(env.get("REGISTRY_BASE_URL", "")),
            webhooks=_boolean(env, "REGISTRY_WEBHOOKS", default=True),
            webhook_poll_seconds=_seconds(env, "REGISTRY_WEBHOOK_POLL_SECONDS", 1.0),
            webhook_retry_seconds=_schedule(env, "REGISTRY_WEBHOOK_RETRY_SECONDS"),
            webhook_max_failures=_integer(env, "REGISTRY_WEBHOOK_MAX_FAILURES", 15, low=1),
            webhook_timeout_seconds=_seconds(env, "REGISTRY_WEBHOOK_TIMEOUT_SECONDS", 10.0),
            webhook_allowed_networks=_networks(env, "REGISTRY_WEBHOOK_ALLOWED_NETWORKS"),
            harvest_scheduler=_boolean(env, "REGISTRY_HARVEST_SCHEDULER", default=True),
            harvest_poll_seconds=_seconds(env, "REGISTRY_HARVEST_POLL_SECONDS", 30.0),
            harvest_allow_hosts=tuple(
                h.strip().lower()
                for h in env.get("REGISTRY_HARVEST_ALLOW_HOSTS", "").split(",")
                if h.strip()
            ),
            harvest_timeout_seconds=_seconds(env, "REGISTRY_HARVEST_TIMEOUT_SECONDS", 30.0),
            harvest_max_bytes=_integer(
                env, "REGISTRY_HARVEST_MAX_BYTES", 20 * 1024 * 1024, low=1024
            ),
            harvest_max_redirects=_integer(
                env, "REGISTRY_HARVEST_MAX_REDIRECTS", 5, low=0, high=20
            ),
            harvest_concurrency=_integer(env, "REGISTRY_HARVEST_CONCURRENCY", 4, low=1, high=32),
            harvest_misses_before_deprecation=_integer(
                env, "REGISTRY_HARVEST_MISSES_BEFORE_DEPRECATION", 3, low=1, high=1000
            ),
            harvest_lease_seconds=_integer(
                env, "REGISTRY_HARVEST_LEASE_SECONDS", 900, low=30, high=86400
            ),
        )


def _integer(
    env: Mapping[str, str], name: str, default: int, *, low: int, high: int | None = None
) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < low or (high is not None and value > high):
        raise SettingsError(f"{name} must be between {low} and {high or 'any'}, not {value}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not 0.01 <= value <= 3600:
        raise SettingsError(f"{name} must be between 0.01 and 3600 seconds, not {value}")
    return value


def _base_url(raw: str) -> str:
    """An absolute http(s) address with no query or fragment, without a trailing slash."""
    value = raw.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError(
            f"REGISTRY_BASE_URL must be an http(s) address like https://registry.example.org, "
            f"not {raw!r}"
        )
    return value.rstrip("/")


def _schedule(env: Mapping[str, str], name: str) -> tuple[float, ...]:
    """Comma-separated seconds, each from 0.01 to a day; at least one."""
    raw = env.get(name, "").strip()
    if not raw:
        return Settings.webhook_retry_seconds
    try:
        values = tuple(float(part) for part in raw.split(","))
    except ValueError:
        raise SettingsError(f"{name} must be seconds separated by commas, not {raw!r}") from None
    if not all(0.01 <= v <= 86400 for v in values):
        raise SettingsError(f"{name}: each wait must be between 0.01 and 86400 seconds")
    return values


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated networks in CIDR notation (a bare address is one host)."""
    raw = env.get(name, "").strip()
    if not raw:
        return ()
    found: list[str] = []
    for part in (p.strip() for p in raw.split(",")):
        try:
            found.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise SettingsError(f"{name}: {part!r} is not a network like 127.0.0.1/32") from None
    return tuple(found)


def _boolean(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be true or false, not {raw!r}")
