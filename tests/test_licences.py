"""Tests for registry.licences: SPDX expressions parsed, canonicalised and judged open."""

import pytest

from registry.licences import NO_ASSERTION, analyse, current_id_for


@pytest.mark.parametrize(
    ("expression", "canonical"),
    [
        ("MIT", "MIT"),
        ("mit", "MIT"),
        ("apache-2.0", "Apache-2.0"),
        ("Apache-2.0 OR MIT", "Apache-2.0 OR MIT"),
        ("mit or apache-2.0", "MIT OR Apache-2.0"),
        ("MIT AND BSD-3-Clause", "MIT AND BSD-3-Clause"),
        ("(mit or apache-2.0) and bsd-3-clause", "(MIT OR Apache-2.0) AND BSD-3-Clause"),
        (
            "gpl-2.0-only with classpath-exception-2.0",
            "GPL-2.0-only WITH Classpath-exception-2.0",
        ),
        ("LicenseRef-Proprietary", "LicenseRef-Proprietary"),
        ("MIT  OR   Apache-2.0", "MIT OR Apache-2.0"),
    ],
)
def test_valid_expression_is_canonicalised(expression: str, canonical: str) -> None:
    report = analyse(expression)

    assert report.valid
    assert report.errors == []
    assert report.canonical == canonical


def test_report_keeps_the_expression_as_given() -> None:
    assert analyse("mit").expression == "mit"


def test_current_licence_has_no_warning_or_suggestion() -> None:
    report = analyse("Apache-2.0")

    assert report.warnings == []
    assert report.suggestion is None


@pytest.mark.parametrize(
    ("expression", "open_source"),
    [
        ("MIT", True),
        ("Apache-2.0", True),
        ("CC0-1.0", True),
        ("LicenseRef-Proprietary", False),
        ("LicenseRef-Proprietary OR MIT", True),
        ("MIT OR LicenseRef-Proprietary", True),
        ("MIT AND LicenseRef-X", False),
        ("MIT AND Apache-2.0", True),
        ("MIT AND (Apache-2.0 OR LicenseRef-X)", True),
        ("LicenseRef-Proprietary AND LicenseRef-X", False),
        ("GPL-2.0-only WITH Classpath-exception-2.0", True),
        ("LicenseRef-X WITH Classpath-exception-2.0", False),
        ("GPL-2.0-only WITH Classpath-exception-2.0 AND LicenseRef-X", False),
    ],
)
def test_open_source_is_derived_from_the_expression(expression: str, open_source: bool) -> None:
    report = analyse(expression)

    assert report.valid
    assert report.open_source is open_source


@pytest.mark.parametrize(
    ("deprecated", "current"),
    [
        ("GPL-3.0", "GPL-3.0-only"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("AGPL-3.0", "AGPL-3.0-only"),
        ("LGPL-2.1+", "LGPL-2.1-or-later"),
        ("GPL-2.0-with-classpath-exception", "GPL-2.0-only WITH Classpath-exception-2.0"),
        ("gpl-3.0", "GPL-3.0-only"),
    ],
)
def test_deprecated_id_is_accepted_with_the_current_id_suggested(
    deprecated: str, current: str
) -> None:
    report = analyse(deprecated)

    assert report.valid
    assert report.suggestion == current
    assert len(report.warnings) == 1
    assert "deprecated" in report.warnings[0]
    assert current in report.warnings[0]


def test_deprecated_id_inside_an_expression_is_replaced_in_the_suggestion() -> None:
    report = analyse("GPL-3.0 OR MIT")

    assert report.valid
    assert report.suggestion == "GPL-3.0-only OR MIT"


@pytest.mark.parametrize("deprecated", ["GPL-3.0", "GPL-2.0+", "GPL-2.0-with-classpath-exception"])
def test_deprecated_open_licence_stays_open_source(deprecated: str) -> None:
    assert analyse(deprecated).open_source is True


@pytest.mark.parametrize(
    ("deprecated", "current"),
    [
        ("GPL-3.0", "GPL-3.0-only"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("GPL-2.0-with-classpath-exception", "GPL-2.0-only WITH Classpath-exception-2.0"),
        ("StandardML-NJ", "SMLNJ"),
    ],
)
def test_current_id_for_gives_the_replacement(deprecated: str, current: str) -> None:
    assert current_id_for(deprecated) == current


def test_current_id_for_is_none_without_a_replacement() -> None:
    assert current_id_for("Net-SNMP") is None


@pytest.mark.parametrize("expression", ["NOASSERTION", "noassertion", " NOASSERTION "])
def test_noassertion_is_accepted_as_no_licence_asserted(expression: str) -> None:
    report = analyse(expression)

    assert report.valid
    assert report.canonical == NO_ASSERTION
    assert any("no licence is asserted" in w.lower() for w in report.warnings)


def test_noassertion_is_not_open_source() -> None:
    assert analyse("NOASSERTION").open_source is False


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param("MIT OR", id="dangling-or"),
        pytest.param("MIT AND", id="dangling-and"),
        pytest.param("AND", id="operator-only"),
        pytest.param("GPL-2.0-only WITH", id="dangling-with"),
        pytest.param("Other", id="unknown-id"),
        pytest.param("MIT+", id="plus-on-non-plus-licence"),
        pytest.param("MIT WITH Foo-exception", id="unknown-exception"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("((((", id="open-parentheses"),
        pytest.param("()", id="empty-parentheses"),
        pytest.param("MIT)", id="unbalanced-parenthesis"),
        pytest.param("A" * 10_000, id="10kB"),
        pytest.param("MIT OR " * 1_500 + "MIT OR", id="long-expression"),
        pytest.param("MIT\x00", id="nul"),
        pytest.param("MIT\x07 OR BSD-3-Clause", id="bell"),
        pytest.param("\x1b[31mMIT", id="ansi-escape"),
        pytest.param("MIT'; DROP TABLE entries;--", id="sql"),
        pytest.param("<script>alert(1)</script>", id="script"),
        pytest.param("MIT OR NOASSERTION", id="noassertion-in-expression"),
    ],
)
def test_invalid_expression_gives_a_report_with_errors(expression: str) -> None:
    report = analyse(expression)

    assert not report.valid
    assert report.errors
    assert report.canonical is None
    assert report.open_source is False


def test_unknown_exception_is_named_in_the_error() -> None:
    report = analyse("MIT WITH Foo-exception")

    assert any("Foo-exception" in e for e in report.errors)


def test_unknown_id_is_named_in_the_error() -> None:
    report = analyse("MIT OR Other")

    assert any("'Other'" in e for e in report.errors)


def test_empty_expression_says_it_is_empty() -> None:
    assert any("empty" in e for e in analyse("").errors)


def test_document_licence_ref_is_accepted() -> None:
    # SPDX allows a LicenseRef defined in another document; the module's own pattern
    # (`_LICENSE_REF`) accepts this form.
    report = analyse("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2")

    assert report.valid
