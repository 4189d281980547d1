"""publiccode.yml (https://yml.publiccode.tools): import one file as one entry, and export.

Versions read: 0.2 to 0.7 (and "0", the standard's "latest 0.x"); "1", which is not a
published version, is read by the same rules with a warning. The 0.1 draft
(`publiccode-yaml-version`), other versions and multi-document files are rejected.

Choices, so a reader need not rediscover them:

- A file is rejected only for what leaves no trustworthy entry: not one YAML mapping,
  a missing or unsupported `publiccodeYmlVersion`, a bad `name`, `url` or `landingURL`,
  no usable `description`, a missing or unknown `developmentStatus` or `softwareType`,
  or a `releaseDate` that is not a YYYY-MM-DD date. Any other fault is a warning that
  starts with the path of the key at fault ("maintenance.contacts[0].email: ...") and
  the value is left out. Checks that need the network, files beside the publiccode.yml
  (logos, screenshots, authors files) or the Italian IPA register are not made.
- The id is `stable_id(name, url)` with the URL normalised (no scheme, no `www.`,
  no trailing slash or `.git`); `provenance.source` keeps the URL as written.
- The owner is `organisation.name`, else `legal.repoOwner` (deprecated in favour of it),
  else `legal.mainCopyrightOwner`, else the account in the repository URL (warned):
  the copyright holder may be "X and all contributors", the organisation never is.
- `genericName` ("Text editor") becomes a tag, not an alias: aliases count as names in
  duplicate checks, and a generic name would match every other text editor.
- `releaseDate` is the date of the latest release, not of going live: it is checked,
  not mapped. `fundedBy`, `localisation`, `roadmap`, logos, country sections (`IT`…)
  are checked where that is cheap and otherwise ignored; keys starting `x-` are ignored.
- Hardware dependencies are recorded with `open_source: false`.
"""

import re
from datetime import date
from typing import Any

from registry.documents import DocumentError, dump_yaml, parse_yaml_all
from registry.importers import mapping
from registry.importers.base import FileResult, Imported, Rejected
from registry.licences import NO_ASSERTION


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MAX_TEXT = 1_000_000  # real files are a few kB; anything this big is not one
_MAX_URL = 2000  # the schema's limit; also keeps the URL patterns away from huge input

