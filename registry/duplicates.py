"""When two entry documents describe the same product: the rule imports and merge
proposals share.

Two entries are the same product when they have the **same name** and share an
**anchor**: the same documentation page, the same repository or the same owner. A shared
anchor alone is not enough (one repository or one documentation page often holds several
products: SanteMPI and SanteIMS live in one repository; a department documents several
APIs on one page), and a shared name alone is not enough (two owners may use one name).

Names are compared after folding case, accents, punctuation and spacing ("GOV.UK Notify",
"GOVUK Notify" and "gov uk notify" are one name; "C++" stays apart from "C"). A trailing
release ("v1.2", "Version 3.x", "2.0") is ignored, because releases of one product are
one product, except for standards, whose versions are different standards (HL7 v2 and
v3). A trailing "API" is ignored only when the documentation page is the same too:
"cset-analytics" and "cset-analytics-api" from one owner are two components. An alias
counts as a name when compared with the other entry's name, never alias with alias (the
FHIR R4 and STU3 standards share the alias "FHIR"). A standard or a dataset is only ever
the same as an entry of its own kind.
"""

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Anchors in the order they are reported: the strongest evidence first.
ANCHORS = ("documentation", "repository", "owner")
_RELEASE = re.compile(
    r"\s+(?:v\.?\s?\d+(?:\.[\dx]+)*[a-z]?|\d+(?:\.[\dx]+)+[a-z]?|version\s+\S+|release\s+\d\S*)$"
)
_API = re.compile(r"\s+apis?$")
_BRACKETS = re.compile(r"\[[^\]]*\]")
#: Kinds that may describe one product under different labels (an API and the service
#: behind it, software and a library); standards and datasets match only their own kind.
_PRODUCT_KINDS = frozenset({"api", "service", "software", "library"})


@dataclass(frozen=True)
class Evidence:
    """Why two documents are taken for the same product."""

    name: str  # the name they share, as the first document writes it
    anchor: str  # "documentation" | "repository" | "owner"
    value: str  # the shared documentation URL, repository URL or owner name

    def describe(self) -> str:
        what = {"documentation": "documentation page", "repository": "repository"}
        label = what.get(self.anchor, "owner")
        return f"the same name ({self.name}) and the same {label} ({self.value})"

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "anchor": self.anchor, "value": self.value}


