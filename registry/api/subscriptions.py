"""Webhook subscriptions: subscribe, list, read, remove, re-enable, and the delivery log."""

from dataclasses import dataclass
from typing import Annotated, Any, NotRequired, TypedDict, cast

from litestar import Controller, Request, Response, delete, get, post
from litestar.concurrency import sync_to_thread
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import PathParameter, QueryParameter

from registry.api.body import read_document
from registry.api.dependencies import PrincipalDep, ServicesDep
from registry.api.entries import link_header
from registry.api.shapes import KEY_REQUIRED, problems
from registry.auth import require_principal
from registry.errors import BadRequest, Issue
from registry.services import MAX_PER_PAGE
from registry.views import Page
from registry.webhooks.events import FilterType
from registry.webhooks.subscriptions import InvalidSubscription, Listing, SubscriptionRequest

FIELDS = ("url", "filter", "description")
FILTER_FIELDS = ("type", "value")


class FilterOut(TypedDict):
    type: str
    value: str | None


class SubscriptionOut(TypedDict):
    id: int
    url: str
    filter: FilterOut
    description: str
    owner: str
    active: bool
    disabled_reason: str | None
    disabled_at: str | None
    consecutive_failures: int
    created_at: str | None
    deliveries: dict[str, int]
    secret: NotRequired[str]


class SubscriptionListOut(TypedDict):
    items: list[SubscriptionOut]
    total: int
    page: int
    per_page: int


class AttemptOut(TypedDict):
    attempted_at: str | None
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(TypedDict):
    id: int
    subscription: int
    webhook_id: str
    type: str
    entry: str
    change: int
    status: str
    next_attempt_at: str | None
    created_at: str | None
    finished_at: str | None
    attempts: list[AttemptOut]


class DeliveryListOut(TypedDict):
    items: list[DeliveryOut]
    total: int
    page: int
    per_page: int


@dataclass
class _SubscriptionBody(Operation):
    def __post_init__(self) -> None:
        schema = Schema(
            type=OpenAPIType.OBJECT,
            required=["url"],
            properties={
                "url": Schema(
                    type=OpenAPIType.STRING,
                    format=OpenAPIFormat.URI,
                    description="The callback: a public http(s) URL.",
                ),
                "filter": Schema(
                    type=OpenAPIType.OBJECT,
                    properties={
                        "type": Schema(type=OpenAPIType.STRING, enum=[t.value for t in FilterType]),
                        "value": Schema(
                            type=OpenAPIType.STRING,
                            description="An entry id, a standard's id, a supplier's name or "
                            "a kind; none for 'all'.",
                        ),
                    },
                ),
                "description": Schema(type=OpenAPIType.STRING, max_length=200),
            },
        )
        self.request_body = RequestBody(
            required=True, content={"application/json": OpenAPIMediaType(schema=schema)}
        )


def parse_request(body: Any) -> SubscriptionRequest:
    """The subscription asked for; every problem with its JSON Pointer at once."""
    if not isinstance(body, dict):
        raise BadRequest('Send a JSON object such as {"url": "https://…"}.')
    issues = [Issue(f"/{k}", "Unknown field.") for k in sorted(set(body) - set(FIELDS))]
    url = body.get("url")
    if not isinstance(url, str) or not url.strip():
        issues.append(Issue("/url", "Required: the callback URL, as text."))
    description = body.get("description", "")
    if not isinstance(description, str):
        issues.append(Issue("/description", "Must be text."))
    chosen = body.get("filter", {"type": FilterType.ALL.value})
    filter_type, filter_value = FilterType.ALL.value, ""
    if not isinstance(chosen, dict):
        issues.append(
            Issue("/filter", 'Must be an object such as {"type": "entry", "value": "…"}.')
        )
    else:
        issues += [
            Issue(f"/filter/{k}", "Unknown field.")
            for k in sorted(set(chosen) - set(FILTER_FIELDS))
        ]
        raw_type, raw_value = chosen.get("type", FilterType.ALL.value), chosen.get("value", "")
        if not isinstance(raw_type, str):
            issues.append(Issue("/filter/type", "Must be text."))
        else:
            filter_type = raw_type
        if raw_value is not None and not isinstance(raw_value, str):
            issues.append(Issue("/filter/value", "Must be text."))
        else:
            filter_value = (raw_value or "").strip()
    for pointer, text in (("/description", description), ("/filter/value", filter_value)):
        if isinstance(text, str) and any(ord(c) < 32 or ord(c) == 127 for c in text):
            issues.append(Issue(pointer, "Must be one line of text, without control characters."))
    if issues:
        raise InvalidSubscription(issues, detail=f"{len(issues)} problem(s) found.")
    return SubscriptionRequest(
        url=cast(str, url).strip(),
        filter_type=filter_type,
        filter_value=filter_value,
        description=cast(str, description).strip(),
    )


