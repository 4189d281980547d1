"""The vocabularies (admins only): category and care-setting terms (add, edit, remove while
unused), the standards (entries of kind `standard`, edited with the entry form) and the
search synonym groups (add, edit, remove; this instance's search uses a change at once,
other instances at their next poll). Every change is audited by the vocabulary service."""

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from catalogue.admin.base import AdminController, MaintainerDep, admin_page, form_page
from catalogue.admin.session import flash, require_admin
from catalogue.forms import form_text
from registry.api.dependencies import SearchDep, ServicesDep
from registry.auth import Principal
from registry.errors import NotFound
from registry.search.synonyms import MAX_GROUP_TERMS, MAX_TERM_CHARS
from registry.vocabulary_admin import (
    MAX_DESCRIPTION,
    MAX_LABEL,
    TITLES,
    InvalidChange,
    StoredGroup,
    TermInUse,
)
from registry.wiring import Search, Services

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
ROOT = "/admin/vocabularies"
SYNONYMS = f"{ROOT}/synonyms"
#: Enough for the longest group the rules allow, with a line break after each term.
MAX_TERMS_TEXT = MAX_GROUP_TERMS * (MAX_TERM_CHARS + 2) + 1000
#: What each vocabulary says it is, on the overview and its own page.
ABOUT = {
    "categories": "What an entry does. Entries list category ids; search and browse pages "
    "show their labels.",
    "care-settings": "Where an entry is used. Entries list care-setting ids; search and "
    "browse pages show their labels.",
}


def _terms_from(text: str) -> list[str]:
    """One term per line; blank lines are nothing."""
    return [line for line in (t.strip() for t in text.splitlines()) if line]


def _group_text(group: StoredGroup) -> str:
    return "\n".join(group.terms)