#: The standard's category list (0.2 to 0.7; "other" since 0.5).
_CATEGORIES = _words(
    """accounting agile-project-management applicant-tracking application-development
    appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
    business-process-management cad call-center-management cloud-management collaboration
    communications compliance-management contact-management content-management crm
    customer-service-and-support data-analytics data-collection data-visualization design
    design-system digital-asset-management digital-citizenship document-management
    donor-management e-commerce e-signature educational-content email-management
    email-marketing employee-management enterprise-project-management
    enterprise-social-networking erp event-management facility-management
    feedback-and-reviews-management financial-reporting fleet-management fundraising
    gamification geographic-information-systems grant-management graphic-design help-desk
    hr ide identity-management instant-messaging integrated-library-system
    inventory-management it-asset-management it-development it-management it-security
    it-service-management knowledge-management learning-management-system marketing
    mind-mapping mobile-marketing mobile-payment network-management office online-booking
    online-community other payment-gateway payroll predictive-analysis procurement
    productivity-suite project-collaboration project-management property-management
    real-estate-management regulations-and-directives remote-support resource-management
    sales-management seo service-desk social-media-management survey talent-management
    task-management taxes-management test-management time-management time-tracking
    translation video-conferencing video-editing visitor-management voip
    warehouse-management web-collaboration web-conferencing website-builder whistleblowing
    workflow-management"""
)
#: publiccode categories whose meaning clearly matches one of ours; the rest become tags.
_CATEGORY_MAP = {
    "identity-management": "identity-and-access",
    "data-analytics": "data-and-analytics",
    "business-intelligence": "data-and-analytics",
    "data-collection": "data-and-analytics",
    "data-visualization": "data-and-analytics",
    "predictive-analysis": "data-and-analytics",
    "it-security": "security",
    "appointment-scheduling": "referrals-and-bookings",
    "online-booking": "referrals-and-bookings",
    "communications": "messaging-and-notifications",
    "instant-messaging": "messaging-and-notifications",
    "email-management": "messaging-and-notifications",
    "design-system": "design-and-accessibility",
    "it-development": "developer-tools",
    "application-development": "developer-tools",
    "ide": "developer-tools",
    "test-management": "developer-tools",
    "payment-gateway": "payments-and-claims",
    "mobile-payment": "payments-and-claims",
    "billing-and-invoicing": "payments-and-claims",
}
#: Ours to theirs for export: the first publiccode category listed for each of ours.
_EXPORT_CATEGORIES = {ours: theirs for theirs, ours in reversed(_CATEGORY_MAP.items())}
#: The standard makes `categories` mandatory; used when none of ours has a counterpart.
_DEFAULT_CATEGORY = "it-development"
_SCOPES = _words(
    """agriculture culture defence education emergency-services employment energy
    environment finance-and-economic-development foreign-affairs government healthcare
    infrastructures justice local-authorities manufacturing research science-and-technology
    security society sport tourism transportation welfare"""
)
_SUPPORT_ALIASES = frozenset(
    {"gdpr", "eidas", "nis2", "cra", "spid", "cie", "anpr", "pagopa", "io"}
)
_STATUS = {
    "concept": "concept",
    "development": "alpha",
    "beta": "beta",
    "stable": "live",
    "obsolete": "deprecated",
}
_EXPORT_STATUS = {
    "concept": "concept",
    "alpha": "development",
    "beta": "beta",
    "live": "stable",
    "deprecated": "obsolete",
    "retired": "obsolete",
}
_SOFTWARE_TYPES = _words(
    """standalone/mobile standalone/iot standalone/desktop standalone/web standalone/backend
    standalone/other addon library configurationFiles"""
)
_MAINTENANCE_TYPES = frozenset({"internal", "contract", "community", "none"})
#: ISO 639-1 codes: a BCP 47 primary language subtag of two letters must be one of them.
_LANGUAGES = _words(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu
    cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho
    hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv
    kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr
    nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq
    sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh
    yi yo za zh zu"""
)
#: Three-letter codes (ISO 639-2/3) met in European public-sector files; others are warned.
_LANGUAGES_3 = _words(
    """eng ita fra fre deu ger spa por nld dut swe dan fin nor nob nno pol ces cze slk slo slv
    hrv hun ron rum bul ell gre est lav lit mlt gle cat eus baq glg lat rus ukr srp bos mkd
    mac sqi alb tur ara heb zho chi jpn kor hin cym wel isl ice ltz fur lld srd sme"""
)
_KNOWN_KEYS = _words(
    """publiccodeYmlVersion name applicationSuite url landingURL isBasedOn softwareVersion
    releaseDate logo monochromeLogo inputTypes outputTypes platforms categories usedBy
    fundedBy roadmap developmentStatus softwareType intendedAudience description legal
    maintenance localisation dependsOn organisation organizationUri supports tags"""
)
_DESCRIPTION_KEYS = _words(
    """localisedName genericName shortDescription longDescription documentation
    apiDocumentation features screenshots videos awards"""
)

_BCP47 = re.compile(
    r"^(?P<lang>[a-zA-Z]{2,3})(-[a-zA-Z]{3}){0,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?"
    r"(-([a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*(-[0-9a-wyzA-WYZ](-[a-zA-Z0-9]{2,8})+)*"
    r"(-x(-[a-zA-Z0-9]{1,8})+)?$"
)
_VERSION = re.compile(r"^(?P<major>[0-9]+)(\.(?P<minor>[0-9]+))?(\.[0-9]+)?$")
_ANY_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/]\S*$")  # git://, ssh://, svn://…
_SCP_URL = re.compile(r"^[\w.-]+@[\w.-]+:\S+$")  # git@host:owner/repo.git
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
_MIME = re.compile(r"^[a-zA-Z0-9][\w!#$&^.+-]*/[\w!#$&^.+-]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_COUNTRY = re.compile(r"^([A-Z]{2}|[a-z]{2})$")  # upper case; lower case is deprecated
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# PyYAML reads YAML 1.1, where yes/no/on/off are booleans; the standard asks for YAML 1.2,
# where they are text. The loader cannot tell them apart afterwards, so look at the text.
_YAML11_BOOLEAN = re.compile(
    r"^[ \t]*(?:-[ \t]+)?(?P<key>localisationReady|optional)[ \t]*:[ \t]*"
    r"(?P<word>yes|no|on|off)[ \t]*(#.*)?$",
    re.IGNORECASE | re.MULTILINE,
)


class _Reject(Exception):
    """A fault that leaves no trustworthy entry; the message starts with the key's path."""


class PubliccodeImporter:
    """publiccode.yml files, versions 0.2 to 0.7."""

    name = "publiccode"
    suffixes = ("publiccode.yml", "publiccode.yaml")

    def parse(self, text: str, source: str) -> FileResult:
        warnings: list[str] = []
        try:
            document = _entry(_read(text, source), text, warnings)
        except _Reject as exc:
            return FileResult(rejected=[Rejected(source, str(exc))])
        return FileResult(entries=[Imported(document, source, warnings)])


# --- reading -------------------------------------------------------------------------


def _read(text: str, source: str) -> dict[str, Any]:
    if len(text) > _MAX_TEXT:
        raise _Reject(f"file: {len(text)} characters; a publiccode.yml is far smaller.")
    if _SURROGATE.search(text):
        raise _Reject("file: not valid UTF-8 text.")
    try:
        documents = parse_yaml_all(text.removeprefix("\ufeff"), source)
    except DocumentError as exc:
        raise _Reject(f"file: {str(exc).removeprefix(f'{source}: ')}") from None
    if not documents:
        raise _Reject("file: empty.")
    if len(documents) > 1:
        raise _Reject(f"file: {len(documents)} YAML documents; a publiccode.yml holds exactly one.")
    if not isinstance(documents[0], dict):
        raise _Reject(f"file: expected a YAML mapping of keys, found {_kind(documents[0])}.")
    return documents[0]


def _entry(data: dict[str, Any], text: str, warnings: list[str]) -> dict[str, Any]:
    _version(data, warnings)
    name = _name(data.get("name"), warnings)
    url, repository = _url(data.get("url"), warnings)
    homepage = _http_url(data.get("landingURL"), "landingURL", warnings, strict=True)
    status = _choice(data, "developmentStatus", _STATUS.keys())
    software_type = _choice(data, "softwareType", _SOFTWARE_TYPES)
    _release_date(data.get("releaseDate"))
    texts = _description(data.get("description"), name, warnings)
    expression, original = _licence(data.get("legal"), warnings)
    categories, category_tags = _categories(data.get("categories"), warnings)
    _check_unmapped(data, text, warnings)
    tags = mapping.tags(
        category_tags
        + texts.pop("tags")
        + _scope_tags(data.get("intendedAudience"), warnings)
        + _strings(data.get("platforms"), "platforms", warnings, required=True)
        + _support_tags(data.get("supports"), warnings)
        + _strings(data.get("tags"), "tags", warnings)
    )
    urls = texts.pop("urls")
    return mapping.compact(
        {
            "id": mapping.stable_id(name, _repository_key(url)),
            "kind": "library" if software_type == "library" else "software",
            "name": name,
            **texts,
            "status": _STATUS[status],
            "licence": expression,
            "owner": _owner(data, url, warnings),
            "maintenance": _maintenance(data.get("maintenance"), warnings),
            "urls": {"homepage": homepage, "repository": repository, **urls},
            "categories": categories,
            "tags": tags,
            "used_by": _used_by(data.get("usedBy"), warnings),
            "depends_on": _depends_on(data.get("dependsOn"), warnings),
            "provenance": {
                "format": "publiccode",
                "source": url[:2000],
                "original_licence": original,
            },
        }
    )


# --- the keys that reject a file -------------------------------------------------------


def _version(data: dict[str, Any], warnings: list[str]) -> None:
    if "publiccodeYmlVersion" not in data:
        if "publiccode-yaml-version" in data:
            raise _Reject(
                "publiccode-yaml-version: a publiccode.yml 0.1 draft; only 0.2 and later "
                "are read. Update the file to the current standard."
            )
        raise _Reject(
            "publiccodeYmlVersion: missing; it says which version of the standard the file follows."
        )
    raw = data["publiccodeYmlVersion"]
    text = _scalar_text(raw)
    match = _VERSION.match(text.strip()) if text is not None else None
    if text is None or not match:
        shown = _show(raw)
        raise _Reject(f'publiccodeYmlVersion: expected a version such as "0.4", found {shown}.')
    major = int(match["major"])
    minor = int(match["minor"]) if match["minor"] is not None else None
    if major == 0 and (minor is None or 2 <= minor <= 7):
        return
    if major == 0 and minor is not None and minor > 7:
        warnings.append(f"publiccodeYmlVersion: '{text}' is newer than 0.7; read as 0.7.")
        return
    if major == 1:
        warnings.append(
            f"publiccodeYmlVersion: '{text}' is not a published version of the standard "
            "(the latest is 0.x); read by the 0.x rules."
        )
        return
    raise _Reject(f"publiccodeYmlVersion: version '{text}' is not supported; use 0.2 to 0.7.")


def _name(raw: Any, warnings: list[str]) -> str:
    text = _scalar_text(raw)
    if text is None:
        found = "missing" if raw is None else f"expected text, found {_kind(raw)}"
        raise _Reject(f"name: {found}.")
    name = mapping.one_line(text, 150)
    if name is None:
        raise _Reject("name: empty.")
    if len(" ".join(text.split())) > 150:
        warnings.append("name: longer than 150 characters; cut.")
    return name


def _url(raw: Any, warnings: list[str]) -> tuple[str, str | None]:
    """(the URL as written, the repository URL when it is http(s))."""
    if not isinstance(raw, str):
        found = "missing" if raw is None else f"expected a URL, found {_kind(raw)}"
        raise _Reject(f"url: {found}; it is the repository URL that identifies the software.")
    text = raw.strip()
    if not _is_url(text):
        raise _Reject(f"url: {_show(text)} is not a URL.")
    return text, mapping.url(text, warnings, "url")


def _is_url(text: str) -> bool:
    """Any URL a repository can have: http(s), a bare domain, git://, ssh://, git@host:…"""
    if len(text) > _MAX_URL:
        return False
    return bool(mapping.url(text) or _ANY_URL.match(text) or _SCP_URL.match(text))


def _repository_key(url: str) -> str:
    """The URL in one spelling, so http/https, www. and .git variants keep one id."""
    key = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower()).removeprefix("www.")
    return key.rstrip("/").removesuffix(".git").rstrip("/")


