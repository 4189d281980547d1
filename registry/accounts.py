"""Suppliers, maintainers and their API keys: creation, revocation, authentication."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import Engine

from registry import throttle
from registry.auth import (
    NewKey,
    Principal,
    PrincipalKind,
    Scope,
    generate_key,
    hash_password,
    hash_secret,
    parse_scopes,
    secret_matches,
    split_token,
    verify_password,
)
from registry.db import transaction
from registry.errors import Conflict, NotFound, Unauthenticated
from registry.models import AdminSession, ApiKey, Maintainer, Supplier, utcnow
from registry.repository import Repository

MAINTAINER_ROLES = ("reviewer", "admin")
#: Maintainers' passwords are long; repeated failures are slowed by `registry.throttle`.
MIN_PASSWORD_LENGTH = 12
#: A signed-in session ends this long after sign-in, however busy it is.
SESSION_LIFETIME = timedelta(hours=8)
#: Who audit rows name for a sign-in attempt not (yet) tied to anyone.
ANONYMOUS = "anonymous"

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


@dataclass(frozen=True)
class MaintainerAccount:
    """A maintainer who can sign in to the admin pages."""

    id: int
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in: the principal, or why not (never which part was wrong)."""

    principal: Principal | None
    #: Set when this client must wait before its next attempt (or had to, for this one).
    retry_after: timedelta | None = None
    #: Whether the password was checked (False: refused unchecked, during a wait).
    checked: bool = True
    #: The new session's token, for the cookie (only its hash is stored).
    session: str | None = None


@cache
def _dummy_hash() -> str:
    """Checked against when the email is unknown, so the answer takes as long either way."""
    return hash_password("not a real password, only for timing")


def maintainer_principal(person: Maintainer) -> Principal:
    """The principal a signed-in maintainer acts as: a reviewer reviews; an admin does all."""
    scopes = frozenset({Scope.ADMIN}) if person.role == "admin" else frozenset({Scope.REVIEW})
    return Principal(PrincipalKind.MAINTAINER, person.name, scopes, maintainer_id=person.id)


