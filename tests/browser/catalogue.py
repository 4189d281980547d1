"""The catalogue pages the browser tests visit, built from the project's seed content."""

from playwright.sync_api import Page, Response

COMPARED = ["hapi-fhir", "openmrs", "personal-demographics-service-fhir"]
NEED = "Look up a patient's NHS number and demographic details"

#: Named pages, in the order a person might meet them.
PAGES = {
    "home": "/",
    "search": "/search?q=fhir&kind=api",
    "entry": "/entries/personal-demographics-service-fhir",
    "standard": "/standards/hl7-fhir-r4",
    "compare": "/compare?ids=" + ",".join(COMPARED),
    "reuse-check": "/reuse-check",
}


def visit(page: Page, path: str, status: int = 200) -> Response:
    """Go to `path` and check that it arrived as an HTML page with the expected status."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("text/html"), (
        f"{path} is served as {content_type!r}, so browsers show its markup as plain text"
    )
    return response
