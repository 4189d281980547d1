"""Property-based: schemathesis drives every operation of the app's own OpenAPI document.

No input may cause a 5xx, and every response must match what the document declares
(status code, content type, headers, body schema).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar import Litestar
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema

from registry.wiring import Services
from tests.conftest import Keys, bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(app: Litestar, seeded: Services) -> BaseSchema:
    return schemathesis.openapi.from_asgi("/api/v1/openapi/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_openapi(case: Case, keys: Keys) -> None:
    # Each generated request is sent without a key, as a supplier and as a reviewer.
    for headers in ({}, bearer(keys.supplier), bearer(keys.reviewer)):
        case.call_and_validate(headers={**(case.headers or {}), **headers}, checks=CHECKS)
