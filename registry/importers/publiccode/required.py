"""The keys that reject a file when missing or wrong: version, name, url and the choices.

The id is `stable_id(name, url)` with the URL normalised (no scheme, no `www.`, no
trailing slash or `.git`); `provenance.source` keeps the URL as written.
"""

import re
from typing import Any

from registry.importers import mapping
from registry.importers.publiccode.values import (
    _is_date,
    _is_url,
    _kind,
    _Reject,
    _scalar_text,
    _show,
)
from registry.importers.publiccode.vocabulary import _VERSION


def _version(data: dict[str, Any], warnings: list[str]) -> None:
    if "publiccodeYmlVersion" not in data:
        if "publiccode-yaml-version" in data:
            raise _Reject(
                "publiccode-yaml-version: a publiccode.yml 0.1 draft; only 0.2 and later "
                "are read. Update the file to the current standard."
            )
        raise _Reject(
            "publiccodeYmlVersion: missing; it says which version of the standard the file follows."
        )
    raw = data["publiccodeYmlVersion"]
    text = _scalar_text(raw)
    match = _VERSION.match(text.strip()) if text is not None else None
    if text is None or not match:
        shown = _show(raw)
        raise _Reject(f'publiccodeYmlVersion: expected a version such as "0.4", found {shown}.')
    major = int(match["major"])
    minor = int(match["minor"]) if match["minor"] is not None else None
    if major == 0 and (minor is None or 2 <= minor <= 7):
        return
    if major == 0 and minor is not None and minor > 7:
        warnings.append(f"publiccodeYmlVersion: '{text}' is newer than 0.7; read as 0.7.")
        return
    if major == 1:
        warnings.append(
            f"publiccodeYmlVersion: '{text}' is not a published version of the standard "
            "(the latest is 0.x); read by the 0.x rules."
        )
        return
    raise _Reject(f"publiccodeYmlVersion: version '{text}' is not supported; use 0.2 to 0.7.")


def _name(raw: Any, warnings: list[str]) -> str:
    text = _scalar_text(raw)
    if text is None:
        found = "missing" if raw is None else f"expected text, found {_kind(raw)}"
        raise _Reject(f"name: {found}.")
    name = mapping.one_line(text, 150)
    if name is None:
        raise _Reject("name: empty.")
    if len(" ".join(text.split())) > 150:
        warnings.append("name: longer than 150 characters; cut.")
    return name


def _url(raw: Any, warnings: list[str]) -> tuple[str, str | None]:
    """(the URL as written, the repository URL when it is http(s))."""
    if not isinstance(raw, str):
        found = "missing" if raw is None else f"expected a URL, found {_kind(raw)}"
        raise _Reject(f"url: {found}; it is the repository URL that identifies the software.")
    text = raw.strip()
    if not _is_url(text):
        raise _Reject(f"url: {_show(text)} is not a URL.")
    return text, mapping.url(text, warnings, "url")


def _repository_key(url: str) -> str:
    """The URL in one spelling, so http/https, www. and .git variants keep one id."""
    key = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower()).removeprefix("www.")
    return key.rstrip("/").removesuffix(".git").rstrip("/")


def _choice(data: dict[str, Any], key: str, allowed: Any) -> str:
    raw = data.get(key)
    if raw is None:
        raise _Reject(f"{key}: missing; it is required by the standard.")
    if not isinstance(raw, str) or raw not in allowed:
        shown = _show(raw)
        raise _Reject(f"{key}: {shown} is not one of {', '.join(sorted(allowed))}.")
    return raw


def _release_date(raw: Any) -> None:
    if raw is not None and not _is_date(raw):
        shown = _show(raw)
        raise _Reject(f"releaseDate: {shown} is not a date in the form YYYY-MM-DD.")