def normalise_email(email: str) -> str:
    return email.strip().lower()


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

    # maintainers' passwords and sign-in ------------------------------------------------
    def create_maintainer(
        self, *, email: str, role: str, password: str, name: str | None = None, actor: Principal
    ) -> MaintainerAccount:
        """A maintainer who signs in with email and password; ValueError or Conflict."""
        address = normalise_email(email)
        local, at, domain = address.partition("@")
        if not at or not local or "." not in domain or len(address) > 254 or " " in address:
            raise ValueError("give a valid email address, like name@example.nhs.uk")
        if role not in MAINTAINER_ROLES:
            raise ValueError(f"the role must be one of {', '.join(MAINTAINER_ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
        person_name = (name if name is not None else address).strip()
        if not person_name or len(person_name) > 200:
            raise ValueError("the name must be 1 to 200 characters")
        with transaction(self.engine) as session:
            repo = Repository(session)
            if repo.maintainer_by_email(address) is not None:
                raise Conflict(f"There is already a maintainer with the email {address}.")
            if repo.maintainer_by_name(person_name) is not None:
                raise Conflict(f"There is already a maintainer named {person_name}.")
            person = Maintainer(
                name=person_name,
                email=address,
                role=role,
                password_hash=hash_password(password),
                created_at=utcnow(),
            )
            repo.add(person)
            repo.audit(
                actor.label,
                "maintainer.create",
                None,
                {"maintainer": person_name, "email": address, "role": role},
            )
            assert person.id is not None
            return MaintainerAccount(person.id, person_name, address, role)

    def sign_in(self, email: str, password: str, address: str = "") -> SignInResult:
        """Check a maintainer's email and password from a client address.

        Known and unknown emails take the same path: the same throttle counts, the same
        argon2 check (against a stand-in hash for an unknown email), the same answers. An
        attempt counts as a failure before the password is checked (and is let off when it
        succeeds), so attempts sent in parallel cannot slip past the throttle; the slow
        check itself runs outside any transaction. Every checked attempt is audited.
        """
        typed = normalise_email(email)
        now = utcnow()
        counted = throttle.subjects(typed, address)
        with transaction(self.engine) as session:
            repo = Repository(session)
            rows = repo.sign_in_throttles([(s.key, s.account) for s in counted], now)
            waits = [throttle.remaining(_aware(rows[s.key].blocked_until), now) for s in counted]
            longest = max((w for w in waits if w is not None), default=None)
            if longest is not None:
                return SignInResult(None, retry_after=longest, checked=False)
            for subject in counted:
                row = rows[subject.key]
                quiet = now - (_aware(row.last_failure_at) or now) > throttle.FORGET_AFTER
                row.failures = 1 if quiet else row.failures + 1
                row.last_failure_at = now
                wait = throttle.wait_after(row.failures, subject.free)
                row.blocked_until = now + wait if wait is not None else None
                if row.failures == subject.free:
                    repo.audit(
                        ANONYMOUS,
                        "maintainer.sign-in-throttled",
                        None,
                        {"per": "email and address" if subject.account else "address"},
                    )
            person = repo.maintainer_by_email(typed) if typed else None
            stored = person.password_hash if person is not None else None
        if verify_password(password, stored or _dummy_hash()) and person is not None and stored:
            return self._signed_in(person, counted, address)
        with transaction(self.engine) as session:
            repo = Repository(session)
            detail: dict[str, object] = {"known": False}
            if person is not None:
                detail = {"maintainer": person.name}
            repo.audit(ANONYMOUS, "maintainer.sign-in-failed", None, detail)
            repo.forget_old_sign_in_failures(now - throttle.FORGET_AFTER, now)
        waits = [throttle.remaining(_aware(rows[s.key].blocked_until), now) for s in counted]
        return SignInResult(None, retry_after=max((w for w in waits if w), default=None))

    def _signed_in(
        self, person: Maintainer, counted: list[throttle.Subject], address: str
    ) -> SignInResult:
        """A checked password: the attempt is let off, and a session starts."""
        now = utcnow()
        with transaction(self.engine) as session:
            repo = Repository(session)
            rows = repo.sign_in_throttles([(s.key, s.account) for s in counted], now)
            for subject in counted:
                row = rows[subject.key]
                # This email from this address starts again; the address keeps its other
                # failures (it may be guessing other accounts), less this attempt.
                if subject.account:
                    row.failures, row.blocked_until = 0, None
                else:
                    row.failures = max(0, row.failures - 1)
            current = repo.maintainer(person.id or 0)
            if current is None or current.password_hash != person.password_hash:
                # Removed or given a new password while the check ran.
                return SignInResult(None)
            principal = maintainer_principal(current)
            token = secrets.token_urlsafe(32)
            repo.end_expired_admin_sessions(now)
            repo.add_admin_session(
                AdminSession(
                    id=hash_secret(token),
                    maintainer_id=person.id or 0,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
            repo.audit(principal.label, "maintainer.sign-in", None, {"maintainer": person.name})
            return SignInResult(principal, session=token)

    def sign_out(self, token: str) -> None:
        """End the session at once, on every instance; a copy of its cookie signs no one in."""
        with transaction(self.engine) as session:
            repo = Repository(session)
            person = repo.admin_session_holder(hash_secret(token), utcnow())
            if repo.end_admin_session(hash_secret(token)) and person is not None:
                principal = maintainer_principal(person)
                repo.audit(
                    principal.label, "maintainer.sign-out", None, {"maintainer": person.name}
                )

    def maintainer_session(self, token: str) -> Principal | None:
        """The principal a session token stands for; None once it has ended or expired, or
        its maintainer can no longer sign in (one indexed read per request)."""
        with transaction(self.engine, write=False) as session:
            person = Repository(session).admin_session_holder(hash_secret(token), utcnow())
            return None if person is None else maintainer_principal(person)

    # admins managing other maintainers ---------------------------------------------------
    def change_role(self, maintainer_id: int, role: str, actor: Principal) -> str:
        """Make a maintainer a reviewer or an admin; their sessions end (they sign in again
        in their new role). A new reviewer's admin-scoped keys are revoked, since keys carry
        their own scopes."""
        if role not in MAINTAINER_ROLES:
            raise ValueError(f"the role must be one of {', '.join(MAINTAINER_ROLES)}")
        with transaction(self.engine) as session:
            repo = Repository(session)
            person = self._other_maintainer(repo, maintainer_id, actor)
            if person.role == role:
                return person.name
            if role == "reviewer":
                for key in repo.maintainer_keys(maintainer_id):
                    if key.revoked_at is None and Scope.ADMIN.value in key.scopes.split():
                        key.revoked_at = utcnow()
                        repo.audit(
                            actor.label,
                            "key.revoke",
                            None,
                            {"key_id": key.key_id, "why": "its holder is no longer an admin"},
                        )
            repo.audit(
                actor.label,
                "maintainer.role",
                None,
                {"maintainer": person.name, "from": person.role, "to": role},
            )
            person.role = role
            # Their sessions end: they sign in again and see the pages of their new role.
            repo.end_admin_sessions_of(maintainer_id)
            return person.name

    def set_password(self, maintainer_id: int, password: str, actor: Principal) -> str:
        """A new password set by an admin (there is no email to reset one by); it ends the
        maintainer's sessions and clears the waits on their email."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
        with transaction(self.engine) as session:
            repo = Repository(session)
            person = self._other_maintainer(repo, maintainer_id, actor)
            if person.email is None:
                raise Conflict(f"{person.name} has no email address to sign in with.")
            person.password_hash = hash_password(password)
            repo.forget_sign_in_failures(throttle.account_digest(person.email))
            # Whoever signed in with the old password (perhaps the reason for the change)
            # is signed out everywhere.
            repo.end_admin_sessions_of(maintainer_id)
            repo.audit(actor.label, "maintainer.password", None, {"maintainer": person.name})
            return person.name

    def unlock(self, maintainer_id: int, actor: Principal) -> str:
        """Clear the waits on a maintainer's email after wrong passwords, from every
        address, before they end by themselves."""
        with transaction(self.engine) as session:
            repo = Repository(session)
            person = self._other_maintainer(repo, maintainer_id, actor)
            if person.email is not None:
                repo.forget_sign_in_failures(throttle.account_digest(person.email))
            repo.audit(actor.label, "maintainer.unlock", None, {"maintainer": person.name})
            return person.name

    def remove_access(self, maintainer_id: int, actor: Principal) -> str:
        """Someone who leaves: no more signing in, their sessions ended and every key
        revoked. Their name stays on the revisions and audit rows they made."""
        with transaction(self.engine) as session:
            repo = Repository(session)
            person = self._other_maintainer(repo, maintainer_id, actor)
            person.password_hash = None
            repo.end_admin_sessions_of(maintainer_id)
            now = utcnow()
            revoked = []
            for key in repo.maintainer_keys(maintainer_id):
                if key.revoked_at is None:
                    key.revoked_at = now
                    revoked.append(key.key_id)
            repo.audit(
                actor.label,
                "maintainer.access.remove",
                None,
                {"maintainer": person.name, "keys_revoked": revoked},
            )
            return person.name

    @staticmethod
    def _other_maintainer(repo: Repository, maintainer_id: int, actor: Principal) -> Maintainer:
        """The maintainer an admin acts on, never the admin themself: nobody can lock
        themself out, and there is always an admin left (the one acting)."""
        actor.require(Scope.ADMIN)
        person = repo.maintainer(maintainer_id)
        if person is None:
            raise NotFound(f"There is no maintainer {maintainer_id}.")
        if person.id == actor.maintainer_id:
            raise Conflict("You cannot change your own account; ask another admin.")
        return person

    # suppliers and their keys, for the admin pages ------------------------------------
    def create_supplier(self, name: str, actor: Principal) -> "SupplierSummary":
        """A new supplier (with no keys yet); ValueError for a bad name, Conflict if taken."""
        supplier_name = name.strip()
        if not supplier_name or len(supplier_name) > 200:
            raise ValueError("the name must be 1 to 200 characters")
        with transaction(self.engine) as session:
            repo = Repository(session)
            if repo.supplier_by_name(supplier_name) is not None:
                raise Conflict(f"There is already a supplier named {supplier_name}.")
            account = Supplier(name=supplier_name, created_at=utcnow())
            repo.add(account)
            repo.audit(actor.label, "supplier.create", None, {"supplier": supplier_name})
            assert account.id is not None
            return SupplierSummary(account.id, supplier_name, account.created_at, 0)

    def suppliers(self) -> list["SupplierSummary"]:
        """Every supplier by name, with how many usable (not revoked, not expired) keys."""
        with transaction(self.engine, write=False) as session:
            rows = Repository(session).suppliers_with_active_keys(utcnow())
            return [
                SupplierSummary(s.id or 0, s.name, _aware(s.created_at) or s.created_at, count)
                for s, count in rows
            ]

    def supplier_keys(self, supplier_id: int) -> tuple["SupplierSummary", list["KeySummary"]]:
        """A supplier and its keys, newest first; NotFound for an unknown supplier."""
        now = utcnow()
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            account = repo.supplier(supplier_id)
            if account is None:
                raise NotFound(f"There is no supplier {supplier_id}.")
            keys = _key_summaries(repo.supplier_keys(supplier_id), now)
            summary = SupplierSummary(
                supplier_id,
                account.name,
                _aware(account.created_at) or account.created_at,
                sum(1 for key in keys if key.active),
            )
            return summary, keys

    def maintainers(self) -> list["MaintainerSummary"]:
        """Every maintainer by name, with how many usable keys they hold."""
        now = utcnow()
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            rows = repo.maintainers_with_active_keys(now)
            return [_maintainer_summary(repo, person, count, now) for person, count in rows]

    def maintainer_keys(self, maintainer_id: int) -> tuple["MaintainerSummary", list["KeySummary"]]:
        """A maintainer and their keys, newest first; NotFound for an unknown maintainer."""
        now = utcnow()
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            person = repo.maintainer(maintainer_id)
            if person is None:
                raise NotFound(f"There is no maintainer {maintainer_id}.")
            keys = _key_summaries(repo.maintainer_keys(maintainer_id), now)
            active = sum(1 for k in keys if k.active)
            return _maintainer_summary(repo, person, active, now), keys


def _key_summaries(keys: list[ApiKey], now: datetime) -> list["KeySummary"]:
    return [
        KeySummary(
            key_id=key.key_id,
            label=key.label,
            scopes=key.scopes.split(),
            created_at=_aware(key.created_at) or key.created_at,
            expires_at=_aware(key.expires_at),
            last_used_at=_aware(key.last_used_at),
            revoked_at=_aware(key.revoked_at),
            now=now,
        )
        for key in keys
    ]


def _maintainer_summary(
    repo: Repository, person: Maintainer, active_keys: int, now: datetime
) -> "MaintainerSummary":
    locked = None
    if person.email is not None:
        locked = _aware(repo.sign_in_wait_until(throttle.account_digest(person.email), now))
    return MaintainerSummary(
        id=person.id or 0,
        name=person.name,
        email=person.email,
        role=person.role,
        created_at=_aware(person.created_at) or person.created_at,
        locked_until=locked if locked is not None and locked > now else None,
        active_keys=active_keys,
        can_sign_in=person.password_hash is not None,
    )


@dataclass(frozen=True)
class SupplierSummary:
    """A supplier as the admin pages list it."""

    id: int
    name: str
    created_at: datetime
    active_keys: int


@dataclass(frozen=True)
class MaintainerSummary:
    """A maintainer as the admin pages list them (never a password hash)."""

    id: int
    name: str
    email: str | None  # None: a key-only account made by `registry keys create`
    role: str
    created_at: datetime
    #: Until when some address must wait to try this maintainer's email again.
    locked_until: datetime | None
    active_keys: int
    can_sign_in: bool


@dataclass(frozen=True)
class KeySummary:
    """One of a supplier's or maintainer's keys, never its secret."""

    key_id: str
    label: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    now: datetime

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= self.now

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired
