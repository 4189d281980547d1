"""Tests for registry.importers.backstage: catalog-info.yaml entities to entries."""

from pathlib import Path
from typing import Any

import pytest

from registry.documents import MAX_DEPTH, dump_yaml
from registry.importers import importer_for
from registry.importers.backstage import IMPORTER, OPENAPI_STANDARD
from registry.importers.base import FileResult, Imported
from tests.importers.checks import SHARED_DATA, assert_all_valid, seed_vocabularies

EXAMPLES = SHARED_DATA / "backstage-catalog-examples"
REAL_FILES = sorted(EXAMPLES.rglob("*.yaml"))


def an_entity(kind: str = "Component", **overrides: Any) -> dict[str, Any]:
    """A Backstage entity; `metadata` and `spec` keyword arguments are merged in."""
    entity: dict[str, Any] = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": "artist-lookup", "description": "Looks up artists by name."},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"},
    }
    for part in ("metadata", "spec"):
        entity[part].update(overrides.pop(part, {}))
    entity.update(overrides)
    return entity


def stream(*entities: Any) -> str:
    return "---\n".join(dump_yaml(e) for e in entities)


def parse(*entities: Any) -> FileResult:
    return IMPORTER.parse(stream(*entities), "catalog-info.yaml")


def only(result: FileResult) -> Imported:
    assert result.rejected == []
    assert len(result.entries) == 1
    return result.entries[0]


def entry(**overrides: Any) -> dict[str, Any]:
    return only(parse(an_entity(**overrides))).document


def parse_file(path: Path) -> FileResult:
    return IMPORTER.parse(path.read_text(encoding="utf-8"), str(path.relative_to(EXAMPLES)))


# the format ---------------------------------------------------------------------------


def test_importer_is_registered_under_its_format_name() -> None:
    importer: object = importer_for("backstage")

    assert importer is IMPORTER
    assert IMPORTER.suffixes == (".yaml", ".yml")


def test_openapi_standard_exists_in_the_seed() -> None:
    assert OPENAPI_STANDARD in seed_vocabularies().standards


# real data ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_real_file_imports_or_is_rejected_with_a_reason(path: Path) -> None:
    result = parse_file(path)

    assert all(r.reason for r in result.rejected)
    assert_all_valid(result)


def test_real_files_give_the_expected_counts() -> None:
    results = [parse_file(p) for p in REAL_FILES]

    assert sum(len(r.entries) for r in results) == 10
    assert sum(len(r.rejected) for r in results) == 10


def test_real_examples_give_one_entry_per_reusable_entity() -> None:
    result = parse_file(
        EXAMPLES / "backstage-create-app-npm/templates/default-app/examples/entities.yaml"
    )

    assert [(e.document["kind"], e.document["name"]) for e in result.entries] == [
        ("service", "examples"),
        ("software", "example-website"),
        ("api", "example-grpc-api"),
    ]


def test_real_unrendered_skeleton_is_rejected() -> None:
    path = EXAMPLES / "backstage-software-templates/scaffolder-templates/docs-template"
    result = parse_file(path / "skeleton/catalog-info.yaml")

    assert result.entries == []
    assert "placeholder" in result.rejected[0].reason


def test_real_skeleton_that_is_not_yaml_is_rejected_naming_templates() -> None:
    path = EXAMPLES / "backstage-software-templates/scaffolder-templates/create-react-app"
    result = parse_file(path / "skeleton/catalog-info.yaml")

    assert result.entries == []
    assert "not valid YAML" in result.rejected[0].reason
    assert "template placeholders" in result.rejected[0].reason


def test_real_entity_with_invalid_name_is_rejected() -> None:
    path = EXAMPLES / "backstage-backstage/packages/catalog-model/examples/components"
    result = parse_file(path / "invalid-component.yaml")

    assert result.entries == []
    assert result.rejected[0].source.endswith("invalid-component.yaml#/0")
    assert "metadata.name" in result.rejected[0].reason


# kinds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec_type", "kind"),
    [("service", "service"), ("website", "software"), ("library", "library")],
)
def test_component_kind_follows_spec_type(spec_type: str, kind: str) -> None:
    assert entry(spec={"type": spec_type})["kind"] == kind


