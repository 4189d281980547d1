"""Sign-in throttling (registry/throttle.py, used by AccountService.sign_in): the same
answers for known and unknown emails, waits that grow, and no way to lock a maintainer
out from another address."""

import itertools
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from registry import accounts, throttle
from registry.accounts import SignInResult
from registry.auth import OPERATOR, verify_password
from registry.models import Maintainer, SignInThrottle
from registry.wiring import Services

EMAIL = "maya@example.nhs.uk"
PASSWORD = "correct horse battery staple"
ATTACKER = "203.0.113.9"
HOME = "198.51.100.20"


@pytest.fixture
def maya(services: Services) -> None:
    services.accounts.create_maintainer(
        email=EMAIL, role="reviewer", name="Maya", password=PASSWORD, actor=OPERATOR
    )


def let_waits_end(services: Services) -> None:
    """As if every client waited as long as it was told to."""
    with Session(services.engine) as session:
        for row in session.exec(select(SignInThrottle)).all():
            row.blocked_until = None
            session.add(row)
        session.commit()


def outcome(result: SignInResult) -> tuple[bool, bool, bool]:
    """What a client learns (the wait's length depends on how slow the machine is)."""
    return result.principal is not None, result.checked, result.retry_after is not None


def test_waits_double_past_the_allowance_up_to_15_minutes() -> None:
    waits = [throttle.wait_after(n, 3) for n in range(1, 20)]

    assert waits[:2] == [None, None]
    assert waits[2:6] == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    assert waits[-1] == timedelta(minutes=15)
    assert throttle.wait_after(10_000, 3) == timedelta(minutes=15)


def test_waits_read_as_words() -> None:
    assert throttle.in_words(timedelta(seconds=1)) == "1 second"
    assert throttle.in_words(timedelta(seconds=39.2)) == "40 seconds"
    assert throttle.in_words(timedelta(seconds=61)) == "2 minutes"


@pytest.mark.usefixtures("maya")
def test_known_and_unknown_emails_get_the_same_answers_after_many_failures(
    services: Services,
) -> None:
    def attempts(email: str, address: str) -> list[tuple[bool, bool, bool]]:
        seen = []
        for number in range(30):
            if number % 4 == 3:
                let_waits_end(services)
            seen.append(outcome(services.accounts.sign_in(email, "wrong guess!", address)))
        return seen

    known = attempts(EMAIL, "192.0.2.1")
    unknown = attempts("nobody@example.nhs.uk", "192.0.2.2")

    assert known == unknown
    assert (False, False, True) in known  # refused unchecked while waiting


@pytest.mark.usefixtures("maya")
def test_the_password_hash_is_checked_for_unknown_emails_too(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = verify_password

    def counting(password: str, stored_hash: str) -> bool:
        checked.append(stored_hash[:9])
        return real(password, stored_hash)

    monkeypatch.setattr(accounts, "verify_password", counting)

    services.accounts.sign_in("nobody@example.nhs.uk", "wrong guess!", "192.0.2.3")
    services.accounts.sign_in(EMAIL, "wrong guess!", "192.0.2.4")

    assert checked == ["$argon2id", "$argon2id"]


@pytest.mark.usefixtures("maya")
def test_a_maintainer_signs_in_from_their_address_while_an_attacker_hammers_the_account(
    services: Services,
) -> None:
    for _ in range(40):
        services.accounts.sign_in(EMAIL, "guess, guess", ATTACKER)
        let_waits_end(services)  # the most attempts an attacker can have checked
    services.accounts.sign_in(EMAIL, "guess, guess", ATTACKER)

    blocked = services.accounts.sign_in(EMAIL, PASSWORD, ATTACKER)
    maya = services.accounts.sign_in(EMAIL, PASSWORD, HOME)

    assert blocked.principal is None
    assert blocked.checked is False
    assert maya.principal is not None
    assert maya.principal.name == "Maya"


@pytest.mark.usefixtures("maya")
def test_the_wait_grows_with_each_failure_from_the_same_address(services: Services) -> None:
    waits = []
    for _ in range(8):
        result = services.accounts.sign_in(EMAIL, "guess, guess", ATTACKER)
        waits.append(result.retry_after)
        let_waits_end(services)

    assert waits[:2] == [None, None]
    grown = [w for w in waits[2:] if w is not None]
    assert len(grown) == 6
    assert all(later > earlier for earlier, later in itertools.pairwise(grown))
    assert grown[-1] <= timedelta(minutes=15)


@pytest.mark.usefixtures("maya")
def test_one_address_guessing_many_emails_is_slowed(services: Services) -> None:
    results = [
        services.accounts.sign_in(f"person{n}@example.nhs.uk", "guess, guess", ATTACKER)
        for n in range(throttle.FREE_PER_ADDRESS)
    ]

    refused = services.accounts.sign_in(EMAIL, PASSWORD, ATTACKER)

    assert all(r.retry_after is None for r in results[:-1])
    assert results[-1].retry_after is not None
    assert refused.principal is None
    assert refused.checked is False


@pytest.mark.usefixtures("maya")
def test_a_success_clears_the_count_for_that_email_and_address(services: Services) -> None:
    for _ in range(2):
        services.accounts.sign_in(EMAIL, "guess, guess", HOME)
    assert services.accounts.sign_in(EMAIL, PASSWORD, HOME).principal is not None

    again = [services.accounts.sign_in(EMAIL, "typo, typo", HOME) for _ in range(2)]

    assert [r.retry_after for r in again] == [None, None]


@pytest.mark.usefixtures("maya")
def test_an_admin_clears_the_waits_on_a_maintainers_email(services: Services) -> None:
    for _ in range(8):
        let_waits_end(services)
        services.accounts.sign_in(EMAIL, "guess, guess", HOME)
    admin = services.accounts.create_maintainer(
        email="ada@example.nhs.uk", role="admin", password=PASSWORD, actor=OPERATOR
    )
    actor = accounts.maintainer_principal(_maintainer(services, admin.id))
    maya_id = next(m.id for m in services.accounts.maintainers() if m.email == EMAIL)
    assert next(m for m in services.accounts.maintainers() if m.email == EMAIL).locked_until

    services.accounts.unlock(maya_id, actor)

    assert services.accounts.sign_in(EMAIL, PASSWORD, HOME).principal is not None


@pytest.mark.usefixtures("maya")
def test_the_throttle_stores_no_email_or_address(services: Services) -> None:
    services.accounts.sign_in(EMAIL, "guess, guess", ATTACKER)

    with Session(services.engine) as session:
        rows = [row.model_dump_json() for row in session.exec(select(SignInThrottle)).all()]
    assert rows
    assert not any(EMAIL in row or ATTACKER in row for row in rows)


def _maintainer(services: Services, maintainer_id: int) -> Maintainer:
    with Session(services.engine) as session:
        found = session.get(Maintainer, maintainer_id)
        assert found is not None
        session.expunge(found)
        return found
