"""Who is asking and what they may do: scopes, principals, API key format and hashing.

API keys are 256-bit random secrets, so a single SHA-256 is the right hash for them
(as for GitHub or PyPI tokens): a slow password hash would add ~50 ms to every API call
and buy nothing against a secret that cannot be guessed. Passwords (admin sign-in) use
argon2 instead, through `hash_password`/`verify_password`.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from registry.errors import Forbidden, Unauthenticated

KEY_PREFIX = "rr"
_KEY_ID_BYTES = 6
_SECRET_BYTES = 32


class Scope(StrEnum):
    """What a key may do; `admin` includes every other scope."""

    SUBMIT = "entries:submit"
    REVIEW = "entries:review"
    ADMIN = "admin"


class PrincipalKind(StrEnum):
    SUPPLIER = "supplier"
    MAINTAINER = "maintainer"
    OPERATOR = "operator"  # the command line, run by whoever operates the server


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    kind: PrincipalKind
    name: str
    scopes: frozenset[Scope]
    supplier_id: int | None = None
    maintainer_id: int | None = None
    key_id: str | None = None

    @property
    def label(self) -> str:
        """How audit rows and revisions name the actor."""
        key = f" (key {self.key_id})" if self.key_id else ""
        return f"{self.kind.value}:{self.name}{key}"

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes or Scope.ADMIN in self.scopes

    def require(self, scope: Scope) -> None:
        if not self.has(scope):
            raise Forbidden(f"This needs the '{scope.value}' scope, which your key does not have.")


OPERATOR = Principal(PrincipalKind.OPERATOR, "cli", frozenset({Scope.ADMIN}))


def require_principal(principal: Principal | None) -> Principal:
    if principal is None:
        raise Unauthenticated("Send an API key as 'Authorization: Bearer <key>'.")
    return principal


@dataclass(frozen=True)
class NewKey:
    """A freshly generated key: the full secret is shown once and never stored."""

    key_id: str
    secret: str

    @property
    def token(self) -> str:
        return f"{KEY_PREFIX}_{self.key_id}_{self.secret}"

    @property
    def secret_hash(self) -> str:
        return hash_secret(self.secret)


def generate_key() -> NewKey:
    return NewKey(secrets.token_hex(_KEY_ID_BYTES), secrets.token_urlsafe(_SECRET_BYTES))


def split_token(token: str) -> tuple[str, str] | None:
    """(key id, secret) from a presented token, or None when it is not of our form."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    if len(parts[1]) != 2 * _KEY_ID_BYTES or len(parts[2]) > 200:
        return None
    return parts[1], parts[2]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def parse_scopes(values: list[str]) -> frozenset[Scope]:
    known = {s.value: s for s in Scope}
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(unknown)}; use {', '.join(sorted(known))}")
    return frozenset(known[v] for v in values)


_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password: str, stored_hash: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
