"""API keys: issued once, stored hashed, scoped, expiring and revocable."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from registry.auth import OPERATOR, PrincipalKind, Scope
from registry.errors import Conflict, NotFound, Unauthenticated
from registry.models import ApiKey, AuditEvent, utcnow
from registry.wiring import Services


def test_key_is_stored_hashed_never_in_clear(services: Services) -> None:
    issued = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    )

    with Session(services.engine) as session:
        stored = session.exec(select(ApiKey)).one()
    secret = issued.token.split("_", 2)[2]
    assert secret not in stored.secret_hash
    assert issued.token not in repr(stored.model_dump())


def test_supplier_key_authenticates_as_the_supplier(services: Services) -> None:
    issued = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    )

    principal = services.accounts.authenticate(issued.token)

    assert principal.kind is PrincipalKind.SUPPLIER
    assert principal.name == "Acme"
    assert principal.scopes == {Scope.SUBMIT}
    assert principal.supplier_id is not None


def test_same_supplier_name_reuses_the_account(services: Services) -> None:
    first = services.accounts.create_key(supplier="Acme", scopes=["entries:submit"], actor=OPERATOR)
    second = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    )

    one = services.accounts.authenticate(first.token)
    two = services.accounts.authenticate(second.token)
    assert one.supplier_id == two.supplier_id
    assert first.key_id != second.key_id


def test_supplier_key_cannot_carry_review_scope(services: Services) -> None:
    with pytest.raises(ValueError, match="supplier"):
        services.accounts.create_key(supplier="Acme", scopes=["entries:review"], actor=OPERATOR)


def test_unknown_scope_is_refused(services: Services) -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        services.accounts.create_key(maintainer="Rita", scopes=["entries:delete"], actor=OPERATOR)


def test_admin_key_for_a_reviewer_is_refused(services: Services) -> None:
    services.accounts.create_key(maintainer="Rita", scopes=["entries:review"], actor=OPERATOR)

    with pytest.raises(Conflict):
        services.accounts.create_key(maintainer="Rita", scopes=["admin"], actor=OPERATOR)


def test_revoked_key_no_longer_authenticates(services: Services) -> None:
    issued = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    )

    services.accounts.revoke_key(issued.key_id, OPERATOR)

    with pytest.raises(Unauthenticated, match="revoked"):
        services.accounts.authenticate(issued.token)


def test_revoking_an_unknown_key_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound):
        services.accounts.revoke_key("000000000000", OPERATOR)


def test_expired_key_no_longer_authenticates(services: Services) -> None:
    issued = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], expires_in_days=1, actor=OPERATOR
    )
    with Session(services.engine) as session:
        key = session.get(ApiKey, issued.key_id)
        assert key is not None
        key.expires_at = utcnow() - timedelta(seconds=1)
        session.add(key)
        session.commit()

    with pytest.raises(Unauthenticated, match="expired"):
        services.accounts.authenticate(issued.token)


def test_wrong_secret_for_a_real_key_id_is_refused(services: Services) -> None:
    issued = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    )
    forged = f"rr_{issued.key_id}_{'A' * 43}"

    with pytest.raises(Unauthenticated):
        services.accounts.authenticate(forged)


def test_last_use_is_recorded(services: Services) -> None:
    issued = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    )

    services.accounts.authenticate(issued.token)

    with Session(services.engine) as session:
        key = session.get(ApiKey, issued.key_id)
        assert key is not None
        assert key.last_used_at is not None


def test_key_creation_and_revocation_are_audited(services: Services) -> None:
    issued = services.accounts.create_key(
        supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
    )
    services.accounts.revoke_key(issued.key_id, OPERATOR)

    with Session(services.engine) as session:
        actions = [a.action for a in session.exec(select(AuditEvent)).all()]
    assert actions == ["supplier.create", "key.create", "key.revoke"]
