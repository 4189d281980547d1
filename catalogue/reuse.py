"""The reuse check: describe a need, consider what the registry has, keep a decision record.

Three steps, no JavaScript: a GET form for the need; the same page listing up to ten
matching entries in a POST form where each gets a verdict and reason; the saved record
at an unguessable address, with Markdown and JSON downloads.
"""

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Response, Template

from catalogue.forms import form_text
from catalogue.records import (
    decision_json,
    decision_markdown,
    decision_page,
    error_list,
    form_errors,
    hit_candidate,
    view_candidate,
)
from catalogue.rendering import page, site_url
from registry.api.dependencies import SearchDep, ServicesDep
from registry.decisions import (
    MAX_CANDIDATES,
    MAX_NEED,
    MAX_SEARCH,
    NOT_ASSESSED,
    VERDICTS,
    Assessment,
    DecisionDraft,
    DecisionRecord,
    DecisionService,
    InvalidDecision,
    clean_line,
    clean_text,
)
from registry.errors import NotFound
from registry.search import SearchQuery
from registry.wiring import Services

#: Decision records are shareable but private: never indexed, never kept by shared caches.
RECORD_HEADERS = {"X-Robots-Tag": "noindex, nofollow", "Cache-Control": "private, no-cache"}
_CANDIDATE_FIELD = re.compile(r"^candidate-(\d{1,3})$")

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


#: Longer than any field may be (the decision service says which limit was passed), so
#: an over-long value is reported, never silently cut to fit.
FIELD_LIMIT = 100_000


def _text(data: dict[str, Any], name: str) -> str:
    return form_text(data, name, FIELD_LIMIT)


def _verdict_options(selected: str) -> list[dict[str, Any]]:
    return [
        {"value": value, "label": label, "checked": value == selected}
        for value, label in VERDICTS.items()
    ]


def _check_url(need: str, search: str) -> str:
    return "/reuse-check?" + urlencode({"need": need, "q": search, "change": "1"})


def _record_url(request: Request[Any, Any, Any], token: str) -> str:
    return f"{site_url(request)}/reuse-check/decisions/{token}"