def test_component_of_other_type_is_software_with_warning() -> None:
    item = only(parse(an_entity(spec={"type": "documentation"})))

    assert item.document["kind"] == "software"
    assert any("documentation" in w for w in item.warnings)


def test_api_is_an_api() -> None:
    assert only(parse(an_entity("API", spec={"type": "grpc"}))).document["kind"] == "api"


def test_openapi_api_implements_the_openapi_standard() -> None:
    document = only(parse(an_entity("API", spec={"type": "openapi"}))).document

    assert document["standards"] == [{"id": "openapi"}]
    assert document["tags"] == ["openapi"]


@pytest.mark.parametrize("spec_type", ["asyncapi", "graphql", "grpc"])
def test_other_api_type_becomes_a_tag(spec_type: str) -> None:
    document = only(parse(an_entity("API", spec={"type": spec_type}))).document

    assert document["tags"] == [spec_type]
    assert "standards" not in document


def test_api_definition_url_is_the_api_specification() -> None:
    spec = {"type": "openapi", "definition": {"$text": "https://example.org/openapi.yaml"}}
    document = only(parse(an_entity("API", spec=spec))).document

    assert document["urls"] == {"api_specification": "https://example.org/openapi.yaml"}


def test_system_is_a_live_service() -> None:
    system = an_entity("System", spec={"type": None, "lifecycle": None})
    item = only(parse(system))

    assert item.document["kind"] == "service"
    assert item.document["status"] == "live"


def test_database_resource_is_a_dataset() -> None:
    assert only(parse(an_entity("Resource", spec={"type": "database"}))).document["kind"] == (
        "dataset"
    )


def test_other_resource_is_a_service_with_warning() -> None:
    item = only(parse(an_entity("Resource", spec={"type": "kubernetes-cluster"})))

    assert item.document["kind"] == "service"
    assert any("kubernetes-cluster" in w for w in item.warnings)


@pytest.mark.parametrize("kind", ["Group", "User", "Domain", "Template", "AiResource"])
def test_other_kind_is_skipped_not_rejected(kind: str) -> None:
    result = parse(an_entity(kind))

    assert result.entries == []
    assert result.rejected == []


def test_skipped_kind_is_a_file_warning() -> None:
    result = parse(an_entity(), an_entity("Group", metadata={"name": "team-a"}))

    assert any("group:default/team-a skipped" in w for w in result.warnings)
    assert only(result).warnings == []


def test_file_of_only_skipped_kinds_explains_itself() -> None:
    result = parse(an_entity("Group", metadata={"name": "team-a"}))

    assert result.entries == []
    assert result.rejected == []
    assert any("skipped" in w for w in result.warnings)


def test_location_targets_are_not_followed() -> None:
    location = an_entity("Location", spec={"targets": ["./a.yaml", "./b.yaml"]})
    result = parse(an_entity(), location)

    assert len(result.entries) == 1
    assert any("2 target(s) were not followed" in w for w in result.warnings)


# fields -------------------------------------------------------------------------------


def test_name_is_the_title_when_given() -> None:
    assert entry(metadata={"title": "Artist Lookup"})["name"] == "Artist Lookup"


def test_name_is_the_entity_name_without_title() -> None:
    assert entry()["name"] == "artist-lookup"


def test_summary_is_the_description() -> None:
    assert entry()["summary"] == "Looks up artists by name."


def test_missing_description_builds_summary_with_warning() -> None:
    entity = an_entity()
    del entity["metadata"]["description"]
    item = only(parse(entity))

    assert item.document["summary"] == (
        "A service component named artist-lookup, from a Backstage software catalog."
    )
    assert any("metadata.description" in w for w in item.warnings)


@pytest.mark.parametrize(
    ("owner", "name"),
    [
        ("team-a", "Team A"),
        ("group:default/team-a", "Team A"),
        ("group:platform/team-a", "Team A (platform)"),
        ("backstage/maintainers", "Maintainers (backstage)"),
    ],
)
def test_owner_ref_becomes_a_readable_name(owner: str, name: str) -> None:
    assert entry(spec={"owner": owner})["owner"] == {"name": name}


