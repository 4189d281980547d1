"""`description`: summary, description, features, aliases, urls and tags from one language.

`genericName` ("Text editor") becomes a tag, not an alias: aliases count as names in
duplicate checks, and a generic name would match every other text editor.
"""

from typing import Any

from registry.importers import mapping
from registry.importers.publiccode.checks import _check_language, _check_lengths
from registry.importers.publiccode.values import (
    _http_url,
    _kind,
    _list,
    _primary,
    _Reject,
    _strings,
    _text,
)
from registry.importers.publiccode.vocabulary import _DESCRIPTION_KEYS


def _description(raw: Any, name: str, warnings: list[str]) -> dict[str, Any]:
    """summary, description, features, aliases, urls and tags from one language."""
    language, section = _language(raw, warnings)
    where = f"description.{language}"
    for key in section:
        if key not in _DESCRIPTION_KEYS:
            warnings.append(f"{where}.{mapping.one_line(str(key), 60)}: unknown key; ignored.")
    short = _text(section.get("shortDescription"), f"{where}.shortDescription", warnings)
    long = _text(section.get("longDescription"), f"{where}.longDescription", warnings)
    _check_lengths(where, short, long, warnings)
    generic = _text(section.get("genericName"), f"{where}.genericName", warnings)
    if generic and len(generic) > 35:
        warnings.append(f"{where}.genericName: longer than the standard's 35 characters.")
    localised = _text(section.get("localisedName"), f"{where}.localisedName", warnings)
    alias = mapping.one_line(localised, 150)
    for key in ("screenshots", "awards"):
        _strings(section.get(key), f"{where}.{key}", warnings)
    for index, video in enumerate(_list(section.get("videos"), f"{where}.videos", warnings)):
        _http_url(video, f"{where}.videos[{index}]", warnings)
    description = mapping.paragraphs(long)
    return {
        "aliases": [alias] if alias and alias.lower() != name.lower() else [],
        "summary": mapping.one_line(short, 200) or mapping.summary_from(long),
        "description": description,
        "features": _features(section.get("features"), f"{where}.features", warnings),
        "urls": {
            "documentation": _http_url(
                section.get("documentation"), f"{where}.documentation", warnings
            ),
            "api_specification": _http_url(
                section.get("apiDocumentation"), f"{where}.apiDocumentation", warnings
            ),
        },
        "tags": [generic] if generic else [],
    }


def _language(raw: Any, warnings: list[str]) -> tuple[str, dict[str, Any]]:
    """The English section if there is one with text, else the first with text."""
    if raw is None or raw == {}:
        found = "missing" if raw is None else "empty"
        raise _Reject(f"description: {found}; at least one language is required.")
    if not isinstance(raw, dict):
        raise _Reject(f"description: expected a map of languages, found {_kind(raw)}.")
    usable: list[tuple[str, dict[str, Any]]] = []
    for key, section in raw.items():
        language = str(key)
        if len(language) > 64:  # no language tag is this long; keep it out of messages
            warnings.append("description: a language key longer than 64 characters; ignored.")
            continue
        _check_language(language, f"description.{language}", warnings)
        if isinstance(section, str) and section.strip():
            # Seen in real files: the text itself in place of the map of texts.
            warnings.append(
                f"description.{language}: expected a map of texts, found text; "
                "read as its longDescription."
            )
            section = {"longDescription": section}
        if not isinstance(section, dict):
            warnings.append(f"description.{language}: expected a map, found {_kind(section)}.")
        elif _has_text(section):
            usable.append((language, section))
    if not usable:
        raise _Reject("description: no language has a shortDescription or longDescription.")
    english = [pair for pair in usable if _primary(pair[0]) in {"en", "eng"}]
    if not english:
        warnings.append(f"description: no English text; used '{usable[0][0]}'.")
    return (english or usable)[0]


def _has_text(section: dict[str, Any]) -> bool:
    texts = (section.get("shortDescription"), section.get("longDescription"))
    return any(isinstance(t, str) and t.strip() for t in texts)


def _features(raw: Any, where: str, warnings: list[str]) -> list[str]:
    values = _strings(raw, where, warnings)
    if not values:
        warnings.append(f"{where}: none given; the standard asks for at least one.")
    features = [f for f in (mapping.one_line(v, 300) for v in values) if f]
    if len(features) > 50:
        warnings.append(f"{where}: {len(features)} features; the first 50 kept.")
    return features[:50]
