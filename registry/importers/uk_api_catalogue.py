"""The UK government API catalogue (co-cddo/api-catalogue) to registry entries.

Two shapes, told apart by content:

- the catalogue CSV, header `dateAdded,dateUpdated,url,name,description,documentation,
  license,maintainer,areaServed,startDate,endDate,provider` in any order (the submission
  template's `alternateName` and `provider url` are tolerated); `name`, `url`,
  `description` and `provider` must be there. Rows are named `source:line N`, N being the
  line the row starts on.
- the federated JSON `{"api-version": "api.gov.uk/v1alpha", "apis": [{"api-version",
  "data": {name, description, url, contact, organisation, documentation-url}}]}`
  (co-cddo/api-catalogue-data-source); items are named `source#/apis/N`.

Every API becomes one entry of kind api:

- summary from the description (the CSV writes some line breaks as a literal `\\n`);
- urls: documentation ← documentation, homepage ← url (the endpoint or landing page);
- licence ← license via `mapping.licence` (Open Government Licence v3 URLs are known);
  empty → NOASSERTION;
- owner ← provider: a catalogue slug maps to the organisation's name and URL (table below,
  copied from the catalogue's organisation.csv); a full name is kept; an unknown slug
  becomes a readable name, with a warning;
- maintenance {type: internal, contacts} ← maintainer/contact (an email or a URL, optionally
  with a team name); the providing organisation runs its own API;
- status: an endDate in the past → retired, else live; status_dates.live ← startDate, else
  dateAdded, when a valid date;
- access.networks ["hscn"] when the name says "(HSCN)";
- standards from the name: FHIR → hl7-fhir-r4 / hl7-fhir-stu3 only when the name or the
  description names the release (R4, STU3); "HL7 V3" → hl7-v3; "EDIFACT" → edifact;
- id: `stable_id(name, key)`, key = documentation URL, else url, else owner/name, so the CSV
  and the federated JSON give the same id for the same API; provenance source = key.

Files that are neither (organisation.csv, links.csv, the empty submission template, other
JSON) are rejected as "not an API catalogue file: …".
"""

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from registry.documents import DocumentError, parse_json
from registry.importers.base import FileResult, Imported, Rejected
from registry.importers.mapping import (
    compact,
    email,
    licence,
    one_line,
    paragraphs,
    stable_id,
    summary_from,
    tags,
    url,
)

API_VERSION = "api.gov.uk/v1alpha"
REQUIRED_COLUMNS = ("name", "url", "description", "provider")
KNOWN_COLUMNS = frozenset(
    {
        "dateadded",
        "dateupdated",
        "url",
        "name",
        "description",
        "documentation",
        "license",
        "maintainer",
        "areaserved",
        "startdate",
        "enddate",
        "provider",
        "alternatename",
        "provider url",
    }
)

#: The catalogue's organisations (data/organisation.csv at co-cddo/api-catalogue
#: 9e01a7a): slug → (name, URL or None). Slugs are matched case-insensitively.
ORGANISATIONS: dict[str, tuple[str, str | None]] = {
    "government-digital-service": ("Government Digital Service", None),
    "office-of-national-statistics": ("Office for National Statistics", None),
    "driver-and-vehicle-licensing-agency": ("Driver and Vehicle Licensing Agency", None),
    "companies-house": ("Companies House", None),
    "ordnance-survey": ("Ordnance Survey", None),
    "environment-agency": ("Environment Agency", None),
    "scottish-government": ("Scottish Government", None),
    "department-for-education": ("Department for Education", None),
    "department-for-work-and-pensions": ("Department for Work and Pensions", None),
    "local-government-association": ("Local Government Association", None),
    "west-berkshire-council": ("West Berkshire Council", None),
    "hm-revenue-customs": ("HM Revenue & Customs", None),
    "uk-hydrographic-office": ("UK Hydrographic Office", None),
    "department-for-business-and-trade": (
        "Department for Business and Trade",
        "https://www.gov.uk/government/organisations/department-for-business-and-trade",
    ),
    "west-midlands-combined-authority": ("West Midlands Combined Authority", None),
    "the-national-archives": ("The National Archives", None),
    "ministry-of-justice": ("Ministry of Justice", None),
    "transport-for-london": ("Transport for London", None),
    "uk-police": ("UK Police", None),
    "defra": (
        "Department for Environment, Food and Rural Affairs",
        "https://www.gov.uk/government/organisations/department-for-environment-food-rural-affairs",
    ),
    "buckinghamshire-council": ("Buckinghamshire Council", "https://www.buckinghamshire.gov.uk"),
    "insolvency-service": ("Insolvency Service", "https://www.insolvency.gov.uk"),
    "home-office": ("Home Office", "https://www.gov.uk/government/organisations/home-office"),
    "department-for-transport": (
        "Department for Transport",
        "https://www.gov.uk/government/organisations/department-for-transport",
    ),
    "the-apprenticeship-service": ("The Apprenticeship Service", None),
    "cefas": ("Centre for Environment, Fisheries and Aquaculture", "https://www.cefas.co.uk"),
    "bgs": ("British Geological Survey", "https://www.bgs.ac.uk/"),
    "hm-land-registry": (
        "HM Land Registry",
        "https://www.gov.uk/government/organisations/land-registry",
    ),
    "scc": ("Southampton City Council", "https://www.southampton.gov.uk/"),
    "historic-england": ("Historic England", "https://historicengland.org.uk"),
    "ofqual": (
        "The Office of Qualifications and Examinations Regulation",
        "https://www.gov.uk/government/organisations/ofqual",
    ),
    "nhs-digital": ("NHS Digital", None),
    "food-standards-agency": ("Food Standards Agency", None),
    "government-commercial-agency": ("Government Commercial Agency", None),
}
_BY_NAME = {name.casefold(): (name, address) for name, address in ORGANISATIONS.values()}