def test_user_owner_is_warned_about() -> None:
    item = only(parse(an_entity(spec={"owner": "user:guest"})))

    assert item.document["owner"] == {"name": "Guest"}
    assert any("person" in w for w in item.warnings)


def test_missing_owner_falls_back_to_namespace_with_warning() -> None:
    item = only(parse(an_entity(metadata={"namespace": "payments"}, spec={"owner": None})))

    assert item.document["owner"] == {"name": "Payments"}
    assert any("spec.owner" in w for w in item.warnings)


@pytest.mark.parametrize(
    ("lifecycle", "status"),
    [("experimental", "alpha"), ("production", "live"), ("deprecated", "deprecated")],
)
def test_lifecycle_gives_status(lifecycle: str, status: str) -> None:
    assert entry(spec={"lifecycle": lifecycle})["status"] == status


def test_unknown_lifecycle_is_beta_with_warning() -> None:
    item = only(parse(an_entity(spec={"lifecycle": "pilot"})))

    assert item.document["status"] == "beta"
    assert any("pilot" in w for w in item.warnings)


def test_links_fill_urls_by_title() -> None:
    links = [
        {"url": "https://docs.example.org", "title": "Documentation"},
        {"url": "https://github.com/example/lookup", "title": "Source repository"},
        {"url": "https://example.org", "title": "Website"},
        {"url": "https://grafana.example.org", "title": "Dashboard"},
    ]

    assert entry(metadata={"links": links})["urls"] == {
        "documentation": "https://docs.example.org",
        "repository": "https://github.com/example/lookup",
        "homepage": "https://example.org",
    }


def test_link_type_counts_like_its_title() -> None:
    links = [{"url": "https://docs.example.org", "type": "docs"}]

    assert entry(metadata={"links": links})["urls"] == {"documentation": "https://docs.example.org"}


def test_invalid_link_url_is_left_out_with_warning() -> None:
    item = only(parse(an_entity(metadata={"links": [{"url": "not a url", "title": "Docs"}]})))

    assert "urls" not in item.document
    assert any("metadata.links[0].url" in w for w in item.warnings)


def test_github_project_slug_gives_repository() -> None:
    annotations = {"github.com/project-slug": "backstage/demo"}

    assert entry(metadata={"annotations": annotations})["urls"] == {
        "repository": "https://github.com/backstage/demo"
    }


def test_source_location_annotation_gives_repository() -> None:
    location = "url:https://github.com/example/lookup/tree/main/"
    annotations = {"backstage.io/source-location": location}

    assert entry(metadata={"annotations": annotations})["urls"] == {
        "repository": "https://github.com/example/lookup/tree/main/"
    }


def test_techdocs_ref_is_ignored() -> None:
    annotations = {"backstage.io/techdocs-ref": "url:https://github.com/example/docs"}

    assert "urls" not in entry(metadata={"annotations": annotations})


def test_tags_are_kept() -> None:
    assert entry(metadata={"tags": ["java", "data"]})["tags"] == ["java", "data"]


def test_licence_is_noassertion_for_a_service_without_warning() -> None:
    item = only(parse(an_entity()))

    assert item.document["licence"] == "NOASSERTION"
    assert item.warnings == []


def test_licence_is_noassertion_for_software_with_warning() -> None:
    item = only(parse(an_entity(spec={"type": "library"})))

    assert item.document["licence"] == "NOASSERTION"
    assert any("licence" in w for w in item.warnings)


def test_licence_annotation_is_mapped() -> None:
    annotations = {"example.com/license": "Apache-2.0"}

    assert entry(metadata={"annotations": annotations})["licence"] == "Apache-2.0"


def test_dependencies_are_named_and_flagged_not_open_source() -> None:
    spec = {"dependsOn": ["resource:artists-db"], "consumesApis": ["api:default/search"]}
    item = only(parse(an_entity(spec=spec)))

    assert item.document["depends_on"] == [
        {"name": "artists-db", "open_source": False},
        {"name": "search", "open_source": False},
    ]
    assert any("open_source" in w for w in item.warnings)


# ids and provenance -------------------------------------------------------------------


