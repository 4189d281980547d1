"""Shared mapping rules for importers: ids, licences, text, URLs, tags.

Each helper returns a value that passes the entry schema, or None (and, where it matters,
a warning) so the importer can leave the field out instead of guessing.
"""

import hashlib
import html
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from registry.licences import NO_ASSERTION, analyse
from registry.text import nfc_text, strip_refused

_SLUG_PART = re.compile(r"[^a-z0-9]+")
_URL = re.compile(r"^https?://[^\s/?#@]+(:[0-9]+)?([/?#][^\s]*)?$")
_BARE_DOMAIN = re.compile(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(/[^\s]*)?$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9 .+#&/-]{0,49}$")
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u2028\u2029]")
_ODS = re.compile(r"^[A-Z0-9]{3,10}$")
_URL_PARTS = re.compile(r"^(https?://[^/?#]*)([^#]*)(#.*)?$", re.DOTALL | re.IGNORECASE)
_AUTHORITY = re.compile(
    r"^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_~%!$&'()*+,;=]+)(:[0-9]*)?$", re.IGNORECASE
)
_URL_SAFE = "/?:@!$&'()*+,;=-._~%"
_SCP_LIKE = re.compile(r"^git@(?P<host>[^:/\s]+):(?P<path>[^\s]+)$")
_USER_INFO = re.compile(r"^(https?://)[^/@\s]+@")

#: Free-text licence names seen in real data, mapped to SPDX expressions. Keys are
#: lower case with runs of spaces, hyphens and underscores collapsed to one space.
FREE_TEXT_LICENCES = {
    "the unlicense": "Unlicense",
    "unlicense": "Unlicense",
    "apache 2.0": "Apache-2.0",
    "apache 2": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license version 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "apache software license 2.0": "Apache-2.0",
    "mit license": "MIT",
    "the mit license": "MIT",
    "mit licence": "MIT",
    "bsd 3 clause": "BSD-3-Clause",
    "bsd 3 clause license": "BSD-3-Clause",
    "new bsd license": "BSD-3-Clause",
    "bsd 2 clause": "BSD-2-Clause",
    "simplified bsd license": "BSD-2-Clause",
    "mozilla public license 2.0": "MPL-2.0",
    "mpl 2.0": "MPL-2.0",
    "eclipse public license 2.0": "EPL-2.0",
    "cc0": "CC0-1.0",
    "cc0 1.0": "CC0-1.0",
    "public domain (cc0)": "CC0-1.0",
    "creative commons zero v1.0 universal": "CC0-1.0",
    "cc by 4.0": "CC-BY-4.0",
    "cc by sa 4.0": "CC-BY-SA-4.0",
    "isc license": "ISC",
    "open government licence v3.0": "OGL-UK-3.0",
    "open government licence 3.0": "OGL-UK-3.0",
    "ogl": "OGL-UK-3.0",
    "ogl v3": "OGL-UK-3.0",
    "european union public licence 1.2": "EUPL-1.2",
    "eupl 1.2": "EUPL-1.2",
    "eupl v1.2": "EUPL-1.2",
    # Spellings seen in code.json inventories.
    "gpl.v3": "GPL-3.0-only",
    "gpl3": "GPL-3.0-only",
    "gpl3.0": "GPL-3.0-only",
    "gpl 3.0": "GPL-3.0-only",
    "gnu general public license v3.0": "GPL-3.0-only",
    "gnu general public license v2.0": "GPL-2.0-only",
    "cc0 1.0 universal": "CC0-1.0",
    'bsd 2 clause "simplified" license': "BSD-2-Clause",
}


