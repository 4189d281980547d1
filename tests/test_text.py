"""Tests for registry.text: refused characters, NFC, and cleaning for importers."""

import pytest

from registry.text import describe, nfc, refused_character, strip_refused


@pytest.mark.parametrize(
    "char",
    [
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\u200b",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\x00",
        "\x1b",
        "\x7f",
        "\x85",
        "\u2028",
        "\u2029",
        "\ud800",
    ],
)
def test_refused_characters_are_found_in_any_text(char: str) -> None:
    assert refused_character(f"a{char}b", multi_line=True) == char


@pytest.mark.parametrize("char", ["\t", "\n"])
def test_tab_and_newline_are_refused_only_on_one_line(char: str) -> None:
    assert refused_character(f"a{char}b", multi_line=False) == char
    assert refused_character(f"a{char}b", multi_line=True) is None


def test_ordinary_text_in_any_script_is_kept() -> None:
    assert refused_character("Café, Łódź, 日本語, עברית, العربية — ok™", multi_line=False) is None


def test_describe_names_the_character() -> None:
    assert describe("\u202e") == "U+202E (RIGHT-TO-LEFT OVERRIDE)"


def test_nfc_composes_every_string_keys_included() -> None:
    assert nfc({"Cafe\u0301": ["Cafe\u0301", 1, None]}) == {"Café": ["Café", 1, None]}


def test_nfc_turns_crlf_into_lf() -> None:
    assert nfc("one\r\ntwo") == "one\ntwo"


def test_strip_refused_keeps_newlines_only_in_multi_line_text() -> None:
    assert strip_refused("a\u202eb\u200bc\nd") == "abcd"
    assert strip_refused("a\u202eb\nc\td", multi_line=True) == "ab\nc\td"


def test_nfc_keeps_a_part_shared_by_yaml_aliases_shared() -> None:
    # An alias bomb's shape: copying each reference would make 9**levels strings (at nine
    # levels, 387 million: the server stalled on 400 bytes of YAML).
    level: list[object] = ["e\u0301"] * 9
    for _ in range(3):
        level = [level] * 9
    converted = nfc({"bomb": level})

    assert converted["bomb"][0] is converted["bomb"][1]
    inner = converted["bomb"]
    for _ in range(3):
        inner = inner[0]
    assert inner[0] == "\u00e9"


def test_nfc_converts_a_structure_that_contains_itself() -> None:
    loop: list[object] = ["e\u0301"]
    loop.append(loop)

    converted = nfc(loop)

    assert converted[0] == "\u00e9"
    assert converted[1] is converted
