"""Property-based: schemathesis drives every operation of the app's own OpenAPI document.

Every schemathesis check runs (tests/api/schemathesis_checks.py): no input may cause a
5xx, every response must match what the document declares (status code, content type,
headers, body schema), schema-valid data is accepted and invalid data refused, methods
and Allow headers match, and authentication is enforced where declared. Each generated
request is sent without a key, as a supplier and as a reviewer. The run is derandomised
(a fixed seed), so it gives the same answer every time; `bench/schemathesis_run.py` runs
longer with fresh random data.
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from schemathesis.generation.case import Case

from registry.wiring import Services
from tests.api.schemathesis_checks import all_checks, configure
from tests.conftest import Keys, bearer

CHECKS = all_checks()
EXAMPLES_PER_OPERATION = 25


@pytest.mark.slow
def test_api_conforms_to_its_openapi(app: Litestar, seeded: Services, keys: Keys) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi/openapi.json", app)
    configure(schema)
    identities = [{}, bearer(keys.supplier), bearer(keys.reviewer)]
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: Case[Any]) -> None:
            for identity in identities:
                headers = {**dict(case.headers or {}), **identity}
                case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()
