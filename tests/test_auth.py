"""Tests for registry.auth: API key format, key and password hashing, scopes, principals."""

import pytest

from registry.auth import (
    OPERATOR,
    Principal,
    PrincipalKind,
    Scope,
    generate_key,
    hash_password,
    hash_secret,
    parse_scopes,
    require_principal,
    secret_matches,
    split_token,
    verify_password,
)
from registry.errors import Forbidden, Unauthenticated

SAMPLE_TOKEN = "rr_0123456789ab_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"


def a_principal(*scopes: Scope) -> Principal:
    return Principal(PrincipalKind.SUPPLIER, "Acme Health", frozenset(scopes))


# --- keys --------------------------------------------------------------------------


def test_generated_token_splits_back_to_key_id_and_secret() -> None:
    key = generate_key()

    assert split_token(key.token) == (key.key_id, key.secret)


def test_generated_keys_differ() -> None:
    first, second = generate_key(), generate_key()

    assert first.key_id != second.key_id
    assert first.secret != second.secret


def test_token_with_surrounding_whitespace_is_split() -> None:
    key = generate_key()

    assert split_token(f"  {key.token}\n") == (key.key_id, key.secret)


def test_secret_matches_its_own_hash() -> None:
    key = generate_key()

    assert secret_matches(key.secret, key.secret_hash)


@pytest.mark.parametrize("wrong", ["", "x", "wrong-secret"])
def test_secret_does_not_match_another_hash(wrong: str) -> None:
    key = generate_key()

    assert not secret_matches(wrong, key.secret_hash)


def test_secret_does_not_match_an_empty_hash() -> None:
    assert not secret_matches(generate_key().secret, "")


def test_secret_hash_does_not_contain_the_secret() -> None:
    key = generate_key()

    assert key.secret not in key.secret_hash
    assert key.secret_hash == hash_secret(key.secret)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("rr", id="prefix-only"),
        pytest.param("rr_", id="prefix-and-separator"),
        pytest.param("rr__", id="no-parts"),
        pytest.param("xx_0123456789ab_secret", id="wrong-prefix"),
        pytest.param("RR_0123456789ab_secret", id="upper-case-prefix"),
        pytest.param("rr_0123456789ab", id="missing-secret"),
        pytest.param("rr_0123456789ab_", id="empty-secret"),
        pytest.param("rr__secret", id="missing-key-id"),
        pytest.param("rr_abc_secret", id="short-key-id"),
        pytest.param("rr_0123456789abcd_secret", id="long-key-id"),
        pytest.param("rr_0123456789ab_" + "a" * 201, id="secret-too-long"),
        pytest.param("Bearer " + SAMPLE_TOKEN, id="with-scheme"),
        pytest.param("rr-0123456789ab-secret", id="wrong-separator"),
    ],
)
def test_malformed_token_is_not_split(token: str) -> None:
    assert split_token(token) is None


def test_secret_may_contain_the_separator() -> None:
    assert split_token("rr_0123456789ab_se_cr_et") == ("0123456789ab", "se_cr_et")


# --- scopes and principals ---------------------------------------------------------


@pytest.mark.parametrize("scope", list(Scope))
def test_admin_has_every_scope(scope: Scope) -> None:
    assert a_principal(Scope.ADMIN).has(scope)


def test_principal_has_its_own_scope() -> None:
    assert a_principal(Scope.SUBMIT).has(Scope.SUBMIT)


@pytest.mark.parametrize(
    ("held", "wanted"),
    [
        (Scope.SUBMIT, Scope.REVIEW),
        (Scope.REVIEW, Scope.SUBMIT),
        (Scope.SUBMIT, Scope.ADMIN),
        (Scope.REVIEW, Scope.ADMIN),
    ],
)
def test_principal_lacks_scopes_it_was_not_given(held: Scope, wanted: Scope) -> None:
    assert not a_principal(held).has(wanted)


def test_principal_without_scopes_has_none() -> None:
    assert not a_principal().has(Scope.SUBMIT)


def test_require_raises_forbidden_naming_the_scope() -> None:
    with pytest.raises(Forbidden, match="entries:review"):
        a_principal(Scope.SUBMIT).require(Scope.REVIEW)


def test_require_passes_when_the_scope_is_held() -> None:
    a_principal(Scope.REVIEW).require(Scope.REVIEW)


def test_operator_is_an_admin() -> None:
    assert OPERATOR.has(Scope.ADMIN)


def test_require_principal_without_one_is_unauthenticated() -> None:
    with pytest.raises(Unauthenticated):
        require_principal(None)


def test_require_principal_returns_the_principal() -> None:
    principal = a_principal(Scope.SUBMIT)

    assert require_principal(principal) is principal


def test_label_names_kind_name_and_key() -> None:
    principal = Principal(PrincipalKind.MAINTAINER, "Rita", frozenset(), key_id="0123456789ab")

    assert principal.label == "maintainer:Rita (key 0123456789ab)"


def test_label_without_a_key_names_kind_and_name() -> None:
    assert OPERATOR.label == "operator:cli"


@pytest.mark.parametrize(
    ("values", "scopes"),
    [
        ([], frozenset()),
        (["entries:submit"], frozenset({Scope.SUBMIT})),
        (["entries:submit", "entries:review"], frozenset({Scope.SUBMIT, Scope.REVIEW})),
        (["admin", "admin"], frozenset({Scope.ADMIN})),
    ],
)
def test_parse_scopes_reads_known_names(values: list[str], scopes: frozenset[Scope]) -> None:
    assert parse_scopes(values) == scopes


@pytest.mark.parametrize(
    "values",
    [["bogus"], ["entries:submit", "bogus"], ["ADMIN"], ["entries:*"], [""]],
)
def test_parse_scopes_rejects_unknown_names(values: list[str]) -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        parse_scopes(values)


# --- passwords ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password("correct horse battery staple")


def test_password_verifies_against_its_hash(password_hash: str) -> None:
    assert verify_password("correct horse battery staple", password_hash)


@pytest.mark.parametrize("wrong", ["", "Correct horse battery staple", "correct horse"])
def test_wrong_password_does_not_verify(password_hash: str, wrong: str) -> None:
    assert not verify_password(wrong, password_hash)


def test_password_hash_does_not_contain_the_password(password_hash: str) -> None:
    assert "correct horse" not in password_hash


@pytest.mark.parametrize(
    "stored",
    ["", "garbage", "$argon2id$v=19$m=65536,t=3,p=4$bad$bad", hash_secret("password")],
)
def test_garbage_hash_does_not_verify(stored: str) -> None:
    assert not verify_password("password", stored)
