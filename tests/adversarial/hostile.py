"""Hostile inputs: the values and documents an attacker (or a broken client) sends.

Each `Value` is text to put wherever a route reads text: a path segment, a query
parameter, a form field, a header or a string inside a JSON or YAML document. Its `url`
form is what goes on the wire in a URL or a form body, so a value can also be bytes that
are not UTF-8 (`%FF`) or an already-encoded traversal. Each `Document` is a whole request
body whose *shape* is the attack (nesting, aliases, tags, bytes that are not UTF-8); a
server must refuse every one with a 4xx.
"""

import json
from dataclasses import dataclass
from urllib.parse import quote

#: The longest URL httpx sends (and far more than any real server's request line accepts):
#: a "1 MB string" in a URL is cut to this; in bodies it is the full megabyte.
URL_BUDGET = 60_000
MEGABYTE = 1_000_000
DEPTH = 1_000


@dataclass(frozen=True)
class Value:
    """Hostile text; `url` is its percent-encoded form when that is not plain quoting."""

    name: str
    text: str
    raw_url: str | None = None

    @property
    def url(self) -> str:
        return self.raw_url if self.raw_url is not None else quote(self.text, safe="")

    @property
    def header(self) -> bytes:
        """The value as header bytes (a lone surrogate stands for a byte that is not UTF-8)."""
        return self.text.encode("utf-8", "surrogateescape")

    def shortened(self, parts: int) -> "Value":
        """The value cut so that `parts` copies of it fit in one URL."""
        if self.name != "long":
            return self
        return Value(self.name, self.text[: URL_BUDGET // parts])


CRLF_INJECTION = "a\r\nX-Injected: 1\r\nSet-Cookie: injected=1"

VALUES = [
    Value("nul", "a\x00b"),
    Value("invalid-utf8", "a\udcffb", raw_url="a%FF%FEb"),
    Value("bidi", "txt.\u202eexe"),
    Value("zero-width", "ab\u200b\u2066c"),
    Value("control", "a\x1b[31mb\x07"),
    Value("long", "x" * URL_BUDGET),
    Value("sql", "' OR '1'='1'; DROP TABLE entry; --"),
    Value("sql-like", "%_\\%"),
    Value("traversal", "../../etc/passwd"),
    Value(
        "traversal-encoded",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        raw_url="%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    ),
    Value("traversal-double", "..%2f..%2fetc%2fpasswd"),
    Value("crlf", CRLF_INJECTION),
    Value("huge-number", "9" * 40),
    Value("negative", "-1"),
    Value("markup", '"><script>alert(1)</script>'),
    Value("format", "%s%n{0}{.__class__}${7*7}"),
]
#: The values worth trying field by field (each on its own) rather than all at once.
FIELD_BY_FIELD = {"nul", "invalid-utf8", "bidi", "long", "crlf", "huge-number"}
#: The values tried in headers (each header parser sees bytes, length and line breaks).
IN_HEADERS = {"nul", "invalid-utf8", "bidi", "long", "crlf", "sql", "huge-number"}
#: Values that are text no name may contain: format and control characters.
UNPRINTABLE = {"nul", "bidi", "zero-width", "control"}


def body_text(value: Value) -> str:
    """The value inside a document body: the 1 MB string where the URL budget applied."""
    return "x" * MEGABYTE if value.name == "long" else value.text


@dataclass(frozen=True)
class Document:
    """A request body, refused whatever route it is sent to."""

    name: str
    content: bytes
    media_type: str


def _json(obj: object) -> bytes:
    return json.dumps(obj).encode()


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


def _block_yaml(depth: int) -> str:
    """Block mappings nested `depth` deep, one space of indentation a level."""
    return "".join(f"{' ' * i}a:\n" for i in range(depth)) + " " * depth + "b: 1\n"


DOCUMENTS = [
    Document("deep-json-array", ("[" * DEPTH + "]" * DEPTH).encode(), "application/json"),
    Document(
        "deep-json-object", ('{"a":' * DEPTH + "1" + "}" * DEPTH).encode(), "application/json"
    ),
    Document("deep-yaml-flow", ("a: " + "[" * DEPTH + "]" * DEPTH).encode(), "application/yaml"),
    Document(
        "deep-yaml-mapping",
        ("a: " + "{a: " * DEPTH + "1" + "}" * DEPTH).encode(),
        "application/yaml",
    ),
    Document("deep-yaml-block", _block_yaml(DEPTH).encode(), "application/yaml"),
    Document("yaml-billion-laughs", _billion_laughs().encode(), "application/yaml"),
    Document("yaml-recursive-alias", b"id: &loop [*loop]\n", "application/yaml"),
    Document(
        "yaml-python-apply",
        b"id: !!python/object/apply:os.system ['touch /tmp/registry-pwned']\n",
        "application/yaml",
    ),
    Document("yaml-python-object", b"!!python/object:builtins.object {}\n", "application/yaml"),
    Document("yaml-python-name", b"id: !!python/name:os.system\n", "application/yaml"),
    Document("json-invalid-utf8", b'{"id": "a\xff\xfeb"}', "application/json"),
    Document("yaml-invalid-utf8", b"id: a\xff\xfeb\n", "application/yaml"),
    Document("over-a-mebibyte", _json({"id": "x" * (1_100_000)}), "application/json"),
]
