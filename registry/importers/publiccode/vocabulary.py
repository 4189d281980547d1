"""The standard's vocabularies, our mappings of them, size limits and patterns."""

import re


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
