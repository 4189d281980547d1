"""What every importer produces, and the interface each format module implements.

An importer turns the text of one foreign file into zero or more registry entry documents,
each with warnings, or rejects parts of it (or all of it) with a reason. It never raises
for bad content and never touches the database: the import service validates, detects
duplicates and stores.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Imported:
    """One entry document made from a foreign item."""

    document: dict[str, Any]
    source: str  # where in the file: "path", "path#/pointer" or "path:line"
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rejected:
    """A document (or a whole file) that could not be imported, and why."""

    source: str
    reason: str


@dataclass
class FileResult:
    """Everything one file gave."""

    entries: list[Imported] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    #: Notes about the file as a whole, such as parts skipped on purpose.
    warnings: list[str] = field(default_factory=list)


class Importer(Protocol):
    """A foreign format. Implementations are stateless module-level objects."""

    #: The name used by `registry import --format NAME` and `?format=NAME`.
    name: str
    #: File name endings (lower case) that a folder walk picks up for this format.
    suffixes: tuple[str, ...]

    def parse(self, text: str, source: str) -> FileResult:
        """Map the text of one file; `source` names it in warnings and rejections."""
        ...
