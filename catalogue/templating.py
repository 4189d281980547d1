"""The Jinja environment: our templates first, then NHS.UK frontend's component macros."""

from datetime import date, datetime
from pathlib import Path

from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader

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
    return environment
