"""Reading and writing entry documents as YAML or JSON text.

Every text read comes out in Unicode NFC (`registry.text`), whatever the file held.

PyYAML's safe loader turns `2024-05-01` into a date object and would make documents
fail the schema's `format: date` string check; this loader keeps timestamps as text.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from registry.text import nfc

#: How deeply collections may nest. An entry needs about six levels. PyYAML's pure-Python
#: scanner is quadratic in flow nesting (`[[[[…` 1,000 deep in 2 KB costs seconds of CPU),
#: so the scanner stops at this flow depth, and the composer at this depth of any kind.
MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


class _TooDeep(yaml.YAMLError):
    """A document nested more than MAX_DEPTH levels."""


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver (dates stay strings), bounded in depth."""

    _depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 - PyYAML's name
        super().fetch_flow_collection_start(TokenClass)
        if self.flow_level > MAX_DEPTH:
            raise _TooDeep(f"nested more than {MAX_DEPTH} levels deep")

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class DocumentError(ValueError):
    """Text that is not well-formed YAML or JSON; the message says where.

    `location` ("line 3, column 7", or "") and `problem` are the parts of the message
    without the source's name, for a page that names the field itself.
    """

    def __init__(self, message: str, *, location: str = "", problem: str = "") -> None:
        super().__init__(message)
        self.location = location
        self.problem = problem or message


@contextmanager
def _yaml_errors(source: str) -> Iterator[None]:
    """Every way PyYAML can fail, as one DocumentError that says where."""
    try:
        yield
    except _TooDeep as exc:
        raise DocumentError(f"{source}: YAML {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        where = f" at {location}" if location else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocumentError(
            f"{source}: not valid YAML{where}: {problem}", location=location, problem=problem
        ) from None
    except RecursionError:
        raise DocumentError(
            f"{source}: YAML nested too deeply", problem="it is nested too deeply"
        ) from None
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        # A tagged value the safe constructor cannot build, e.g. `!!int abc`.
        raise DocumentError(f"{source}: not valid YAML: {exc}", problem=str(exc)) from None


def parse_yaml(text: str, source: str = "<text>") -> Any:
    with _yaml_errors(source):
        document = yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
    return nfc(_refuse_surrogates(document, source))


def parse_yaml_all(text: str, source: str = "<text>") -> list[Any]:
    """Every document of a multi-document YAML stream (`---` separated), empty ones dropped."""
    with _yaml_errors(source):
        documents = [d for d in yaml.load_all(text, Loader=_TextDatesLoader) if d is not None]
    return [nfc(_refuse_surrogates(d, source)) for d in documents]


def parse_json(text: str | bytes, source: str = "<text>") -> Any:
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise DocumentError(f"{source}: not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise DocumentError(f"{source}: JSON nested too deeply") from None
    if _depth(document) > MAX_DEPTH:
        # json's C parser is fast at any depth, but what reads the document next
        # (validation, rendering) recurses: the same bound as YAML.
        raise DocumentError(f"{source}: JSON nested more than {MAX_DEPTH} levels deep")
    return nfc(_refuse_surrogates(document, source))


def _refuse_surrogates(document: Any, source: str) -> Any:
    """The document, unless a string (or key) holds a lone surrogate: JSON's `\\udcff` or
    YAML's `"\\udcff"` escape. It is not a character, so no text can hold it: SQLite cannot
    store it and no response can carry it (both answered 500). Each shared part (a YAML
    alias) is looked at once."""
    seen: set[int] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if not node.isascii() and _SURROGATE.search(node):
                raise DocumentError(f"{source}: not valid Unicode (a lone surrogate escape)")
        elif isinstance(node, dict | list) and id(node) not in seen:
            seen.add(id(node))
            stack.extend(node.items() if isinstance(node, dict) else node)
        elif isinstance(node, tuple):
            stack.extend(node)
    return document


def _depth(document: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity, which are not JSON.
    raise json.JSONDecodeError(f"{name} is not allowed in JSON", name, 0)


def read_file(path: Path) -> Any:
    """Parse a .json, .yaml or .yml file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DocumentError(f"{path}: not valid UTF-8") from None
    if path.suffix.lower() == ".json":
        return parse_json(text, str(path))
    return parse_yaml(text, str(path))


def entries_in(document: Any) -> list[Any]:
    """The entries a file holds: `{entries: [...]}`, a bare list, or one entry."""
    if isinstance(document, dict) and "entries" in document and "id" not in document:
        entries = document["entries"]
        return list(entries) if isinstance(entries, list) else [entries]
    if isinstance(document, list):
        return list(document)
    return [document]


def type_name(value: Any) -> str:
    """A JSON type in words, for messages: "an object", "a number" …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    names: dict[type, str] = {dict: "an object", list: "an array", str: "a string"}
    return names.get(type(value), type(value).__name__)


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
