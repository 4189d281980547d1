"""Reading a request body as a JSON or YAML document, with clear errors for bad input."""

from typing import Any

from litestar import Request
from litestar.concurrency import sync_to_thread
from litestar.exceptions import HTTPException

from registry.api.boundary import refuse_nul
from registry.documents import DocumentError, parse_json, parse_yaml
from registry.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

JSON_TYPES = frozenset({"application/json"})
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml"})
#: A document's nodes, counted with shared references counted each time they are reached:
#: stops YAML alias bombs ("billion laughs") that are small on the wire but huge in memory.
MAX_NODES = 200_000


def media_type(request: Request[Any, Any, Any]) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_bytes(request: Request[Any, Any, Any]) -> bytes:
    try:
        return await request.body()
    except HTTPException as exc:
        if exc.status_code == 413:
            raise PayloadTooLarge(
                "The request body is larger than the limit of this server."
            ) from None
        raise


async def read_document(request: Request[Any, Any, Any], *, allow_empty: bool = False) -> Any:
    """The parsed body; JSON (`application/json`, `*+json`) or YAML (`application/yaml`)."""
    kind = media_type(request)
    raw = await read_bytes(request)
    if allow_empty and not raw.strip():
        return None
    is_json = kind in JSON_TYPES or (kind.startswith("application/") and kind.endswith("+json"))
    if not (is_json or kind in YAML_TYPES):
        raise UnsupportedMediaType(
            f"Send the document as application/json or application/yaml, not {kind or 'nothing'}."
        )
    if not raw.strip():
        raise BadRequest("The request body is empty; send an entry document.")
    # Parsing is CPU work (pure-Python YAML above all): a worker thread keeps the event
    # loop answering other requests while a large body is read.
    return await sync_to_thread(parse_body, raw, is_json=is_json)


def parse_body(raw: bytes, *, is_json: bool) -> Any:
    """The checked document of a request body; BadRequest says what is wrong with it."""
    try:
        document = parse_json(raw, "body") if is_json else parse_yaml(_text(raw), "body")
    except DocumentError as exc:
        raise BadRequest(str(exc)) from None
    _check_size(document)
    refuse_nul(document)
    return document


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body: not valid UTF-8") from None


def _check_size(document: Any) -> None:
    seen = 0
    stack = [document]
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise PayloadTooLarge(f"The document has more than {MAX_NODES} values.")
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