def _choice(data: dict[str, Any], key: str, allowed: Any) -> str:
    raw = data.get(key)
    if raw is None:
        raise _Reject(f"{key}: missing; it is required by the standard.")
    if not isinstance(raw, str) or raw not in allowed:
        shown = _show(raw)
        raise _Reject(f"{key}: {shown} is not one of {', '.join(sorted(allowed))}.")
    return raw


def _release_date(raw: Any) -> None:
    if raw is not None and not _is_date(raw):
        shown = _show(raw)
        raise _Reject(f"releaseDate: {shown} is not a date in the form YYYY-MM-DD.")


# --- description ---------------------------------------------------------------------


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


def _features(raw: Any, where: str, warnings: list[str]) -> list[str]:
    values = _strings(raw, where, warnings)
    if not values:
        warnings.append(f"{where}: none given; the standard asks for at least one.")
    features = [f for f in (mapping.one_line(v, 300) for v in values) if f]
    if len(features) > 50:
        warnings.append(f"{where}: {len(features)} features; the first 50 kept.")
    return features[:50]


# --- legal, owner, maintenance -------------------------------------------------------


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


def _maintenance(raw: Any, warnings: list[str]) -> dict[str, Any] | None:
    if raw is None:
        warnings.append("maintenance: missing; required by the standard.")
        return None
    section = _map(raw, "maintenance", warnings)
    kind = section.get("type")
    contractors = _list(section.get("contractors"), "maintenance.contractors", warnings)
    contacts = _list(section.get("contacts"), "maintenance.contacts", warnings)
    if kind not in _MAINTENANCE_TYPES:
        shown = "missing" if kind is None else _show(kind)
        warnings.append(
            f"maintenance.type: {shown}, not one of "
            f"{', '.join(sorted(_MAINTENANCE_TYPES))}; maintenance left out."
        )
        return None
    if kind != "contract" and contractors:
        warnings.append("maintenance.contractors: only for maintenance.type 'contract'; ignored.")
        contractors = []
    if kind == "contract" and not contractors:
        warnings.append("maintenance.contractors: required when maintenance.type is 'contract'.")
    if kind in {"internal", "community"} and not contacts:
        warnings.append(f"maintenance.contacts: required when maintenance.type is '{kind}'.")
    found = [c for i, item in enumerate(contractors) if (c := _contractor(item, i, warnings))]
    if len(found) > 1:
        warnings.append(f"maintenance.contractors: {len(found)} given; the first is kept.")
    people = [c for i, item in enumerate(contacts) if (c := _contact(item, i, warnings))]
    return {"type": kind, "contractor": found[0] if found else None, "contacts": people[:20]}


