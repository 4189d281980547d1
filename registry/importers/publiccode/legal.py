"""`legal` and `organisation`: the licence and the owner.

The owner is `organisation.name`, else `legal.repoOwner` (deprecated in favour of it),
else `legal.mainCopyrightOwner`, else the account in the repository URL (warned): the
copyright holder may be "X and all contributors", the organisation never is.
"""

import re
from typing import Any

from registry.importers import mapping
from registry.importers.publiccode.checks import _check_uri
from registry.importers.publiccode.values import _kind, _map, _scalar_text, _text
from registry.importers.publiccode.vocabulary import _MAX_URL, _SCP_URL
from registry.licences import NO_ASSERTION


def _licence(legal: Any, warnings: list[str]) -> tuple[str, str | None]:
    if legal is not None and not isinstance(legal, dict):
        warnings.append(
            f"legal: expected a map, found {_kind(legal)}; licence recorded as NOASSERTION."
        )
        return NO_ASSERTION, None
    raw = (legal or {}).get("license")
    if _scalar_text(raw) is None:
        found = "missing" if raw is None else f"expected text, found {_kind(raw)}"
        warnings.append(f"legal.license: {found}; recorded as NOASSERTION.")
        return NO_ASSERTION, None
    if len(str(raw)) > 2000:  # no licence expression is this long; spare the SPDX parser
        warnings.append("legal.license: longer than 2000 characters; recorded as NOASSERTION.")
        return NO_ASSERTION, None
    return mapping.licence(str(raw), warnings, "legal.license")


def _owner(data: dict[str, Any], url: str, warnings: list[str]) -> dict[str, Any]:
    organisation = _map(data.get("organisation"), "organisation", warnings)
    legal = _map(data.get("legal"), "legal", [])  # a wrong type was warned about already
    owner_uri = _text(organisation.get("uri"), "organisation.uri", warnings)
    required = isinstance(data.get("organisation"), dict)
    _check_uri(owner_uri, "organisation.uri", warnings, required=required)
    for path, raw in (
        ("organisation.name", organisation.get("name")),
        ("legal.repoOwner", legal.get("repoOwner")),
        ("legal.mainCopyrightOwner", legal.get("mainCopyrightOwner")),
    ):
        name = mapping.one_line(_text(raw, path, warnings), 200)
        if name and path == "organisation.name":
            uri = owner_uri if owner_uri and len(owner_uri) <= _MAX_URL else None
            return {"name": name, "url": mapping.url(uri)}
        if name:
            return {"name": name}
    name = _account(url)
    warnings.append(
        f"owner: no organisation.name, legal.repoOwner or legal.mainCopyrightOwner; "
        f"'{name}' taken from url."
    )
    return {"name": name}


def _account(url: str) -> str:
    """The owning account of a repository URL (github.com/ACCOUNT/repo), else its host."""
    text = url.strip()
    if _SCP_URL.match(text):  # git@host:account/repo.git
        rest = text.split("@", 1)[1].replace(":", "/", 1)
    else:
        rest = re.sub(r"^[^@/]*@", "", re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", text))
    parts = [p for p in rest.split("/") if p] or [text]
    return mapping.one_line(parts[1] if len(parts) > 2 else parts[0], 200) or "unknown"
