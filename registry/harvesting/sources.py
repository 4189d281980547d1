"""What a harvest source is, checked: name, format, URLs, interval, supplier and trust.

Pure rules, no HTTP and no SQL. `check_source` returns every problem at once, each with
the JSON Pointer of the field at fault, as the API and the pages show them.
"""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from registry.errors import Issue
from registry.harvesting.fetch import check_url
from registry.importers import FORMATS

#: publish: the owner attests the source, so what it says is published at once.
#: review: each new entry or change is submitted for a maintainer to review.
TRUST_LEVELS = ("publish", "review")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$(?!\n)")
MIN_INTERVAL, MAX_INTERVAL = 5, 60 * 24 * 31
MAX_URLS = 20_000

_YAML = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
_JSON = frozenset({"application/json", "text/json"})
_PLAIN = frozenset({"text/plain", "application/octet-stream"})
#: Media types each format reads; raw file hosts often send text/plain. An HTML page
#: (an error or sign-in page) is refused.
CONTENT_TYPES: dict[str, frozenset[str]] = {
    "publiccode": _YAML | _PLAIN,
    "backstage": _YAML | _PLAIN,
    "dpg": _JSON | _PLAIN,
    "codegov": _JSON | _PLAIN,
    "uk-api-catalogue": _JSON | _PLAIN | frozenset({"text/csv", "application/csv"}),
}
#: The file a repository URL stands for, per format.
REPOSITORY_FILES = {"publiccode": "publiccode.yml", "backstage": "catalog-info.yaml"}
_FILE_ENDINGS = (".yml", ".yaml", ".json", ".csv")


@dataclass(frozen=True)
class SourceSpec:
    """A source as an admin describes it."""

    name: str
    format: str
    urls: tuple[str, ...]
    interval_minutes: int = 1440
    supplier: str | None = None
    trust: str = "review"


def check_source(data: Any) -> tuple[SourceSpec | None, list[Issue]]:
    """A checked source from a JSON-like mapping, or every problem with its pointer."""
    if not isinstance(data, dict):
        return None, [Issue("", "Send a JSON object describing the source.")]
    issues: list[Issue] = []
    known = {"name", "format", "urls", "interval_minutes", "supplier", "trust"}
    issues += [Issue(f"/{key}", "is not a field of a source") for key in data if key not in known]
    name = data.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        issues.append(
            Issue(
                "/name",
                "Give a name of lower-case letters, digits and hyphens (at most 63), "
                "starting with a letter or digit.",
            )
        )
    fmt = data.get("format")
    if fmt not in FORMATS:
        issues.append(Issue("/format", f"Choose one of: {', '.join(FORMATS)}."))
    urls = data.get("urls")
    if isinstance(urls, str):
        urls = [urls]
    if not isinstance(urls, list) or not urls:
        issues.append(Issue("/urls", "Give at least one URL."))
        urls = []
    elif len(urls) > MAX_URLS:
        issues.append(Issue("/urls", f"At most {MAX_URLS} URLs."))
    cleaned: list[str] = []
    for index, url in enumerate(urls):
        problem = check_url(url) if isinstance(url, str) else "must be a URL"
        if problem is not None:
            issues.append(Issue(f"/urls/{index}", problem))
        elif url.strip() in cleaned:
            issues.append(Issue(f"/urls/{index}", "is listed twice"))
        elif len(url.strip()) > 2000:
            issues.append(Issue(f"/urls/{index}", "is longer than 2,000 characters"))
        else:
            cleaned.append(url.strip())
    interval = data.get("interval_minutes", 1440)
    if isinstance(interval, bool) or not isinstance(interval, int):
        issues.append(Issue("/interval_minutes", "must be a whole number of minutes"))
    elif not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        issues.append(
            Issue(
                "/interval_minutes",
                f"must be between {MIN_INTERVAL} minutes and {MAX_INTERVAL} (31 days)",
            )
        )
    supplier = data.get("supplier")
    if supplier is not None and (
        not isinstance(supplier, str)
        or not 0 < len(supplier) <= 200
        or any(ord(c) < 32 for c in supplier)
    ):
        issues.append(Issue("/supplier", "must be the name of a supplier (1 to 200 characters)"))
    trust = data.get("trust", "review")
    if trust not in TRUST_LEVELS:
        issues.append(Issue("/trust", f"Choose one of: {', '.join(TRUST_LEVELS)}."))
    elif trust == "review" and not supplier:
        issues.append(
            Issue("/supplier", "A source whose changes are reviewed needs the supplier it is for.")
        )
    if issues:
        return None, issues
    return (
        SourceSpec(
            name=str(name),
            format=str(fmt),
            urls=tuple(cleaned),
            interval_minutes=int(interval),
            supplier=supplier,
            trust=str(trust),
        ),
        [],
    )


def file_url(url: str, fmt: str) -> str:
    """The URL of the file to fetch: the URL itself for a file, or, for a repository URL
    of a format that lives in repositories, that repository's publiccode.yml or
    catalog-info.yaml (raw, from the default branch)."""
    name = REPOSITORY_FILES.get(fmt)
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if name is None or path.lower().endswith(_FILE_ENDINGS) or parts.query:
        return url
    host = (parts.hostname or "").lower()
    segments = [s for s in path.split("/") if s]
    if host in ("github.com", "www.github.com") and len(segments) == 2:
        repo = segments[1].removesuffix(".git")
        path = f"/{segments[0]}/{repo}/HEAD/{name}"
        return urlunsplit(("https", "raw.githubusercontent.com", path, "", ""))
    if host == "bitbucket.org" and len(segments) == 2:
        return urlunsplit((parts.scheme, parts.netloc, f"{path}/raw/HEAD/{name}", "", ""))
    if host == "gitlab.com" or host.startswith("gitlab."):
        return urlunsplit(
            (parts.scheme, parts.netloc, f"{path.removesuffix('.git')}/-/raw/HEAD/{name}", "", "")
        )
    return urlunsplit((parts.scheme, parts.netloc, f"{path}/{name}", "", ""))