def slug(text: str, max_length: int = 63) -> str:
    """Lower-case ASCII words joined by hyphens; may be empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = _SLUG_PART.sub("-", ascii_text.lower()).strip("-")
    return words[:max_length].rstrip("-")


def stable_id(name: str, key: str) -> str:
    """An entry id derived from the item's name and the source's own key for it.

    The same source item always gets the same id, so a re-import updates instead of
    duplicating; the short hash keeps two different items with the same name apart.
    """
    digest = hashlib.sha256(key.strip().lower().encode("utf-8")).hexdigest()[:7]
    base = slug(name, 55) or "entry"
    return f"{base}-{digest}"


#: HTML that catalogues put into plain-text fields (`<br>` in the UK API catalogue): line
#: and paragraph breaks become text breaks; inline and list tags are dropped. Only these
#: known tags are touched, so text that merely mentions `<something>` stays as it is.
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH = re.compile(r"</?(p|div|ul|ol|h[1-6])(\s[^<>]*)?>", re.IGNORECASE)
_ITEM = re.compile(r"<li(\s[^<>]*)?>", re.IGNORECASE)
_INLINE = re.compile(
    r"</(li|a|b|i|em|strong|span|code|u)>|<(a|b|i|em|strong|span|code|u)(\s[^<>]*)?>", re.IGNORECASE
)
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def markup_to_text(text: str) -> str:
    """Text with the HTML a plain-text field should not hold turned into plain text."""
    if "<" not in text and "&" not in text:
        return text
    converted = _BREAK.sub("\n", text)
    converted = _PARAGRAPH.sub("\n\n", converted)
    converted = _ITEM.sub("\n- ", converted)
    converted = _INLINE.sub("", converted)
    if converted != text:  # it was HTML, so its entities are too (&amp; → &)
        converted = _ENTITY.sub(lambda m: html.unescape(m.group(0)), converted)
    return converted


def one_line(text: Any, max_length: int) -> str | None:
    """A single line of plain text of at most `max_length` characters, or None if empty."""
    if not isinstance(text, str | int | float) or isinstance(text, bool):
        return None
    plain = markup_to_text(text) if isinstance(text, str) else str(text)
    line = nfc_text(strip_refused(" ".join(_CONTROL.sub(" ", plain).split())))
    if not line:
        return None
    if len(line) <= max_length:
        return line
    cut = line[: max_length - 1]
    if " " in cut[max_length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def paragraphs(text: Any, max_length: int = 20000) -> str | None:
    """Multi-line plain text: trimmed lines, at most one blank line between paragraphs."""
    if not isinstance(text, str):
        return None
    plain = markup_to_text(text).replace("\r\n", "\n")
    lines = [" ".join(line.split()) for line in plain.split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    cleaned = nfc_text(strip_refused(cleaned, multi_line=True))
    if not cleaned:
        return None
    return cleaned if len(cleaned) <= max_length else cleaned[: max_length - 1] + "…"


def summary_from(*candidates: Any) -> str | None:
    """The first usable candidate, cut to its first sentence when that fits in 200."""
    for candidate in candidates:
        line = one_line(candidate, 100_000)
        if not line:
            continue
        if len(line) <= 200:
            return line
        sentence = re.match(r"(.{20,199}?[.!?])(\s|$)", line)
        return sentence.group(1) if sentence else one_line(line, 200)
    return None


def url(value: Any, warnings: list[str] | None = None, where: str = "") -> str | None:
    """An absolute http(s) URL the entry schema accepts, or None (with a warning).

    A bare domain gets https://; characters a URI cannot hold (`{`, `|`, spaces,
    non-ASCII …) are percent-encoded; a URL with an invalid host is left out.
    """
    notes: list[str] = []
    address = _absolute(value, notes, where)
    fixed = _encoded_url(address, notes, where) if address else None
    if warnings is not None:
        warnings.extend(notes)
    return fixed


def _absolute(value: Any, notes: list[str], where: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) > 2000:  # before any regex: a pathological string must stay cheap
        notes.append(f"{where}: '{one_line(text, 80)}' is too long for a URL; left out.")
        return None
    if re.match(r"^https?://", text, re.IGNORECASE):
        return text
    if _BARE_DOMAIN.match(text):
        notes.append(f"{where}: '{text}' has no scheme; https:// was assumed.")
        return f"https://{text}"
    notes.append(f"{where}: '{one_line(text, 80)}' is not an http(s) URL; left out.")
    return None


def _encoded_url(address: str, notes: list[str], where: str) -> str | None:
    parts = _URL_PARTS.match(address)
    if parts is None or not _AUTHORITY.match(parts.group(1)):
        notes.append(f"{where}: '{one_line(address, 80)}' has an invalid host; left out.")
        return None
    fixed = parts.group(1) + _percent(parts.group(2))
    if parts.group(3):
        fixed += "#" + _percent(parts.group(3)[1:])
    if len(fixed) > 2000:
        notes.append(f"{where}: '{one_line(address, 80)}' is too long; left out.")
        return None
    if fixed != address:
        notes.append(
            f"{where}: '{one_line(address, 80)}' held characters a URL cannot; "
            "they were percent-encoded."
        )
    return fixed if _URL.match(fixed) else None


def _percent(text: str) -> str:
    return re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", quote(text, safe=_URL_SAFE))


def repository_url(value: Any, warnings: list[str], where: str) -> str | None:
    """A repository URL in one spelling: https, no account, no trailing slash, no `.git`."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    scp = _SCP_LIKE.match(text)
    if scp:
        text = f"https://{scp['host']}/{scp['path']}"
    elif text.startswith("git://"):
        text = "https://" + text.removeprefix("git://")
    text = _USER_INFO.sub(r"\1", text)  # "https://someone@host/…": the account is no part of it
    text = text.rstrip("/").removesuffix(".git").rstrip("/")
    return url(text, warnings, where)


