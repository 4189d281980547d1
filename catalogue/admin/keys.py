"""What the suppliers' and maintainers' key pages share: reading the issue-key form and
showing keys (never their secrets)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request
from litestar.response import Redirect

from catalogue.admin.session import flash
from catalogue.forms import form_text
from registry.accounts import AccountService, KeySummary
from registry.auth import Principal
from registry.errors import NotFound

MAX_LABEL = 200
MAX_EXPIRY_DAYS = 3650


def when(moment: datetime | None) -> str:
    """'2026-11-26 06:20 UTC', or empty."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


@dataclass(frozen=True)
class KeyForm:
    """The issue-key form as typed: label, expiry and the problems with them."""

    label: str
    expiry: str
    days: int | None
    errors: dict[str, str]

    @property
    def typed(self) -> dict[str, str]:
        return {"label": self.label, "expires_in_days": self.expiry}


def read_key_form(data: dict[str, Any]) -> KeyForm:
    label = form_text(data, "label", MAX_LABEL + 1).strip()
    expiry = form_text(data, "expires_in_days", 20).strip()
    errors: dict[str, str] = {}
    if len(label) > MAX_LABEL:
        errors["label"] = f"The label must be {MAX_LABEL} characters or fewer"
    days: int | None = None
    if expiry:
        if not expiry.isdigit() or not 1 <= int(expiry) <= MAX_EXPIRY_DAYS:
            errors["expires_in_days"] = (
                f"Enter a whole number of days from 1 to {MAX_EXPIRY_DAYS}, or leave it empty"
            )
        else:
            days = int(expiry)
    return KeyForm(label, expiry, days, errors)


def key_rows(keys: list[KeySummary]) -> list[dict[str, Any]]:
    return [
        {
            "key_id": key.key_id,
            "label": key.label,
            "scopes": " ".join(key.scopes),
            "created": when(key.created_at),
            "expires": when(key.expires_at),
            "last_used": when(key.last_used_at),
            "status": "Revoked" if key.revoked_at else ("Expired" if key.expired else "Active"),
            "revoked": when(key.revoked_at),
            "active": key.active,
        }
        for key in keys
    ]


def revoke_held_key(
    request: Request[Any, Any, Any],
    accounts: AccountService,
    actor: Principal,
    held: list[KeySummary],
    key_id: str,
    back: str,
) -> Redirect:
    """Revoke a key from its holder's page: only one of the keys that page lists, so a
    key cannot be revoked through another holder's address."""
    if key_id not in {key.key_id for key in held}:
        raise NotFound("There is no such key here.")
    accounts.revoke_key(key_id, actor)
    flash(request, f"Revoked the key {key_id}")
    return Redirect(path=back, status_code=303)