def _contractor(raw: Any, index: int, warnings: list[str]) -> dict[str, Any] | None:
    where = f"maintenance.contractors[{index}]"
    item = _map(raw, where, warnings)
    name = mapping.one_line(_text(item.get("name"), f"{where}.name", warnings), 200)
    if not name and isinstance(raw, dict):
        warnings.append(f"{where}.name: missing; contractor left out.")
    _check_email(item.get("email"), f"{where}.email", warnings)
    website = _http_url(item.get("website"), f"{where}.website", warnings)
    until = item.get("until")
    if isinstance(raw, dict) and not _is_date(until):
        found = "missing" if until is None else _show(until)
        warnings.append(f"{where}.until: {found}; the standard requires a YYYY-MM-DD date.")
    return {"name": name, "url": website} if name else None


def _contact(raw: Any, index: int, warnings: list[str]) -> dict[str, Any] | None:
    where = f"maintenance.contacts[{index}]"
    item = _map(raw, where, warnings)
    name = mapping.one_line(_text(item.get("name"), f"{where}.name", warnings), 200)
    if not name and isinstance(raw, dict):
        warnings.append(f"{where}.name: missing; required by the standard.")
    address = _check_email(item.get("email"), f"{where}.email", warnings)
    contact = mapping.compact({"name": name, "email": address})
    return contact or None