def email(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().removeprefix("mailto:")
    return text if _EMAIL.match(text) and len(text) <= 254 else None


def ods_code(value: Any) -> str | None:
    text = value.strip().upper() if isinstance(value, str) else ""
    return text if _ODS.match(text) else None


def tags(values: Any, limit: int = 30) -> list[str]:
    """Lower-case tags that pass the schema, without repeats, in their first order."""
    if isinstance(values, str):
        values = re.split(r"[,;]", values)
    if not isinstance(values, list):
        return []
    result: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        tag = " ".join(value.lower().replace("_", " ").split())[:50].strip()
        tag = re.sub(r"[^a-z0-9 .+#&/-]", "", tag).strip(" .+#&/-")
        if tag and _TAG.match(tag) and tag not in result:
            result.append(tag)
        if len(result) == limit:
            break
    return result


def licence(raw: Any, warnings: list[str], where: str = "licence") -> tuple[str, str | None]:
    """(SPDX expression, original text to keep when it could not be mapped).

    Deprecated ids become their current form with a warning; known free-text names are
    mapped; anything else becomes NOASSERTION, the original kept, with a warning.
    """
    if isinstance(raw, list):
        names = [str(r).strip() for r in raw if isinstance(r, str | int | float) and str(r).strip()]
        if not names:
            return NO_ASSERTION, None
        mapped = [licence(n, warnings, where) for n in names]
        expressions = [m[0] for m in mapped if m[0] != NO_ASSERTION]
        originals = [n for n, m in zip(names, mapped, strict=True) if m[0] == NO_ASSERTION]
        if not expressions:
            return NO_ASSERTION, "; ".join(originals) or None
        unique = list(dict.fromkeys(expressions))
        joined = " AND ".join(f"({e})" if " " in e else e for e in unique)
        return joined, ("; ".join(originals) or None)
    if not isinstance(raw, str) or not raw.strip():
        return NO_ASSERTION, None
    text = " ".join(raw.split())
    report = analyse(text)
    if report.valid and report.canonical:
        if report.suggestion:
            warnings.append(
                f"{where}: deprecated SPDX id '{text}' mapped to '{report.suggestion}'."
            )
            return report.suggestion, None
        return report.canonical, None
    key = re.sub(r"[\s_-]+", " ", text.lower()).strip()
    if key in FREE_TEXT_LICENCES:
        spdx = FREE_TEXT_LICENCES[key]
        warnings.append(f"{where}: licence name '{text}' mapped to '{spdx}'.")
        return spdx, None
    warnings.append(
        f"{where}: '{one_line(text, 80)}' is not an SPDX licence; recorded as NOASSERTION "
        "with the original kept."
    )
    return NO_ASSERTION, one_line(text, 2000)


def compact(document: dict[str, Any]) -> dict[str, Any]:
    """The document without empty values (None, "", [], {}), recursively."""
    result: dict[str, Any] = {}
    for key, value in document.items():
        if isinstance(value, dict):
            value = compact(value)
        elif isinstance(value, list):
            value = [compact(v) if isinstance(v, dict) else v for v in value]
            value = [v for v in value if v not in (None, "", [], {})]
        if value not in (None, "", [], {}):
            result[key] = value
    return result