#: Standard ids this module may refer to; each exists in seed/entries/standards.yaml.
STANDARD_IDS = ("hl7-fhir-r4", "hl7-fhir-stu3", "hl7-v3", "edifact")

#: Licence URLs that name an SPDX licence unambiguously.
_LICENCE_URLS = (
    (re.compile(r"nationalarchives\.gov\.uk/doc/open-government-licence/version/3"), "OGL-UK-3.0"),
)
_CSV_FIELDS = {"dateadded": "dateAdded", "startdate": "startDate", "enddate": "endDate"}
_JSON_KEYS = {"name": "data.name", "provider": "data.organisation"}
_TEMPLATE_MARKERS = frozenset({"required", "optional", "requiredbaseurl"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL_IN_TEXT = re.compile(r"[^@\s<>()\[\],;:]+@[^@\s<>()\[\],;:]+\.[A-Za-z]{2,}")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>()\[\]]+")
_SLUG_LIKE = re.compile(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")
_HSCN = re.compile(r"\(HSCN\)", re.IGNORECASE)
_FHIR = re.compile(r"\bFHIR\b", re.IGNORECASE)
_R4 = re.compile(r"\b(FHIR\s*)?R4\b")
_STU3 = re.compile(r"\b(FHIR\s*)?STU3\b")
_HL7_V3 = re.compile(r"\bHL7\s*V3\b", re.IGNORECASE)
_EDIFACT = re.compile(r"\bEDIFACT\b", re.IGNORECASE)


class UkApiCatalogueImporter:
    """The catalogue CSV and the federated api.gov.uk/v1alpha JSON."""

    name = "uk-api-catalogue"
    suffixes = (".csv", ".json")

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self._today = today

    def parse(self, text: str, source: str) -> FileResult:
        body = text.removeprefix("\ufeff")
        if not body.strip():
            return _rejected(source, "the file is empty")
        if body.lstrip()[:1] in ("{", "["):
            return self._parse_json(body, source)
        return self._parse_csv(body, source)

    # the federated JSON -----------------------------------------------------------
    def _parse_json(self, text: str, source: str) -> FileResult:
        try:
            data = parse_json(text, source)
        except DocumentError as exc:
            return _rejected(source, str(exc).removeprefix(f"{source}: "))
        if isinstance(data, dict) and "data" in data and "apis" not in data:
            items: list[tuple[str, Any]] = [(source, data)]
            version: Any = data.get("api-version")
        elif isinstance(data, dict) and isinstance(data.get("apis"), list):
            items = [(f"{source}#/apis/{i}", item) for i, item in enumerate(data["apis"])]
            version = data.get("api-version")
        else:
            return _rejected(
                source,
                "not an API catalogue file: JSON without an 'apis' list "
                f"(expected the {API_VERSION} federated format)",
            )
        result = FileResult()
        file_warnings = []
        if version != API_VERSION:
            shown = one_line(version, 40) if isinstance(version, str) else "missing"
            file_warnings.append(f"api-version is {shown}, not {API_VERSION}; read as if it were.")
        for where, item in items:
            data_item = item.get("data") if isinstance(item, dict) else None
            if not isinstance(data_item, dict):
                result.rejected.append(Rejected(where, "data is missing or not an object"))
                continue
            fields = {
                "name": data_item.get("name"),
                "description": data_item.get("description"),
                "url": data_item.get("url"),
                "documentation": data_item.get("documentation-url"),
                "maintainer": data_item.get("contact"),
                "provider": data_item.get("organisation"),
                "license": data_item.get("license", data_item.get("licence")),
            }
            _add(result, self._entry(fields, where, _JSON_KEYS), file_warnings)
        return result

    # the catalogue CSV --------------------------------------------------------------
    def _parse_csv(self, text: str, source: str) -> FileResult:
        reader = csv.reader(io.StringIO(text, newline=""))
        result = FileResult()
        header: list[str] | None = None
        file_warnings: list[str] = []
        line = 1
        try:
            for cells in reader:
                if header is None:
                    header = [" ".join(c.split()).lower() for c in cells]
                    missing = [c for c in REQUIRED_COLUMNS if c not in header]
                    if missing:
                        return _rejected(
                            source,
                            "not an API catalogue file: the CSV header lacks the column(s) "
                            f"{', '.join(missing)} (found: {_shown_header(cells)})",
                        )
                    unknown = [c for c in header if c and c not in KNOWN_COLUMNS]
                    if unknown:
                        file_warnings.append(f"column(s) {', '.join(unknown[:10])} are not read.")
                elif any(c.strip() for c in cells):
                    if _is_template_row(cells):
                        return _rejected(
                            source,
                            "not an API catalogue file: this is the empty submission template "
                            "(its rows describe the columns, they are not APIs)",
                        )
                    outcome = self._entry(_csv_fields(header, cells), f"{source}:line {line}", {})
                    _add(result, outcome, file_warnings)
                line = reader.line_num + 1
        except csv.Error as exc:
            result.rejected.append(
                Rejected(
                    f"{source}:line {line}", f"not readable as CSV: {exc}; rows after it skipped"
                )
            )
        if header is None:
            return _rejected(source, "the file is empty")
        if not result.entries and not result.rejected:
            return _rejected(source, "the CSV has a header but no rows")
        return result

    # one API ------------------------------------------------------------------------
    def _entry(
        self, fields: dict[str, Any], where: str, names: dict[str, str]
    ) -> Imported | Rejected:
        """An entry from the normalised fields; `names` maps a field to the source's key."""
        warnings: list[str] = []
        name = one_line(fields.get("name"), 150)
        if name is None:
            return Rejected(where, f"{names.get('name', 'name')} is empty: every API needs a name")
        owner = _owner(fields.get("provider"), warnings, names.get("provider", "provider"))
        if owner is None:
            return Rejected(
                where, f"{names.get('provider', 'provider')} is empty: every API needs an owner"
            )
        raw_description = fields.get("description")
        summary = summary_from(raw_description)
        if summary is None:
            summary = one_line(f"{name}: an API from {owner['name']}.", 200) or name
            warnings.append("description is empty; the summary was built from the name.")
        description = paragraphs(raw_description)
        if description == summary:
            description = None
        documentation = url(fields.get("documentation"), warnings, "documentation")
        homepage = url(fields.get("url"), warnings, "url")
        spdx, original = _licence(fields.get("license"), warnings)
        key = _key(fields, owner["name"], name)
        status, status_dates = self._status(fields, warnings)
        text = f"{name}\n{raw_description if isinstance(raw_description, str) else ''}"
        networks = ["hscn"] if _HSCN.search(name) else []
        document = {
            "id": stable_id(name, key),
            "kind": "api",
            "name": name,
            "summary": summary,
            "description": description,
            "status": status,
            "status_dates": status_dates,
            "licence": spdx,
            "owner": owner,
            "maintenance": _maintenance(fields.get("maintainer"), warnings),
            "urls": {"homepage": homepage, "documentation": documentation},
            "standards": [{"id": s} for s in _standards(name, text)],
            "tags": _tags(name),
            "access": {"networks": networks},
            "provenance": {
                "format": "uk-api-catalogue",
                "source": key,
                "original_licence": original,
            },
        }
        return Imported(compact(document), where, warnings)

    def _status(self, fields: dict[str, Any], warnings: list[str]) -> tuple[str, dict[str, str]]:
        dates: dict[str, str] = {}
        started = _date(fields.get("startDate"), warnings, "startDate")
        added = _date(fields.get("dateAdded"), warnings, "dateAdded")
        ended = _date(fields.get("endDate"), warnings, "endDate")
        if started or added:
            dates["live"] = started or added or ""
        if ended and date.fromisoformat(ended) < self._today():
            dates["retired"] = ended
            return "retired", dates
        return "live", dates


IMPORTER = UkApiCatalogueImporter()


def _rejected(source: str, reason: str) -> FileResult:
    return FileResult(rejected=[Rejected(source, reason)])


def _add(result: FileResult, outcome: Imported | Rejected, file_warnings: list[str]) -> None:
    if isinstance(outcome, Imported):
        outcome.warnings[:0] = file_warnings
        result.entries.append(outcome)
    else:
        result.rejected.append(outcome)


def _is_template_row(cells: list[str]) -> bool:
    """The submission template's second row says which columns are required."""
    return all(c.strip().lower() in _TEMPLATE_MARKERS for c in cells if c.strip())


def _csv_fields(header: list[str], cells: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for column, cell in zip(header, cells, strict=False):
        fields.setdefault(_CSV_FIELDS.get(column, column), cell)
    description = fields.get("description")
    if isinstance(description, str):
        # Some rows write line breaks as a literal backslash-n.
        fields["description"] = description.replace("\\r\\n", "\n").replace("\\n", "\n")
    return fields


def _shown_header(cells: list[str]) -> str:
    shown = ", ".join(one_line(c, 30) or "''" for c in cells[:12])
    return one_line(shown, 200) or "nothing"


def _owner(raw: Any, warnings: list[str], field: str) -> dict[str, str] | None:
    text = one_line(raw, 200)
    if text is None:
        return None
    known = ORGANISATIONS.get(text.lower()) or _BY_NAME.get(text.casefold())
    if known is not None:
        name, address = known
        return {"name": name, "url": address} if address else {"name": name}
    if _SLUG_LIKE.match(text) and ("-" in text or text.islower()):
        readable = " ".join(w.capitalize() for w in re.split(r"[-_]+", text) if w)
        warnings.append(
            f"{field}: '{text}' is not a known catalogue organisation; owner recorded as "
            f"'{readable}'."
        )
        return {"name": readable or text}
    return {"name": text}


def _licence(raw: Any, warnings: list[str]) -> tuple[str, str | None]:
    if isinstance(raw, str):
        for pattern, spdx in _LICENCE_URLS:
            if pattern.search(raw):
                return spdx, None
    return licence(raw, warnings, "license")


def _key(fields: dict[str, Any], owner: str, name: str) -> str:
    for field in ("documentation", "url"):
        value = fields.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()[:2000]
    return f"{owner}/{name}"[:2000]


def _date(raw: Any, warnings: list[str], field: str) -> str | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return None
    if _DATE.match(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return text
    warnings.append(f"{field}: '{one_line(text, 40)}' is not a date (YYYY-MM-DD); left out.")
    return None


def _maintenance(raw: Any, warnings: list[str]) -> dict[str, Any] | None:
    text = one_line(raw, 2000)
    if text is None:
        return None
    contact: dict[str, str] = {}
    found_email = _EMAIL_IN_TEXT.search(text)
    found_url = _URL_IN_TEXT.search(text)
    if found_email and email(found_email.group(0)):
        contact["email"] = found_email.group(0)
        rest = text[: found_email.start()].strip(" -\u2013\u2014:<>()[],;")
        if rest and len(rest) <= 100:
            contact["name"] = rest
    elif found_url:
        address = url(found_url.group(0).rstrip(".,;"), warnings, "maintainer")
        if address:
            contact["url"] = address
    if not contact:
        warnings.append(f"maintainer: '{one_line(text, 80)}' has no email or URL; left out.")
        return None
    return {"type": "internal", "contacts": [contact]}


def _standards(name: str, text: str) -> list[str]:
    found: list[str] = []
    if _FHIR.search(name):
        if _R4.search(text):
            found.append("hl7-fhir-r4")
        if _STU3.search(text):
            found.append("hl7-fhir-stu3")
    if _HL7_V3.search(name):
        found.append("hl7-v3")
    if _EDIFACT.search(name):
        found.append("edifact")
    return [s for s in found if s in STANDARD_IDS]


def _tags(name: str) -> list[str]:
    words = []
    if _FHIR.search(name):
        words.append("fhir")
    if _HL7_V3.search(name):
        words.append("hl7 v3")
    if _EDIFACT.search(name):
        words.append("edifact")
    if _HSCN.search(name):
        words.append("hscn")
    return tags(words)
