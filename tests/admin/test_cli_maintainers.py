"""`registry maintainers create`: a maintainer who signs in to the admin pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from registry.auth import verify_password
from registry.cli import main
from registry.db import make_engine
from registry.models import AuditEvent, Maintainer


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REGISTRY_DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    return tmp_path / "data"


def stored(data_dir: Path) -> list[Maintainer]:
    engine = make_engine(f"sqlite:///{data_dir / 'registry.db'}")
    try:
        with Session(engine) as session:
            rows = list(session.exec(select(Maintainer)).all())
            for row in rows:
                session.expunge(row)
            return rows
    finally:
        engine.dispose()


def test_create_stores_an_argon2_hash(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "maintainers",
            "create",
            "--email",
            "Ada@Example.nhs.uk",
            "--role",
            "admin",
            "--name",
            "Ada Admin",
            "--password",
            "a long enough password",
        ]
    )

    assert code == 0
    assert "Ada Admin <ada@example.nhs.uk> (admin)" in capsys.readouterr().out
    [person] = stored(data_dir)
    assert person.email == "ada@example.nhs.uk"
    assert person.role == "admin"
    assert person.password_hash is not None
    assert person.password_hash.startswith("$argon2")
    assert verify_password("a long enough password", person.password_hash)


def test_create_asks_for_the_password_when_not_given(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["typed in secretly!", "typed in secretly!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    code = main(["maintainers", "create", "--email", "rita@example.nhs.uk", "--role", "reviewer"])

    assert code == 0
    [person] = stored(data_dir)
    assert person.name == "rita@example.nhs.uk"
    assert person.password_hash is not None
    assert verify_password("typed in secretly!", person.password_hash)


def test_create_refuses_a_duplicate_email(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "maintainers",
        "create",
        "--email",
        "ada@example.nhs.uk",
        "--role",
        "admin",
        "--password",
        "a long enough password",
    ]
    assert main(args) == 0

    code = main([*args[:3], "ADA@example.nhs.uk", *args[4:], "--name", "Another Ada"])

    assert code != 0
    assert "already a maintainer with the email ada@example.nhs.uk" in capsys.readouterr().err
    assert len(stored(data_dir)) == 1


def test_create_refuses_a_short_password(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "maintainers",
            "create",
            "--email",
            "ada@example.nhs.uk",
            "--role",
            "admin",
            "--password",
            "short",
        ]
    )

    assert code != 0
    assert "at least 12 characters" in capsys.readouterr().err
    assert stored(data_dir) == []


def test_create_refuses_a_bad_email_or_role(data_dir: Path) -> None:
    assert (
        main(
            [
                "maintainers",
                "create",
                "--email",
                "not-an-email",
                "--role",
                "admin",
                "--password",
                "a long enough password",
            ]
        )
        != 0
    )
    with pytest.raises(SystemExit):
        main(
            [
                "maintainers",
                "create",
                "--email",
                "a@b.org",
                "--role",
                "owner",
                "--password",
                "a long enough password",
            ]
        )


def test_create_is_audited(data_dir: Path) -> None:
    main(
        [
            "maintainers",
            "create",
            "--email",
            "ada@example.nhs.uk",
            "--role",
            "admin",
            "--password",
            "a long enough password",
        ]
    )

    engine = make_engine(f"sqlite:///{data_dir / 'registry.db'}")
    with Session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "maintainer.create")
        ).one()
    engine.dispose()
    assert event.actor == "operator:cli"
    assert event.detail["role"] == "admin"
    assert "password" not in str(event.detail)


def test_create_refuses_passwords_that_do_not_match(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["typed in secretly!", "typed in secretly?"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    code = main(["maintainers", "create", "--email", "rita@example.nhs.uk", "--role", "reviewer"])

    assert code != 0
    assert "do not match" in capsys.readouterr().err
    assert stored(data_dir) == []


def run_cli(data_dir: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "REGISTRY_DATA_DIR": str(data_dir)}
    environment.pop("REGISTRY_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "registry", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_create_without_a_password_or_terminal_says_so(data_dir: Path) -> None:
    done = run_cli(
        data_dir,
        "",
        "maintainers",
        "create",
        "--email",
        "rita@example.nhs.uk",
        "--role",
        "reviewer",
    )

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "no password given: use --password" in done.stderr
    assert stored(data_dir) == []


def test_create_reads_a_piped_password(data_dir: Path) -> None:
    done = run_cli(
        data_dir,
        "piped in secretly!\npiped in secretly!\n",
        "maintainers",
        "create",
        "--email",
        "rita@example.nhs.uk",
        "--role",
        "reviewer",
    )

    assert done.returncode == 0, done.stderr
    [person] = stored(data_dir)
    assert person.password_hash is not None
    assert verify_password("piped in secretly!", person.password_hash)
