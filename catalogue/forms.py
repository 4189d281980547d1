"""Reading the values of a posted form, the same way for every page with a form."""

from collections.abc import Mapping
from typing import Any

from registry.api.boundary import NUL_MESSAGE
from registry.errors import BadRequest, Issue
from registry.text import nfc_text


def _refuse_nul(name: str, value: str) -> str:
    # PostgreSQL refuses NUL in text (a 500 there, stored on SQLite): no form needs it.
    if "\x00" in value:
        raise BadRequest(
            "The form contains a NUL character.", [Issue(f"/form/{name}", NUL_MESSAGE)]
        )
    return value


def form_text(data: Mapping[str, Any], name: str, limit: int = 1000) -> str:
    """One form value, at most `limit` characters; a repeated field counts once, anything
    else is empty. Browsers send a textarea's line breaks as CR LF: they become LF, so
    stored text (paragraphs split on blank lines, reasons) is the same from any client."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str):
        return ""
    return nfc_text(_refuse_nul(name, value[:limit]).replace("\r\n", "\n").replace("\r", "\n"))


def form_values(data: Mapping[str, Any], name: str, limit: int = 200, most: int = 100) -> list[str]:
    """Every value of a repeated field (checkboxes), each and their number bounded."""
    value = data.get(name, [])
    values = value if isinstance(value, list) else [value]
    return [_refuse_nul(name, v[:limit]) for v in values if isinstance(v, str)][:most]
