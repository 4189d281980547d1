"""Settings: each is an environment variable `REGISTRY_*` with a default fit for a laptop."""

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
    secret_key: str = ""
    base_url: str = ""

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
            secret_key=env.get("REGISTRY_SECRET_KEY", ""),
            base_url=_base_url(env.get("REGISTRY_BASE_URL", "")),
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


def _boolean(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be true or false, not {raw!r}")
