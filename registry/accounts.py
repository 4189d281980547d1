"""Suppliers, maintainers and their API keys: creation, revocation, authentication."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from registry.auth import (
    NewKey,
    Principal,
    PrincipalKind,
    Scope,
    generate_key,
    parse_scopes,
    secret_matches,
    split_token,
)
from registry.db import transaction
from registry.errors import Conflict, NotFound, Unauthenticated
from registry.models import ApiKey, Maintainer, Supplier, utcnow
from registry.repository import Repository

MAINTAINER_ROLES = ("reviewer", "admin")
#: A key's last use is written at most this often, so reads do not each cause a write.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    """A key as issued: the token is shown this once."""

    key_id: str
    token: str
    owner: str
    scopes: list[str]
    expires_at: datetime | None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


class AccountService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_key(
        self,
        *,
        scopes: list[str],
        supplier: str | None = None,
        maintainer: str | None = None,
        expires_in_days: int | None = None,
        label: str = "",
        actor: Principal,
    ) -> IssuedKey:
        """Issue a key for a supplier or maintainer, creating the account when new."""
        if (supplier is None) == (maintainer is None):
            raise ValueError("a key belongs to exactly one supplier or maintainer")
        parsed = parse_scopes(scopes)
        if not parsed:
            raise ValueError("a key needs at least one scope")
        if supplier is not None and parsed - {Scope.SUBMIT}:
            raise ValueError("a supplier's key can only have the entries:submit scope")
        if expires_in_days is not None and expires_in_days < 1:
            raise ValueError("a key must live at least one day")
        owner_name = (supplier or maintainer or "").strip()
        if not owner_name or len(owner_name) > 200:
            raise ValueError("the name must be 1 to 200 characters")
        new: NewKey = generate_key()
        now = utcnow()
        with transaction(self.engine) as session:
            repo = Repository(session)
            key = ApiKey(
                key_id=new.key_id,
                secret_hash=new.secret_hash,
                scopes=" ".join(sorted(s.value for s in parsed)),
                label=label,
                created_at=now,
                expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
            )
            if supplier is not None:
                account = repo.supplier_by_name(owner_name)
                if account is None:
                    account = Supplier(name=owner_name, created_at=now)
                    repo.add(account)
                    repo.audit(actor.label, "supplier.create", None, {"supplier": owner_name})
                key.supplier_id = account.id
            else:
                person = repo.maintainer_by_name(owner_name)
                role = "admin" if Scope.ADMIN in parsed else "reviewer"
                if person is None:
                    person = Maintainer(name=owner_name, role=role, created_at=now)
                    repo.add(person)
                    repo.audit(
                        actor.label,
                        "maintainer.create",
                        None,
                        {"maintainer": owner_name, "role": role},
                    )
                elif Scope.ADMIN in parsed and person.role != "admin":
                    raise Conflict(f"{owner_name} is a reviewer; an admin key needs an admin.")
                key.maintainer_id = person.id
            repo.add(key)
            repo.audit(
                actor.label,
                "key.create",
                None,
                {
                    "key_id": key.key_id,
                    "owner": owner_name,
                    "scopes": key.scopes,
                    "expires_at": key.expires_at.isoformat() if key.expires_at else None,
                },
            )
        return IssuedKey(
            new.key_id, new.token, owner_name, sorted(s.value for s in parsed), key.expires_at
        )

    def revoke_key(self, key_id: str, actor: Principal) -> None:
        with transaction(self.engine) as session:
            repo = Repository(session)
            key = repo.api_key(key_id)
            if key is None:
                raise NotFound(f"There is no key '{key_id}'.")
            if key.revoked_at is None:
                key.revoked_at = utcnow()
                repo.audit(actor.label, "key.revoke", None, {"key_id": key_id})

    def authenticate(self, token: str) -> Principal:
        """The principal a bearer token stands for; Unauthenticated for any fault."""
        parts = split_token(token)
        if parts is None:
            raise Unauthenticated("That is not a Reuse Registry API key.")
        key_id, secret = parts
        now = utcnow()
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            key = repo.api_key(key_id)
            if key is None or not secret_matches(secret, key.secret_hash):
                raise Unauthenticated("The API key is not valid.")
            if key.revoked_at is not None:
                raise Unauthenticated("The API key has been revoked.")
            expires = _aware(key.expires_at)
            if expires is not None and expires <= now:
                raise Unauthenticated("The API key has expired.")
            scopes = frozenset(Scope(s) for s in key.scopes.split())
            if key.supplier_id is not None:
                supplier = repo.supplier(key.supplier_id)
                principal = Principal(
                    PrincipalKind.SUPPLIER,
                    supplier.name if supplier else "?",
                    scopes,
                    supplier_id=key.supplier_id,
                    key_id=key_id,
                )
            else:
                person = repo.maintainer(key.maintainer_id or 0)
                principal = Principal(
                    PrincipalKind.MAINTAINER,
                    person.name if person else "?",
                    scopes,
                    maintainer_id=key.maintainer_id,
                    key_id=key_id,
                )
            last = _aware(key.last_used_at)
            stale = last is None or now - last > LAST_USED_PRECISION
        if stale:
            with transaction(self.engine) as session:
                Repository(session).touch_key(key_id, now)
        return principal
