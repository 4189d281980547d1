"""The schemathesis checks the conformance test and the bench run use: all of them."""

from typing import Any

import schemathesis.checks
from schemathesis.checks import CHECKS
from schemathesis.config._checks import PositiveDataAcceptanceConfig

#: Answers to a request that the document's schemas allow, beyond schemathesis's
#: defaults: 400 for a NUL in a string (refused on both databases; a JSON Schema string
#: cannot exclude it portably), 412/428 for a missing or stale If-Match, and 422 for an
#: entry the JSON Schema accepts but a rule it cannot express refuses (an SPDX
#: expression, a published standard, a vocabulary term). Never a 5xx.
POSITIVE_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "428"]


def all_checks() -> list[Any]:
    """Every check schemathesis registers (status codes, content types, headers, bodies,
    negative and positive data, missing headers, methods, Allow, auth...)."""
    return [getattr(schemathesis.checks, name) for name in CHECKS.get_all_names()]


def configure(schema: Any) -> None:
    """The expectations above, on a loaded schema."""
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=POSITIVE_STATUSES
    )