def _links(request: Request[Any, Any, Any], listing: Listing[Any]) -> dict[str, str]:
    page = Page([], listing.total, listing.page, listing.per_page)
    return {"Link": link_header(request, page), "Vary": "Authorization"}


#: Subscription numbers are 32-bit in the database; anything larger is a 400, not a 500.
SUBSCRIPTION_ID = Annotated[int, PathParameter(ge=1, le=2_147_483_647)]
PAGE = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
PER_PAGE = Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE)]
NO_STORE = {"Cache-Control": "no-store", "Vary": "Authorization"}


class SubscriptionController(Controller):
    path = "/api/v1/subscriptions"
    tags = ("subscriptions",)
    # Every route needs a key (an admin's for sources): said in the OpenAPI document.
    security = KEY_REQUIRED

    @post(
        "/",
        summary="Subscribe a callback URL to published changes",
        description="Any API key. The answer carries the signing secret (whsec_…) this "
        "once; it is never shown again.",
        status_code=201,
        operation_class=_SubscriptionBody,
        responses=problems(400, 401, 403, 409, 413, 415, 422),
    )
    async def create(
        self, request: Request[Any, Any, Any], services: ServicesDep, principal: PrincipalDep
    ) -> Response[SubscriptionOut]:
        require_principal(principal)
        wanted = parse_request(await read_document(request))
        view, secret = await sync_to_thread(
            services.webhooks.subscriptions.create, wanted, principal
        )
        body = cast(SubscriptionOut, {**view.as_dict(), "secret": secret})
        return Response(
            body, status_code=201, headers={"Location": f"{self.path}/{view.id}", **NO_STORE}
        )

    @get(
        "/",
        summary="List your subscriptions (an admin's key lists everyone's)",
        responses=problems(400, 401),
        sync_to_thread=True,
    )
    def list_subscriptions(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        page: PAGE = 1,
        per_page: PER_PAGE = 20,
    ) -> Response[SubscriptionListOut]:
        listing = services.webhooks.subscriptions.list(principal, page, per_page)
        body: SubscriptionListOut = {
            "items": [cast(SubscriptionOut, v.as_dict()) for v in listing.items],
            "total": listing.total,
            "page": listing.page,
            "per_page": listing.per_page,
        }
        return Response(body, headers=_links(request, listing))

    @get(
        "/{subscription_id:int}",
        summary="Read a subscription",
        responses=problems(401, 404),
        sync_to_thread=True,
    )
    def get_subscription(
        self, services: ServicesDep, principal: PrincipalDep, subscription_id: SUBSCRIPTION_ID
    ) -> Response[SubscriptionOut]:
        view = services.webhooks.subscriptions.get(subscription_id, principal)
        return Response(cast(SubscriptionOut, view.as_dict()), headers=NO_STORE)

    @delete(
        "/{subscription_id:int}",
        summary="Remove a subscription and its delivery log",
        responses=problems(401, 404),
        sync_to_thread=True,
    )
    def remove(
        self, services: ServicesDep, principal: PrincipalDep, subscription_id: SUBSCRIPTION_ID
    ) -> None:
        services.webhooks.subscriptions.remove(subscription_id, principal)

    @post(
        "/{subscription_id:int}/enable",
        summary="Enable a disabled subscription again",
        description="Its waiting deliveries are tried at once, and the failure count starts "
        "again from nothing.",
        status_code=200,
        responses=problems(401, 404, 409),
        sync_to_thread=True,
    )
    def enable(
        self, services: ServicesDep, principal: PrincipalDep, subscription_id: SUBSCRIPTION_ID
    ) -> Response[SubscriptionOut]:
        view = services.webhooks.subscriptions.enable(subscription_id, principal)
        return Response(cast(SubscriptionOut, view.as_dict()), headers=NO_STORE)

    @get(
        "/{subscription_id:int}/deliveries",
        summary="The subscription's delivery log, newest first, with every attempt",
        responses=problems(400, 401, 404),
        sync_to_thread=True,
    )
    def deliveries(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        subscription_id: SUBSCRIPTION_ID,
        page: PAGE = 1,
        per_page: PER_PAGE = 20,
    ) -> Response[DeliveryListOut]:
        listing = services.webhooks.subscriptions.deliveries(
            subscription_id, principal, page, per_page
        )
        body: DeliveryListOut = {
            "items": [cast(DeliveryOut, d.as_dict()) for d in listing.items],
            "total": listing.total,
            "page": listing.page,
            "per_page": listing.per_page,
        }
        return Response(body, headers=_links(request, listing))