# --- lists mapped to used_by, depends_on, categories and tags ------------------------


def _used_by(raw: Any, warnings: list[str]) -> list[dict[str, str]]:
    names = [mapping.one_line(v, 200) for v in _strings(raw, "usedBy", warnings)]
    unique = list(dict.fromkeys(n for n in names if n))
    return [{"name": n} for n in unique[:500]]


def _depends_on(raw: Any, warnings: list[str]) -> list[dict[str, Any]]:
    section = _map(raw, "dependsOn", warnings)
    result: list[dict[str, Any]] = []
    for group, open_source in (("open", True), ("proprietary", False), ("hardware", False)):
        items = _list(section.get(group), f"dependsOn.{group}", warnings)
        for index, item in enumerate(items):
            dependency = _dependency(item, f"dependsOn.{group}[{index}]", warnings)
            if dependency:
                result.append({**dependency, "open_source": open_source})
    if len(result) > 100:
        warnings.append(f"dependsOn: {len(result)} dependencies; the first 100 kept.")
    return result[:100]


def _dependency(raw: Any, where: str, warnings: list[str]) -> dict[str, Any] | None:
    item = _map(raw, where, warnings)
    name = mapping.one_line(_text(item.get("name"), f"{where}.name", warnings), 150)
    version, low, high = (
        _text(item.get(k), f"{where}.{k}", warnings)
        for k in ("version", "versionMin", "versionMax")
    )
    optional = item.get("optional")
    if optional is not None and not isinstance(optional, bool):
        warnings.append(f"{where}.optional: expected true or false, found {_kind(optional)}.")
        optional = None
    if not name:
        if isinstance(raw, dict) and item.get("name") is None:
            warnings.append(f"{where}.name: missing; dependency left out.")
        return None
    return {"name": name, "version": _version_text(version, low, high), "optional": optional}