class ReuseCheckPages(Controller):
    include_in_schema = False

    @get("/reuse-check", sync_to_thread=True)
    def check(
        self, request: Request[Any, Any, Any], services: ServicesDep, search: SearchDep
    ) -> Template:
        params = request.query_params
        need = clean_text(params.get("need", ""))
        words = clean_line(params.get("q", ""))
        errors: dict[str, str] = {}
        if "need" in params:
            if not need:
                errors["need"] = "Describe what you need"
            elif len(need) > MAX_NEED:
                errors["need"] = f"Your need must be {MAX_NEED:,} characters or fewer"
            if len(words) > MAX_SEARCH:
                errors["q"] = f"The search words must be {MAX_SEARCH:,} characters or fewer"
        if "need" not in params or errors or params.get("change") == "1":
            return page(
                request,
                "pages/reuse_check.jinja",
                status_code=400 if errors else 200,
                title=("Error: " if errors else "") + "Check for something to reuse",
                step=1,
                need=need,
                words=words,
                errors=errors,
                error_list=error_list(errors, ("need", "q")),
            )

        used = words or clean_line(need)[:MAX_SEARCH]
        result = search.query(SearchQuery(text=used, per_page=MAX_CANDIDATES))
        DecisionService(services.engine).record_search(used, result.total, result.met)
        candidates = [hit_candidate(i, hit) for i, hit in enumerate(result.hits)]
        for candidate in candidates:
            candidate["verdicts"] = _verdict_options("")
            candidate["reason"] = ""
        return page(
            request,
            "pages/reuse_check.jinja",
            title="Check for something to reuse: what the registry has",
            step=2,
            need=need,
            search=used,
            total=result.total,
            candidates=candidates,
            conclusion="",
            organisation="",
            errors={},
            error_list=[],
            change_url=_check_url(need, words),
        )

    @post("/reuse-check/decisions", sync_to_thread=True)
    def save(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        data: FormData,
    ) -> Response[Any] | Template:
        positions = sorted(
            int(m.group(1)) for key in data if (m := _CANDIDATE_FIELD.match(key)) is not None
        )
        assessments = [
            Assessment(
                entry_id=_text(data, f"candidate-{i}")[:100],
                verdict=_text(data, f"verdict-{i}") or NOT_ASSESSED,
                reason=_text(data, f"reason-{i}"),
            )
            for i in positions
        ]
        draft = DecisionDraft(
            need=_text(data, "need"),
            search=_text(data, "search"),
            assessments=assessments,
            conclusion=_text(data, "conclusion"),
            organisation=_text(data, "organisation"),
        )
        try:
            record = DecisionService(services.engine).save(draft)
        except InvalidDecision as invalid:
            return self._form_again(request, services, draft, positions, invalid)
        return Redirect(path=f"/reuse-check/decisions/{record.token}", status_code=303)

    def _form_again(
        self,
        request: Request[Any, Any, Any],
        services: Services,
        draft: DecisionDraft,
        positions: list[int],
        invalid: InvalidDecision,
    ) -> Template:
        """The form as it was sent, with what was typed, the errors and a 400."""
        candidates: list[dict[str, Any]] = []
        names: dict[int, str] = {}
        for index, assessment in zip(positions[:MAX_CANDIDATES], draft.assessments, strict=False):
            try:
                view = services.entries.get(assessment.entry_id, None)
            except NotFound:
                continue  # reported in the error summary; left out so a resubmit works
            candidate = view_candidate(index, view)
            chosen = assessment.verdict if assessment.verdict in VERDICTS else ""
            candidate["verdicts"] = _verdict_options(chosen)
            candidate["reason"] = assessment.reason
            candidates.append(candidate)
            names[index] = candidate["name"]
        errors = form_errors(invalid.issues, names, positions)
        order = [
            "need",
            "candidates",
            *(f"{part}-{c['index']}" for c in candidates for part in ("verdict", "reason")),
            "conclusion",
            "organisation",
        ]
        return page(
            request,
            "pages/reuse_check.jinja",
            status_code=400,
            title="Error: Check for something to reuse: what the registry has",
            step=2,
            need=draft.need,
            search=clean_line(draft.search),
            total=len(candidates),
            candidates=candidates,
            conclusion=draft.conclusion,
            organisation=draft.organisation,
            errors=errors,
            error_list=error_list(errors, order),
            change_url=_check_url(clean_text(draft.need), clean_line(draft.search)),
        )

    @get("/reuse-check/decisions/{name:str}", sync_to_thread=True)
    def record(
        self, request: Request[Any, Any, Any], services: ServicesDep, name: FromPath[str]
    ) -> Response[Any] | Template:
        token, dot, suffix = name.partition(".")
        if dot and suffix not in ("md", "json"):
            raise NotFound("There is no decision record at this address.")
        record = DecisionService(services.engine).get(token)
        url = _record_url(request, token)
        if suffix:
            return _download(record, suffix, url, site_url(request))
        response = page(
            request,
            "pages/decision.jinja",
            title="Reuse decision record",
            url=url,
            token=token,
            **decision_page(record),
        )
        for header, value in RECORD_HEADERS.items():
            response.set_header(header, value)
        return response


def _download(record: DecisionRecord, suffix: str, url: str, base: str) -> Response[Any]:
    filename = f"reuse-decision-{record.created_at[:10]}.{suffix}"
    headers = {**RECORD_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    if suffix == "md":
        return Response(
            content=decision_markdown(record, url, base),
            media_type="text/markdown",  # Litestar adds the charset to text/*
            headers=headers,
        )
    return Response(
        content=decision_json(record, url, base), media_type="application/json", headers=headers
    )


__all__ = ["ReuseCheckPages"]
