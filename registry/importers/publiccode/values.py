"""Small typed readers shared by the mappers and the checks.

Each returns a usable value, or None or [], and warns about the rest; `_Reject` is
the fault that leaves no trustworthy entry.
"""

from datetime import date
from typing import Any

from registry.importers import mapping
from registry.importers.publiccode.vocabulary import _ANY_URL, _DATE, _MAX_URL, _SCP_URL


class _Reject(Exception):
    """A fault that leaves no trustworthy entry; the message starts with the key's path."""


def _text(raw: Any, where: str, warnings: list[str]) -> str | None:
    text = _scalar_text(raw)
    if text is None and raw is not None:
        warnings.append(f"{where}: expected text, found {_kind(raw)}; ignored.")
    return text


def _scalar_text(raw: Any) -> str | None:
    """Text, or a number written without quotes (YAML reads `1.0` as a number)."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    return str(raw)


def _list(raw: Any, where: str, warnings: list[str]) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        warnings.append(f"{where}: expected a list, found {_kind(raw)}; ignored.")
        return []
    return raw


def _strings(raw: Any, where: str, warnings: list[str], required: bool = False) -> list[str]:
    """A list of texts; a single text is read as a list of one, with a warning."""
    if required and raw is None:
        warnings.append(f"{where}: missing; required by the standard.")
    if isinstance(raw, str):
        warnings.append(f"{where}: expected a list, found text; read as a list of one.")
    values = [raw] if isinstance(raw, str) else _list(raw, where, warnings)
    result: list[str] = []
    for index, value in enumerate(values):
        text = _text(value, f"{where}[{index}]", warnings)
        if text is not None:
            result.append(text)
    return result


def _map(raw: Any, where: str, warnings: list[str]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        warnings.append(f"{where}: expected a map, found {_kind(raw)}; ignored.")
        return {}
    return raw


def _http_url(raw: Any, where: str, warnings: list[str], strict: bool = False) -> str | None:
    """An http(s) URL; with `strict`, a bad one rejects the file instead of being warned."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or len(raw) > _MAX_URL or mapping.url(raw) is None:
        found = _show(raw)
        if strict:
            raise _Reject(f"{where}: {found} is not an http(s) URL.")
        warnings.append(f"{where}: {found} is not an http(s) URL; left out.")
        return None
    return mapping.url(raw, warnings, where)


def _is_url(text: str) -> bool:
    """Any URL a repository can have: http(s), a bare domain, git://, ssh://, git@host:…"""
    if len(text) > _MAX_URL:
        return False
    return bool(mapping.url(text) or _ANY_URL.match(text) or _SCP_URL.match(text))


def _is_date(raw: Any) -> bool:
    if not isinstance(raw, str) or not _DATE.match(raw):
        return False
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True


def _primary(tag: str) -> str:
    return tag.split("-")[0].split("_")[0].lower()


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "a map"
    return type(value).__name__


def _show(value: Any) -> str:
    """A value quoted for a message: 'text', or what it is when it is not text."""
    text = _scalar_text(value)
    if text is None:
        return _kind(value)
    return f"'{mapping.one_line(text, 60)}'" if text.strip() else "empty text"
