"""Template data built from registry values."""

from catalogue.context import licence_words, search_url, text_blocks


def test_text_blocks_keep_paragraphs_and_bullet_lists() -> None:
    text = "Use this API.\n\nYou can:\n- search for patients\n- get details\n\nAfter."

    assert text_blocks(text) == [
        {"p": "Use this API."},
        {"p": "You can:"},
        {"ul": ["search for patients", "get details"]},
        {"p": "After."},
    ]


def test_text_blocks_of_empty_text_are_empty() -> None:
    assert text_blocks("  \n\n ") == []


def test_licence_in_words() -> None:
    assert licence_words("MIT") == "Open source (MIT)"
    assert licence_words("LicenseRef-Proprietary") == "Proprietary (not open source)"
    assert licence_words("NOASSERTION") == "Licence not stated"
    assert licence_words("MIT AND LicenseRef-Mine") == "Not open source (MIT AND LicenseRef-Mine)"


def test_search_url_replaces_and_removes_parameters() -> None:
    params = {"q": ["fhir"], "kind": ["api", "software"], "page": ["3"]}

    assert search_url(params, kind=["api"], page=None) == "/search?q=fhir&kind=api"
    assert search_url({}) == "/search"
