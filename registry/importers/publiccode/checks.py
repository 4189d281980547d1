"""Checks that only warn: keys the standard defines but the entry has no place for.

`releaseDate` is the date of the latest release, not of going live: it is checked, not
mapped. `fundedBy`, `localisation`, `roadmap`, logos, country sections (`IT`...) are
checked where that is cheap and otherwise ignored; keys starting `x-` are ignored.
"""

import re
from typing import Any

from registry.importers import mapping
from registry.importers.publiccode.values import (
    _http_url,
    _is_url,
    _list,
    _map,
    _scalar_text,
    _show,
    _strings,
    _text,
)
from registry.importers.publiccode.vocabulary import (
    _BCP47,
    _COUNTRY,
    _KNOWN_KEYS,
    _LANGUAGES,
    _LANGUAGES_3,
    _MAX_URL,
    _MIME,
    _URI,
    _YAML11_BOOLEAN,
)


def _check_unmapped(data: dict[str, Any], text: str, warnings: list[str]) -> None:
    for key in ("applicationSuite", "softwareVersion"):
        _text(data.get(key), key, warnings)
    _http_url(data.get("roadmap"), "roadmap", warnings)
    _check_based_on(data.get("isBasedOn"), warnings)
    for key in ("logo", "monochromeLogo"):
        _check_logo(data.get(key), key, warnings)
    for key in ("inputTypes", "outputTypes"):
        for index, value in enumerate(_strings(data.get(key), key, warnings)):
            if not _MIME.match(value):
                warnings.append(f"{key}[{index}]: {_show(value)} is not a MIME type.")
    _check_localisation(data.get("localisation"), warnings)
    _check_funders(data.get("fundedBy"), warnings)
    _check_uri(
        _text(data.get("organizationUri"), "organizationUri", warnings), "organizationUri", warnings
    )
    _check_country_sections(data, warnings)
    _check_unknown_keys(data, warnings)
    for match in _YAML11_BOOLEAN.finditer(text):
        key = match["key"]
        where = "localisation.localisationReady" if key == "localisationReady" else "dependsOn"
        warnings.append(
            f"{where}: '{key}: {match['word']}' is a YAML 1.1 boolean; the "
            "standard uses YAML 1.2, where it is text. Write true or false."
        )


def _check_based_on(raw: Any, warnings: list[str]) -> None:
    values = [raw] if isinstance(raw, str) else _list(raw, "isBasedOn", warnings)
    for index, value in enumerate(values):
        if not isinstance(value, str) or not _is_url(value.strip()):
            warnings.append(f"isBasedOn[{index}]: {_show(value)} is not a URL.")


def _check_logo(raw: Any, key: str, warnings: list[str]) -> None:
    value = _text(raw, key, warnings)
    if value is None:
        return
    if value.startswith("/") or value.lower().startswith("file:"):
        warnings.append(f"{key}: {_show(value)} must be a relative path or an http(s) URL.")
    elif not re.search(r"\.(svg|svgz|png)$", value.split("?")[0], re.IGNORECASE):
        warnings.append(f"{key}: {_show(value)} is not an SVG, SVGZ or PNG file.")


def _check_localisation(raw: Any, warnings: list[str]) -> None:
    if raw is None:
        warnings.append("localisation: missing; required by the standard.")
        return
    section = _map(raw, "localisation", warnings)
    if not isinstance(section.get("localisationReady"), bool):
        warnings.append("localisation.localisationReady: expected true or false.")
    where = "localisation.availableLanguages"
    languages = _strings(section.get("availableLanguages"), where, warnings)
    if not languages:
        warnings.append(f"{where}: none given; the standard asks for at least one.")
    for index, language in enumerate(languages):
        _check_language(language, f"{where}[{index}]", warnings)


def _check_funders(raw: Any, warnings: list[str]) -> None:
    for index, item in enumerate(_list(raw, "fundedBy", warnings)):
        funder = _map(item, f"fundedBy[{index}]", warnings)
        _text(funder.get("name"), f"fundedBy[{index}].name", warnings)
        uri = _text(funder.get("uri"), f"fundedBy[{index}].uri", warnings)
        _check_uri(uri, f"fundedBy[{index}].uri", warnings, required=isinstance(item, dict))


def _check_country_sections(data: dict[str, Any], warnings: list[str]) -> None:
    """Country extensions are not mapped; only their two cheap structural rules are kept."""
    if "it" in data and "IT" in data:
        warnings.append("it: the deprecated 'it' section repeats 'IT'; remove it.")
    section = data.get("IT", data.get("it"))
    if isinstance(section, dict) and "countryExtensionVersion" in section:
        value = _scalar_text(section["countryExtensionVersion"])
        if value not in {"0.2", "1.0"}:
            warnings.append(f"IT.countryExtensionVersion: {_show(value)} is not 0.2 or 1.0.")


def _check_unknown_keys(data: dict[str, Any], warnings: list[str]) -> None:
    by_lower = {k.lower(): k for k in _KNOWN_KEYS}
    for raw in data:
        key = str(raw)
        if key in _KNOWN_KEYS or _COUNTRY.match(key) or key.startswith("x-"):
            continue
        hint = f" (did you mean '{by_lower[key.lower()]}'?)" if key.lower() in by_lower else ""
        warnings.append(f"{mapping.one_line(key, 60)}: unknown key{hint}; ignored.")


def _check_language(tag: str, where: str, warnings: list[str]) -> None:
    match = _BCP47.match(tag) if len(tag) <= 64 else None  # bounded: the pattern nests
    if not match:
        warnings.append(f"{where}: {_show(tag)} is not a BCP 47 language tag.")
    elif match["lang"].lower() not in (_LANGUAGES | _LANGUAGES_3):
        warnings.append(
            f"{where}: {_show(tag)} has a language code this importer does not recognise."
        )


def _check_uri(value: str | None, where: str, warnings: list[str], required: bool = False) -> None:
    if value is None:
        if required:
            warnings.append(f"{where}: missing; required by the standard.")
    elif len(value) > _MAX_URL or not _URI.match(value.strip()):
        warnings.append(f"{where}: {_show(value)} is not a URI.")


def _check_email(raw: Any, where: str, warnings: list[str]) -> str | None:
    if raw is None:
        return None
    address = mapping.email(raw)
    if address is None:
        warnings.append(f"{where}: {_show(raw)} is not an email address.")
    return address


def _check_lengths(where: str, short: str | None, long: str | None, warnings: list[str]) -> None:
    if short is None:
        warnings.append(
            f"{where}.shortDescription: missing; the summary comes from longDescription."
        )
    elif len(short.strip()) > 150:
        warnings.append(f"{where}.shortDescription: longer than the standard's 150 characters.")
    if long is None:
        warnings.append(f"{where}.longDescription: missing; required by the standard.")
    elif not 150 <= len(long.strip()) <= 10000:
        warnings.append(
            f"{where}.longDescription: {len(long.strip())} characters; the "
            "standard asks for 150 to 10000."
        )
