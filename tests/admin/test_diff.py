"""The field-by-field difference between two documents."""

from catalogue.admin.diff import Change, diff


def test_diff_names_changed_fields_by_json_pointer() -> None:
    before = {"name": "A", "urls": {"homepage": "https://a"}, "tags": ["x"], "gone": 1}
    after = {
        "name": "B",
        "urls": {"homepage": "https://a", "docs/api": "https://d"},
        "tags": ["x", "y"],
    }

    assert diff(before, after) == [
        Change("/gone", "1", ""),
        Change("/name", "A", "B"),
        Change("/tags/1", "", "y"),
        Change("/urls/docs~1api", "", "https://d"),
    ]


def test_diff_of_equal_documents_is_empty() -> None:
    assert diff({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) == []


def test_diff_shows_replaced_structures_as_json() -> None:
    assert diff({"a": {"b": 1}}, {"a": "text"}) == [Change("/a", '{"b": 1}', "text")]