def fold(text: str) -> str:
    """Lower case without accents: "SantéMPI" -> "santempi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(name: str, *, releases: bool = True, api: bool = False) -> str:
    """A name reduced to letters and digits; `releases` drops a trailing release number,
    `api` a trailing "API" too."""
    text = fold(name).replace("&", " and ").replace("+", " plus ").replace("#", " sharp ")
    text = _BRACKETS.sub(" ", text)
    text = " ".join(re.sub(r"[^\w.]+|_", " ", text).split())
    text = re.sub(r"(?<![\w])\.|\.(?![\w])", " ", text).strip()  # stray dots, not "1.2"
    # One release and one "API" at most: "Study 07.05 v1.0" stays apart from "Study 07.04".
    if releases:
        text = _RELEASE.sub("", text)
    if api:
        text = _API.sub("", text)
        if releases:
            text = _RELEASE.sub("", text)
    return re.sub(r"[\W_]+", "", text)


def normalise_url(value: str) -> str:
    """A URL without scheme, `www.`, fragment, trailing slashes or `.git`."""
    text = value.strip().lower().split("#", 1)[0]
    text = re.sub(r"^https?://(www\.)?", "", text)
    return re.sub(r"(\.git)?/*$", "", text)


def owner_key(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+|_", " ", fold(value)).split())


@dataclass(frozen=True)
class _Profile:
    """What the rule reads of one document."""

    kind: str
    names: tuple[tuple[str, bool], ...]  # (name as written, is an alias)
    anchors: dict[str, tuple[str, str]]  # anchor -> (key, as written)


def _profile(document: Mapping[str, Any]) -> _Profile:
    name = document.get("name")
    aliases = document.get("aliases")
    names: list[tuple[str, bool]] = [(name, False)] if isinstance(name, str) else []
    if isinstance(aliases, list):
        names += [(a, True) for a in aliases if isinstance(a, str)]
    urls = document.get("urls")
    urls = urls if isinstance(urls, Mapping) else {}
    anchors: dict[str, tuple[str, str]] = {}
    for anchor in ("documentation", "repository"):
        url = urls.get(anchor)
        if isinstance(url, str) and normalise_url(url):
            anchors[anchor] = (normalise_url(url), url)
    owner = document.get("owner")
    owner_name = owner.get("name") if isinstance(owner, Mapping) else None
    if isinstance(owner_name, str) and owner_key(owner_name):
        anchors["owner"] = (owner_key(owner_name), owner_name)
    return _Profile(str(document.get("kind", "")), tuple(names), anchors)


def _kinds_agree(a: str, b: str) -> bool:
    return a == b or (a in _PRODUCT_KINDS and b in _PRODUCT_KINDS)


def _name_keys(names: tuple[tuple[str, bool], ...], anchor: str, releases: bool) -> dict[str, bool]:
    """Name key -> whether only aliases give it, under the tolerance an anchor allows."""
    keys: dict[str, bool] = {}
    for name, alias in names:
        key = name_key(name, releases=releases, api=anchor == "documentation")
        if key:
            keys[key] = keys.get(key, True) and alias
    return keys


def same_product(a: Mapping[str, Any], b: Mapping[str, Any]) -> Evidence | None:
    """Why `a` and `b` describe the same product, or None when they do not."""
    return _compare(_profile(a), _profile(b))


def _compare(mine: _Profile, theirs: _Profile) -> Evidence | None:
    if not _kinds_agree(mine.kind, theirs.kind):
        return None
    releases = "standard" not in (mine.kind, theirs.kind)
    for anchor in ANCHORS:
        if anchor not in mine.anchors or anchor not in theirs.anchors:
            continue
        if mine.anchors[anchor][0] != theirs.anchors[anchor][0]:
            continue
        their_names = _name_keys(theirs.names, anchor, releases)
        for name, alias in mine.names:
            key = name_key(name, releases=releases, api=anchor == "documentation")
            if key in their_names and not (alias and their_names[key]):
                return Evidence(name, anchor, mine.anchors[anchor][1])
    return None


class DuplicateFinder:
    """Documents added so far, looked up by name and anchor: which one a new document
    duplicates. Lookups cost a few dictionary reads, whatever the number of documents."""

    def __init__(self) -> None:
        self._profiles: dict[str, _Profile] = {}
        self._order: dict[str, int] = {}
        self._by_key: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._profiles)

    def add(self, entry_id: str, document: Mapping[str, Any]) -> None:
        """Remember a document under its id (the first document of an id is kept)."""
        if entry_id in self._profiles:
            return
        profile = _profile(document)
        self._profiles[entry_id] = profile
        self._order[entry_id] = len(self._order)
        for key in _candidate_keys(profile):
            self._by_key.setdefault(key, []).append(entry_id)

    def find(
        self, document: Mapping[str, Any], exclude: str | None = None
    ) -> tuple[str, Evidence] | None:
        """The first document added that `document` duplicates (never `exclude`), and why."""
        for other, evidence in self.matches(document, exclude):
            return other, evidence
        return None

    def matches(
        self, document: Mapping[str, Any], exclude: str | None = None
    ) -> Iterator[tuple[str, Evidence]]:
        """Every document added that `document` duplicates, in the order they were added."""
        profile = _profile(document)
        candidates: set[str] = set()
        for key in _candidate_keys(profile):
            candidates.update(self._by_key.get(key, ()))
        candidates.discard(exclude or "")
        for other in sorted(candidates, key=self._order.__getitem__):
            evidence = _compare(profile, self._profiles[other])
            if evidence is not None:
                yield other, evidence


def _candidate_keys(profile: _Profile) -> Iterator[str]:
    # The loosest form of each name (no release, no "API"): `_compare` then applies the
    # tolerance each anchor allows, so a candidate is never missed and never wrongly kept.
    for anchor, (value, _) in profile.anchors.items():
        for name, _alias in profile.names:
            key = name_key(name, releases=True, api=True)
            if key:
                yield f"{anchor}:{value}|{key}"
