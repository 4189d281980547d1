"""`categories`, `intendedAudience` and `supports`: our categories and tags."""

from typing import Any

from registry.importers.publiccode.checks import _check_uri
from registry.importers.publiccode.values import _list, _map, _show, _strings, _text
from registry.importers.publiccode.vocabulary import (
    _CATEGORIES,
    _CATEGORY_MAP,
    _COUNTRY,
    _SCOPES,
    _SUPPORT_ALIASES,
)


def _categories(raw: Any, warnings: list[str]) -> tuple[list[str], list[str]]:
    """(our category ids, tags) from the publiccode categories."""
    ours: list[str] = []
    tags: list[str] = []
    for index, value in enumerate(_strings(raw, "categories", warnings)):
        if value not in _CATEGORIES:
            warnings.append(
                f"categories[{index}]: {_show(value)} is not in the standard's list; kept as a tag."
            )
        if value in _CATEGORY_MAP:
            ours.append(_CATEGORY_MAP[value])
        else:
            tags.append(value.replace("-", " "))
    return list(dict.fromkeys(ours)), tags


def _scope_tags(raw: Any, warnings: list[str]) -> list[str]:
    audience = _map(raw, "intendedAudience", warnings)
    for key in ("countries", "unsupportedCountries"):
        where = f"intendedAudience.{key}"
        for index, code in enumerate(_strings(audience.get(key), where, warnings)):
            if not _COUNTRY.match(code):
                warnings.append(
                    f"{where}[{index}]: {_show(code)} is not an ISO 3166-1 alpha-2 country code."
                )
    tags: list[str] = []
    for index, scope in enumerate(
        _strings(audience.get("scope"), "intendedAudience.scope", warnings)
    ):
        if scope in _SCOPES:
            tags.append(scope.replace("-", " "))
        else:
            warnings.append(
                f"intendedAudience.scope[{index}]: {_show(scope)} "
                "is not in the standard's scope list."
            )
    return tags


def _support_tags(raw: Any, warnings: list[str]) -> list[str]:
    """`supports` (0.7): `alias:gdpr` and the like become tags; other ids must be URIs."""
    tags: list[str] = []
    for index, item in enumerate(_list(raw, "supports", warnings)):
        where = f"supports[{index}].id"
        value = _text(_map(item, f"supports[{index}]", warnings).get("id"), where, warnings)
        if value is None:
            continue
        if value.startswith("alias:"):
            alias = value.removeprefix("alias:")
            if alias in _SUPPORT_ALIASES:
                tags.append(alias)
            else:
                warnings.append(f"{where}: unknown alias {_show(alias)}.")
        else:
            _check_uri(value, where, warnings)
    return tags
