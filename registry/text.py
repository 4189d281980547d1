"""Text hygiene: the characters entry text may hold, and one Unicode form for all of it.

Invisible formatting characters (bidirectional overrides and isolates, zero-width
spaces and joiners, the byte-order mark) and control characters let a name look like
another, or reverse what follows it on a page, in a decision record or in a CSV cell.
Text never needs them, so they are refused; tab and newline only where text may have
several lines. Every text is kept in NFC, so the same words are the same characters
(for search, duplicate checks and ids).
"""

import unicodedata
from collections.abc import Iterator
from typing import Any

#: Unicode categories that no entry text needs: controls, format characters, surrogates,
#: and the line and paragraph separators (a newline is the one way to break a line).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
#: Fields whose text may run over several lines.
MULTI_LINE_FIELDS = frozenset({"description"})
_MULTI_LINE_ALLOWED = frozenset("\t\n")


def refused_character(text: str, *, multi_line: bool) -> str | None:
    """The first character that text must not hold, or None."""
    for char in text:
        if unicodedata.category(char) in REFUSED_CATEGORIES and not (
            multi_line and char in _MULTI_LINE_ALLOWED
        ):
            return char
    return None


def describe(char: str) -> str:
    """A character in words for a message: "U+202E (RIGHT-TO-LEFT OVERRIDE)"."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def text_faults(document: Any) -> Iterator[tuple[list[str | int], str]]:
    """(path, refused character) for every string in a document holding one."""
    stack: list[tuple[Any, list[str | int]]] = [(document, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            field = next((p for p in reversed(path) if isinstance(p, str)), "")
            char = refused_character(node, multi_line=field in MULTI_LINE_FIELDS)
            if char is not None:
                yield path, char
        elif isinstance(node, dict):
            stack.extend((v, [*path, str(k)]) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(node))


def nfc_text(text: str) -> str:
    """The text in Unicode NFC, with CR LF line ends as LF."""
    text = text.replace("\r\n", "\n")
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def nfc(value: Any) -> Any:
    """The value with every string (keys too) in NFC and CR LF line ends as LF.

    A part that YAML shares through an alias is converted once and stays shared: copying
    it at every reference would expand a 400-byte alias bomb into hundreds of millions of
    nodes here, before the body reader's count of values can refuse it."""
    return _nfc(value, {})


def _nfc(value: Any, done: dict[int, Any]) -> Any:
    if isinstance(value, str):
        return nfc_text(value)
    if not isinstance(value, dict | list):
        return value
    if id(value) in done:
        return done[id(value)]
    if isinstance(value, dict):
        converted: dict[Any, Any] = {}
        done[id(value)] = converted
        converted.update((_nfc(k, done), _nfc(v, done)) for k, v in value.items())
        return converted
    items: list[Any] = []
    done[id(value)] = items
    items.extend(_nfc(v, done) for v in value)
    return items


def strip_refused(text: str, *, multi_line: bool = False) -> str:
    """The text without the characters it must not hold (for importers, which clean what
    they are given rather than reject a whole document for an invisible character)."""
    return "".join(
        c
        for c in text
        if unicodedata.category(c) not in REFUSED_CATEGORIES
        or (multi_line and c in _MULTI_LINE_ALLOWED)
    )
