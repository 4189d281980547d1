"""The Jinja environment: our templates first, then NHS.UK frontend's component macros."""

import functools
from datetime import date, datetime
from pathlib import Path

from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"


def long_date(value: object) -> str:
    """'2024-05-01' or an ISO timestamp → '1 May 2024' (the NHS style); other text as is."""
    if not isinstance(value, str) or len(value) < 10:
        return str(value or "")
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day.strftime('%B %Y')}"


def iso_datetime(value: object) -> str:
    """A timestamp for <time datetime> and Atom: always with a zone."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value or "")


def make_environment() -> Environment:
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), PackageLoader("nhsuk_frontend_jinja")]),
        # The NHS.UK macros read chained optional parameters (params.x.y).
        undefined=ChainableUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: checking their files' times on every render was
        # a twentieth of an entry page's CPU.
        auto_reload=False,
    )
    environment.filters["long_date"] = long_date
    environment.filters["iso_datetime"] = iso_datetime
    site_parts(environment)
    return environment


def section(path: str) -> str:
    """The navigation item of the header a page belongs to ("" for none)."""
    if path == "/search":
        return "search"
    for start in ("/browse", "/standards", "/reuse-check"):
        if path.startswith(start):
            return start[1:]
    return ""


def site_parts(environment: Environment) -> None:
    """`site_header(path)` and `site_footer()` for the layout: the NHS.UK header and footer
    macros built the same few fragments on every page (a tenth of an entry page's CPU), so
    each is rendered once per highlighted section and kept. They hold no request data."""
    header = environment.get_template("parts/header.jinja")
    footer = environment.get_template("parts/footer.jinja")

    @functools.cache
    def rendered_header(current: str) -> Markup:
        return Markup(header.render(current=current))  # noqa: S704 - our own template

    @functools.cache
    def rendered_footer() -> Markup:
        return Markup(footer.render())  # noqa: S704 - our own template

    environment.globals["site_header"] = lambda path: rendered_header(section(str(path)))
    environment.globals["site_footer"] = rendered_footer
