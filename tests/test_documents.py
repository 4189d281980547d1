"""Tests for registry.documents: YAML and JSON text in, Python data out, and back."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from registry.documents import (
    MAX_DEPTH,
    DocumentError,
    dump_json,
    dump_yaml,
    entries_in,
    parse_json,
    parse_yaml,
    read_file,
)
from tests.builders import a_full_entry, an_entry, write


def test_yaml_date_stays_a_string() -> None:
    assert parse_yaml("live: 2024-05-01") == {"live": "2024-05-01"}


def test_yaml_timestamp_stays_a_string() -> None:
    assert parse_yaml("at: 2024-05-01T10:00:00Z") == {"at": "2024-05-01T10:00:00Z"}


def test_yaml_other_scalars_are_still_typed() -> None:
    assert parse_yaml("n: 3\nb: true\nx: null") == {"n": 3, "b": True, "x": None}


DEEP = 1000


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: " + "[" * DEEP + "]" * DEEP, id="flow-sequences"),
        pytest.param("a: " + "{a: " * DEEP + "1" + "}" * DEEP, id="flow-mappings"),
        pytest.param("".join("  " * i + "a:\n" for i in range(DEEP)), id="block-mappings"),
        pytest.param("- " * DEEP + "x", id="block-sequences"),
        pytest.param("a: " + "[\n" * DEEP, id="unclosed"),
    ],
)
def test_yaml_nested_beyond_the_bound_is_refused_before_it_is_read(text: str) -> None:
    with pytest.raises(DocumentError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse_yaml(text, "body")


def _nested_lists(levels: int) -> Any:
    value: Any = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_yaml_nested_to_the_bound_is_read() -> None:
    inner = MAX_DEPTH - 1  # the mapping is the first level
    text = "a: " + "[" * inner + "]" * inner

    assert parse_yaml(text) == {"a": _nested_lists(inner)}


def test_json_nested_beyond_the_bound_is_refused() -> None:
    with pytest.raises(DocumentError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse_json("[" * 100 + "]" * 100)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: [1, 2", 1, 9),
        ("a: b: c", 1, 5),
        ("a: 1\n b: 2", 2, 3),
        ("- a\nb: c", 2, 1),
    ],
)
def test_malformed_yaml_raises_document_error_with_line_and_column(
    text: str, line: int, column: int
) -> None:
    with pytest.raises(DocumentError, match=rf"line {line}, column {column}"):
        parse_yaml(text, "entry.yaml")


def test_yaml_error_names_the_source() -> None:
    with pytest.raises(DocumentError, match=re.escape("entry.yaml")):
        parse_yaml("a: [", "entry.yaml")


def test_yaml_python_tags_are_refused() -> None:
    with pytest.raises(DocumentError):
        parse_yaml("!!python/object/apply:os.system ['true']")


def test_deeply_nested_yaml_raises_document_error() -> None:
    depth = 100_000
    text = "[" * depth + "]" * depth

    with pytest.raises(DocumentError):
        parse_yaml(text)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"a": 1,}', 1, 9),
        ('{\n"a": }', 2, 6),
        ("[1, 2", 1, 6),
        ("", 1, 1),
    ],
)
def test_malformed_json_raises_document_error_with_line_and_column(
    text: str, line: int, column: int
) -> None:
    with pytest.raises(DocumentError, match=rf"line {line}, column {column}"):
        parse_json(text, "entry.json")


def test_json_error_names_the_source() -> None:
    with pytest.raises(DocumentError, match=re.escape("entry.json")):
        parse_json("{", "entry.json")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="arrays"),
        pytest.param('{"a":' * 100_000 + "1" + "}" * 100_000, id="objects"),
    ],
)
def test_deeply_nested_json_raises_document_error(text: str) -> None:
    with pytest.raises(DocumentError, match="nested"):
        parse_json(text)


def test_json_bytes_that_are_not_utf8_raise_document_error() -> None:
    with pytest.raises(DocumentError):
        parse_json(b"\xff\xfe\xfa")


def test_json_bytes_are_parsed() -> None:
    assert parse_json(b'{"id": "x"}') == {"id": "x"}


@pytest.mark.parametrize(
    ("document", "entries"),
    [
        pytest.param({"entries": [{"id": "a"}, {"id": "b"}]}, [{"id": "a"}, {"id": "b"}], id="map"),
        pytest.param([{"id": "a"}, {"id": "b"}], [{"id": "a"}, {"id": "b"}], id="list"),
        pytest.param({"id": "a"}, [{"id": "a"}], id="one-entry"),
        pytest.param({"entries": {"id": "a"}}, [{"id": "a"}], id="entries-not-a-list"),
        pytest.param(
            {"id": "a", "entries": [1]}, [{"id": "a", "entries": [1]}], id="entry-with-entries"
        ),
        pytest.param([], [], id="empty-list"),
    ],
)
def test_entries_in_finds_the_entries_a_file_holds(document: Any, entries: list[Any]) -> None:
    assert entries_in(document) == entries


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(an_entry(), id="minimal-entry"),
        pytest.param(a_full_entry(), id="full-entry"),
        pytest.param(
            {
                "date": "2024-05-01",
                "yes": "yes",
                "null": "null",
                "number": "1.0",
                "octal": "0o17",
                "colon": "a: b",
                "lines": "a\nb",
                "empty": "",
                "unicode": "café ☃",
            },
            id="strings-that-look-like-other-things",
        ),
    ],
)
def test_dump_yaml_round_trips_through_parse_yaml(data: Any) -> None:
    assert parse_yaml(dump_yaml(data)) == data


def test_dump_yaml_keeps_field_order() -> None:
    text = dump_yaml({"id": "x", "kind": "api", "name": "N"})

    assert list(parse_yaml(text)) == ["id", "kind", "name"]


def test_dump_json_round_trips_through_parse_json() -> None:
    data = a_full_entry()

    assert parse_json(dump_json(data)) == data


def test_dump_json_keeps_non_ascii_text() -> None:
    assert "café" in dump_json({"name": "café"})


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json", ".JSON"])
def test_read_file_parses_by_suffix(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"entry{suffix}", json.dumps({"id": "x", "live": "2024-05-01"}))

    assert read_file(path) == {"id": "x", "live": "2024-05-01"}


def test_read_file_of_invalid_utf8_raises_document_error(tmp_path: Path) -> None:
    path = tmp_path / "entry.yaml"
    path.write_bytes(b"id: \xff\xfe")

    with pytest.raises(DocumentError, match="UTF-8"):
        read_file(path)


def test_read_file_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.json", "{")

    with pytest.raises(DocumentError, match=re.escape("broken.json")):
        read_file(path)


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_json, '{"name": "a\\udcffb"}'),
        (parse_json, '{"a\\ud800": 1}'),
        (parse_yaml, 'name: "a\\udcffb"\n'),
    ],
)
def test_a_lone_surrogate_escape_is_refused(parse: Any, text: str) -> None:
    with pytest.raises(DocumentError, match="not valid Unicode"):
        parse(text, "body")


def test_a_surrogate_pair_escape_is_one_character() -> None:
    assert parse_json('{"name": "\\ud83d\\ude00"}') == {"name": "\U0001f600"}