class VocabularyPages(AdminController):
    @get(ROOT, sync_to_thread=True)
    def overview(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        require_admin(maintainer)
        synonyms = services.vocabularies.synonym_groups()
        vocabularies = [
            {
                "href": f"{ROOT}/{name}",
                "title": title,
                "about": ABOUT[name],
                "count": len(services.entries.vocabulary(name).terms),
                "unit": "terms",
            }
            for name, title in TITLES.items()
        ]
        vocabularies.append(
            {
                "href": f"{ROOT}/standards",
                "title": "Standards",
                "about": "Entries of kind standard, which other entries say they implement. "
                "They are added and edited as entries.",
                "count": len(services.entries.vocabulary("standards").terms),
                "unit": "published standards",
            }
        )
        vocabularies.append(
            {
                "href": SYNONYMS,
                "title": "Search synonyms",
                "about": "Words and phrases that mean the same: a search for one also finds "
                "the others.",
                "count": len(synonyms.groups if synonyms.stored else synonyms.defaults),
                "unit": "groups",
            }
        )
        return admin_page(
            request,
            "admin/vocabularies.jinja",
            maintainer,
            title="Vocabularies",
            vocabularies=vocabularies,
        )

    # standards ----------------------------------------------------------------------
    @get(f"{ROOT}/standards", sync_to_thread=True)
    def standards(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        require_admin(maintainer)
        standards = [
            {
                "id": term.id,
                "name": term.label,
                "page": f"/entries/{quote(term.id, safe='')}",
                "edit": f"/admin/entries/{quote(term.id, safe='')}/edit",
            }
            for term in services.entries.vocabulary("standards").terms
        ]
        return admin_page(
            request,
            "admin/vocabularies_standards.jinja",
            maintainer,
            title="Standards",
            standards=standards,
            new_standard="/admin/entries/new?kind=standard",
        )

    # synonym groups -----------------------------------------------------------------
    @get(SYNONYMS, sync_to_thread=True)
    def synonyms(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        require_admin(maintainer)
        return _synonyms_page(request, services, maintainer)

    @post(SYNONYMS, sync_to_thread=True)
    def add_group(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        maintainer: MaintainerDep,
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        text = form_text(data, "terms", MAX_TERMS_TEXT)
        try:
            group = services.vocabularies.add_group(_terms_from(text), maintainer)
        except InvalidChange as exc:
            return _synonyms_page(request, services, maintainer, errors=exc.errors, typed=text)
        _search_uses_new_groups(search)
        flash(request, f"Added the synonym group {', '.join(group.terms)}")
        return Redirect(path=SYNONYMS, status_code=303)

    @post(f"{SYNONYMS}/store", sync_to_thread=True)
    def store_groups(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        maintainer: MaintainerDep,
    ) -> Redirect:
        require_admin(maintainer)
        stored = services.vocabularies.store_defaults(maintainer)
        _search_uses_new_groups(search)
        flash(request, f"Stored {stored} synonym groups: each can now be edited")
        return Redirect(path=SYNONYMS, status_code=303)

    @get(f"{SYNONYMS}/{{group_id:int}}", sync_to_thread=True)
    def group(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        group_id: FromPath[int],
    ) -> Template:
        require_admin(maintainer)
        return _group_page(request, services, maintainer, group_id)

    @post(f"{SYNONYMS}/{{group_id:int}}", sync_to_thread=True)
    def update_group(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        maintainer: MaintainerDep,
        group_id: FromPath[int],
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        text = form_text(data, "terms", MAX_TERMS_TEXT)
        try:
            group = services.vocabularies.update_group(group_id, _terms_from(text), maintainer)
        except InvalidChange as exc:
            return _group_page(
                request, services, maintainer, group_id, errors=exc.errors, typed=text
            )
        _search_uses_new_groups(search)
        flash(request, f"Saved the synonym group {', '.join(group.terms)}")
        return Redirect(path=SYNONYMS, status_code=303)

    @post(f"{SYNONYMS}/{{group_id:int}}/remove", sync_to_thread=True)
    def remove_group(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        maintainer: MaintainerDep,
        group_id: FromPath[int],
    ) -> Redirect:
        require_admin(maintainer)
        group = services.vocabularies.remove_group(group_id, maintainer)
        _search_uses_new_groups(search)
        flash(request, f"Removed the synonym group {', '.join(group.terms)}")
        return Redirect(path=SYNONYMS, status_code=303)

    # category and care-setting terms -------------------------------------------------
    @get(f"{ROOT}/{{name:str}}", sync_to_thread=True)
    def terms(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        name: FromPath[str],
    ) -> Template:
        require_admin(maintainer)
        return _terms_page(request, services, maintainer, _vocabulary(name))

    @post(f"{ROOT}/{{name:str}}/terms", sync_to_thread=True)
    def add_term(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        name: FromPath[str],
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        name = _vocabulary(name)
        typed = _term_form(data, with_id=True)
        try:
            term = services.vocabularies.add_term(
                name, typed["id"], typed["label"], typed["description"], maintainer
            )
        except InvalidChange as exc:
            return _terms_page(request, services, maintainer, name, errors=exc.errors, typed=typed)
        flash(request, f"Added the term {term.label} ({term.id})")
        return Redirect(path=f"{ROOT}/{name}", status_code=303)

    @get(f"{ROOT}/{{name:str}}/terms/{{term_id:str}}", sync_to_thread=True)
    def term(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        name: FromPath[str],
        term_id: FromPath[str],
    ) -> Template:
        require_admin(maintainer)
        return _term_page(request, services, maintainer, _vocabulary(name), term_id)

    @post(f"{ROOT}/{{name:str}}/terms/{{term_id:str}}", sync_to_thread=True)
    def update_term(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        name: FromPath[str],
        term_id: FromPath[str],
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        name = _vocabulary(name)
        typed = _term_form(data, with_id=False)
        try:
            term = services.vocabularies.update_term(
                name, term_id, typed["label"], typed["description"], maintainer
            )
        except InvalidChange as exc:
            return _term_page(
                request, services, maintainer, name, term_id, errors=exc.errors, typed=typed
            )
        flash(request, f"Saved the term {term.label} ({term.id})")
        return Redirect(path=f"{ROOT}/{name}", status_code=303)

    @post(f"{ROOT}/{{name:str}}/terms/{{term_id:str}}/remove", sync_to_thread=True)
    def remove_term(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        name: FromPath[str],
        term_id: FromPath[str],
    ) -> Redirect | Template:
        require_admin(maintainer)
        name = _vocabulary(name)
        try:
            term = services.vocabularies.remove_term(name, term_id, maintainer)
        except TermInUse as exc:
            return _term_page(
                request,
                services,
                maintainer,
                name,
                term_id,
                errors={"remove": exc.detail},
                status_code=409,
            )
        flash(request, f"Removed the term {term.label} ({term.id})")
        return Redirect(path=f"{ROOT}/{name}", status_code=303)


def _vocabulary(name: str) -> str:
    if name not in TITLES:
        raise NotFound(f"There is no vocabulary '{name}'.")
    return name


def _search_uses_new_groups(search: Search) -> None:
    # The feeder would reload them within one poll; this instance's searches should not wait.
    search.feeder.sync_synonyms()


def _term_form(data: dict[str, Any], *, with_id: bool) -> dict[str, str]:
    return {
        "id": form_text(data, "id", 100) if with_id else "",
        "label": form_text(data, "label", MAX_LABEL + 1),
        "description": form_text(data, "description", MAX_DESCRIPTION + 1),
    }


def _terms_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    name: str,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    errors = errors or {}
    terms = [
        {
            "id": usage.term.id,
            "label": usage.term.label,
            "description": usage.term.description,
            "entries": usage.entries,
            "edit": f"{ROOT}/{name}/terms/{quote(usage.term.id, safe='')}",
        }
        for usage in services.vocabularies.terms(name)
    ]
    return form_page(
        request,
        "admin/vocabularies_terms.jinja",
        maintainer,
        TITLES[name],
        errors,
        vocabulary={"name": name, "title": TITLES[name], "about": ABOUT[name]},
        terms=terms,
        typed=typed or {"id": "", "label": "", "description": ""},
        max_label=MAX_LABEL,
        max_description=MAX_DESCRIPTION,
    )


def _term_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    name: str,
    term_id: str,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 400,
) -> Template:
    errors = errors or {}
    found = next((u for u in services.vocabularies.terms(name) if u.term.id == term_id), None)
    if found is None:
        raise NotFound(f"The vocabulary {name} has no term {term_id}.")
    term = found.term
    return form_page(
        request,
        "admin/vocabularies_term.jinja",
        maintainer,
        f"{term.label} ({TITLES[name]})",
        errors,
        status_code=status_code,
        vocabulary={"name": name, "title": TITLES[name]},
        term={
            "id": term.id,
            "label": term.label,
            "description": term.description,
            "entries": found.entries,
            "action": f"{ROOT}/{name}/terms/{quote(term.id, safe='')}",
        },
        typed=typed or {"label": term.label, "description": term.description},
        max_label=MAX_LABEL,
        max_description=MAX_DESCRIPTION,
    )


def _synonyms_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    *,
    errors: dict[str, str] | None = None,
    typed: str = "",
) -> Template:
    errors = errors or {}
    current = services.vocabularies.synonym_groups()
    spellings = services.vocabularies.spellings()
    return form_page(
        request,
        "admin/vocabularies_synonyms.jinja",
        maintainer,
        "Search synonyms",
        errors,
        stored=current.stored,
        groups=[
            {"id": g.id, "terms": g.terms, "edit": f"{SYNONYMS}/{g.id}"} for g in current.groups
        ],
        defaults=current.defaults,
        spellings=spellings,
        synonyms_file=services.settings.synonyms_file.name,
        typed=typed,
        max_group_terms=MAX_GROUP_TERMS,
        max_term_chars=MAX_TERM_CHARS,
    )


def _group_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    group_id: int,
    *,
    errors: dict[str, str] | None = None,
    typed: str | None = None,
) -> Template:
    errors = errors or {}
    group = next(
        (g for g in services.vocabularies.synonym_groups().groups if g.id == group_id), None
    )
    if group is None:
        raise NotFound(f"There is no synonym group {group_id}.")
    return form_page(
        request,
        "admin/vocabularies_synonym.jinja",
        maintainer,
        "Edit a synonym group",
        errors,
        group={"id": group.id, "terms": group.terms, "action": f"{SYNONYMS}/{group.id}"},
        typed=_group_text(group) if typed is None else typed,
        max_group_terms=MAX_GROUP_TERMS,
        max_term_chars=MAX_TERM_CHARS,
    )