def _version_text(version: str | None, low: str | None, high: str | None) -> str | None:
    """Our one free-text version from version/versionMin/versionMax: "3.2", ">= 1.1",
    "<= 2" or "1.1 - 1.3"; _export_version reads these back."""
    if version:
        text = version
    elif low and high:
        text = f"{low} - {high}"
    elif low or high:
        text = f">= {low}" if low else f"<= {high}"
    else:
        return None
    return mapping.one_line(text, 50)


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


# --- keys that are checked but not mapped --------------------------------------------


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


# --- small readers: each returns a usable value or None/[] and warns about the rest ---


def _text(raw: Any, where: str, warnings: list[str]) -> str | None:
    text = _scalar_text(raw)
    if text is None and raw is not None:
        warnings.append(f"{where}: expected text, found {_kind(raw)}; ignored.")
    return text


def _scalar_text(raw: Any) -> str | None:
    """Text, or a number written without quotes (YAML reads `1.0` as a number)."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    return str(raw)


def _list(raw: Any, where: str, warnings: list[str]) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        warnings.append(f"{where}: expected a list, found {_kind(raw)}; ignored.")
        return []
    return raw


def _strings(raw: Any, where: str, warnings: list[str], required: bool = False) -> list[str]:
    """A list of texts; a single text is read as a list of one, with a warning."""
    if required and raw is None:
        warnings.append(f"{where}: missing; required by the standard.")
    if isinstance(raw, str):
        warnings.append(f"{where}: expected a list, found text; read as a list of one.")
    values = [raw] if isinstance(raw, str) else _list(raw, where, warnings)
    result: list[str] = []
    for index, value in enumerate(values):
        text = _text(value, f"{where}[{index}]", warnings)
        if text is not None:
            result.append(text)
    return result


def _map(raw: Any, where: str, warnings: list[str]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        warnings.append(f"{where}: expected a map, found {_kind(raw)}; ignored.")
        return {}
    return raw


def _http_url(raw: Any, where: str, warnings: list[str], strict: bool = False) -> str | None:
    """An http(s) URL; with `strict`, a bad one rejects the file instead of being warned."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or len(raw) > _MAX_URL or mapping.url(raw) is None:
        found = _show(raw)
        if strict:
            raise _Reject(f"{where}: {found} is not an http(s) URL.")
        warnings.append(f"{where}: {found} is not an http(s) URL; left out.")
        return None
    return mapping.url(raw, warnings, where)


def _is_date(raw: Any) -> bool:
    if not isinstance(raw, str) or not _DATE.match(raw):
        return False
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True


def _primary(tag: str) -> str:
    return tag.split("-")[0].split("_")[0].lower()


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "a map"
    return type(value).__name__


def _show(value: Any) -> str:
    """A value quoted for a message: 'text', or what it is when it is not text."""
    text = _scalar_text(value)
    if text is None:
        return _kind(value)
    return f"'{mapping.one_line(text, 60)}'" if text.strip() else "empty text"


# --- export --------------------------------------------------------------------------