def test_provenance_is_the_entity_ref() -> None:
    assert entry()["provenance"] == {
        "format": "backstage",
        "source": "component:default/artist-lookup",
    }


def test_same_input_gives_same_ids() -> None:
    text = stream(an_entity(), an_entity("API", spec={"type": "grpc"}))

    first = [e.document["id"] for e in IMPORTER.parse(text, "a.yaml").entries]
    second = [e.document["id"] for e in IMPORTER.parse(text, "b.yaml").entries]

    assert first == second


def test_same_name_in_other_namespaces_gives_other_ids() -> None:
    result = parse(an_entity(), an_entity(metadata={"namespace": "other"}))

    assert len({e.document["id"] for e in result.entries}) == 2


def test_same_entity_twice_in_a_file_is_rejected_the_second_time() -> None:
    result = parse(an_entity(), an_entity())

    assert len(result.entries) == 1
    assert result.rejected[0].source == "catalog-info.yaml#/1"


# rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remove", "named"),
    [("apiVersion", "apiVersion"), ("kind", "kind"), ("metadata", "metadata")],
)
def test_document_without_required_key_is_rejected_naming_it(remove: str, named: str) -> None:
    entity = an_entity()
    del entity[remove]
    result = parse(entity)

    assert result.entries == []
    assert named in result.rejected[0].reason


def test_document_without_name_is_rejected_naming_it() -> None:
    entity = an_entity()
    del entity["metadata"]["name"]

    assert "metadata.name" in parse(entity).rejected[0].reason


def test_one_bad_document_rejects_only_itself() -> None:
    result = parse(an_entity(), ["not", "a", "mapping"], an_entity("API", spec={"type": "grpc"}))

    assert len(result.entries) == 2
    assert [r.source for r in result.rejected] == ["catalog-info.yaml#/1"]
    assert "mapping" in result.rejected[0].reason


def test_one_document_that_is_not_yaml_rejects_only_itself() -> None:
    text = stream(an_entity()) + "---\nkey: [unclosed\n---\n" + stream(an_entity("API"))
    result = IMPORTER.parse(text, "c.yaml")

    assert len(result.entries) == 2
    assert [r.source for r in result.rejected] == ["c.yaml#/1"]
    assert "not valid YAML" in result.rejected[0].reason


def test_unrendered_template_name_is_rejected() -> None:
    result = parse(an_entity(metadata={"name": "${{ values.name | dump }}"}))

    assert "placeholder" in result.rejected[0].reason


def test_unknown_api_version_is_read_with_warning() -> None:
    item = only(parse(an_entity(apiVersion="example.com/v2")))

    assert any("apiVersion" in w for w in item.warnings)


# hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n# only a comment\n",
        "\x00\x01\x02 binary \x00",
        "- a\n- list\n",
        "just a string",
        "[" * 10000 + "]" * 10000,
        "a:\n" + "".join("  " * i + "- \n" for i in range(1, 2000)),
        "a: !!int abc",
        "a: !!timestamp nope",
        "a: !!python/object:os.system {}",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: &m {name: *m}\n",
        "apiVersion: x\nkind: Component\nmetadata: {name: [1, 2]}\n",
    ],
    ids=lambda t: repr(t[:24]),
)
def test_hostile_input_is_rejected_without_raising(text: str) -> None:
    result = IMPORTER.parse(text, "hostile.yaml")

    assert result.entries == []
    assert result.rejected
    assert all(r.reason for r in result.rejected)


def test_ten_kilobytes_of_garbage_is_rejected() -> None:
    garbage = "".join(chr(33 + (i * 7919) % 90) for i in range(10_240))

    result = IMPORTER.parse(garbage, "garbage.yaml")

    assert result.entries == []
    assert result.rejected


def test_deeply_nested_value_inside_an_entity_does_not_break_it() -> None:
    nested: Any = "x"
    for _ in range(MAX_DEPTH - 10):  # deeper documents are refused as a whole (documents.py)
        nested = {"deeper": nested}
    item = only(parse(an_entity(metadata={"labels": nested, "tags": [nested]})))

    assert_all_valid(FileResult(entries=[item]))