def to_publiccode(document: dict[str, Any]) -> dict[str, Any]:
    """A publiccode.yml 0.4 mapping for a registry entry.

    `url` is the repository, else the first other URL the entry has. What the entry
    cannot supply is left out rather than invented: `url` when it has no URL at all, a
    contractor's `until` date, `maintenance` when unknown, `releaseDate`,
    `softwareVersion`; a description shorter than the standard's 150 characters is
    exported as it is. Tags, standards and care settings have no place in the standard.
    """
    urls = document.get("urls") or {}
    owner = document.get("owner") or {}
    candidates = ("repository", "homepage", "documentation", "api_specification")
    url = next((urls[k] for k in candidates if urls.get(k)), owner.get("url"))
    result = {
        "publiccodeYmlVersion": "0.4",
        "name": document.get("name"),
        "url": url,
        "landingURL": urls.get("homepage"),
        "platforms": ["web"],
        "categories": _export_categories(document.get("categories") or []),
        "usedBy": [u["name"] for u in document.get("used_by") or [] if u.get("name")],
        "developmentStatus": _EXPORT_STATUS.get(str(document.get("status")), "development"),
        "softwareType": "library" if document.get("kind") == "library" else "standalone/web",
        "description": {"en": _export_description(document)},
        "legal": {"license": document.get("licence"), "mainCopyrightOwner": owner.get("name")},
        "maintenance": _export_maintenance(document.get("maintenance")),
        "localisation": {"localisationReady": False, "availableLanguages": ["en"]},
        "dependsOn": _export_dependencies(document.get("depends_on") or []),
    }
    return mapping.compact(result)


def render_publiccode(document: dict[str, Any]) -> str:
    """The publiccode.yml text for a registry entry."""
    return dump_yaml(to_publiccode(document))


def _export_categories(ours: list[str]) -> list[str]:
    theirs = [_EXPORT_CATEGORIES[c] for c in ours if c in _EXPORT_CATEGORIES]
    return list(dict.fromkeys(theirs)) or [_DEFAULT_CATEGORY]


def _export_description(document: dict[str, Any]) -> dict[str, Any]:
    urls = document.get("urls") or {}
    summary = str(document.get("summary") or document.get("name") or "")
    aliases = document.get("aliases") or []
    return {
        "localisedName": aliases[0] if aliases else None,
        "shortDescription": mapping.one_line(summary, 150),
        "longDescription": document.get("description") or summary,
        "documentation": urls.get("documentation"),
        "apiDocumentation": urls.get("api_specification"),
        "features": list(document.get("features") or []),
    }


def _export_maintenance(maintenance: Any) -> dict[str, Any] | None:
    if not isinstance(maintenance, dict) or maintenance.get("type") not in _MAINTENANCE_TYPES:
        return None  # mandatory in the standard, but "none" would claim what is not known
    contractor = maintenance.get("contractor") or {}
    contacts = [
        # The standard makes a contact's name mandatory; an address alone stands in for it.
        {"name": c.get("name") or c.get("email") or c.get("url"), "email": c.get("email")}
        for c in maintenance.get("contacts") or []
    ]
    return {
        "type": maintenance["type"],
        "contractors": [{"name": contractor["name"], "website": contractor.get("url")}]
        if maintenance["type"] == "contract" and contractor.get("name")
        else [],
        "contacts": contacts,
    }


def _export_dependencies(dependencies: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {"open": [], "proprietary": []}
    for dependency in dependencies:
        item = {"name": dependency.get("name"), **_export_version(dependency.get("version"))}
        if isinstance(dependency.get("optional"), bool):
            item["optional"] = dependency["optional"]
        groups["open" if dependency.get("open_source") else "proprietary"].append(item)
    return groups


def _export_version(text: Any) -> dict[str, str]:
    """The reverse of _version_text."""
    if not isinstance(text, str) or not text:
        return {}
    if text.startswith(">= "):
        return {"versionMin": text.removeprefix(">= ")}
    if text.startswith("<= "):
        return {"versionMax": text.removeprefix("<= ")}
    low, separator, high = text.partition(" - ")
    if separator and low and high:
        return {"versionMin": low, "versionMax": high}
    return {"version": text}


IMPORTER = PubliccodeImporter()
