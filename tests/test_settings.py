"""Settings come from REGISTRY_* variables, and every one is documented in the README."""

from pathlib import Path

import pytest

from registry.settings import DOCUMENTED, PROJECT_ROOT, Settings, SettingsError


def test_defaults_work_on_a_laptop() -> None:
    settings = Settings.from_env({})

    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("data/registry.db")
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.max_body_bytes == 1024 * 1024


def test_environment_overrides_defaults() -> None:
    settings = Settings.from_env(
        {
            "REGISTRY_DATA_DIR": "/srv/registry",
            "REGISTRY_DATABASE_URL": "postgresql+psycopg://db/registry",
            "REGISTRY_PORT": "9000",
            "REGISTRY_DEBUG": "yes",
        }
    )

    assert settings.data_dir == Path("/srv/registry")
    assert settings.effective_database_url == "postgresql+psycopg://db/registry"
    assert settings.port == 9000
    assert settings.debug is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REGISTRY_PORT", "http"),
        ("REGISTRY_PORT", "70000"),
        ("REGISTRY_DEBUG", "maybe"),
        ("REGISTRY_MAX_BODY_BYTES", "10"),
        ("REGISTRY_BASE_URL", "registry.example.org"),
        ("REGISTRY_BASE_URL", "javascript:alert(1)"),
        ("REGISTRY_BASE_URL", "https://registry.example.org/?next=evil"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_the_base_url_loses_its_trailing_slash() -> None:
    settings = Settings.from_env({"REGISTRY_BASE_URL": " https://registry.example.org/ "})

    assert settings.base_url == "https://registry.example.org"


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    used = set(_names_read_by_code())

    assert used == {name for name, _, _ in DOCUMENTED}
    for name, _, _ in DOCUMENTED:
        assert f"| `{name}` |" in readme, f"{name} is missing from the README"


def _names_read_by_code() -> set[str]:
    import re

    text = (PROJECT_ROOT / "registry" / "settings.py").read_text(encoding="utf-8")
    body = text.split("def from_env", 1)[1]
    return set(re.findall(r'"(REGISTRY_[A-Z_]+)"', body))


def test_webhook_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "REGISTRY_WEBHOOKS": "false",
            "REGISTRY_WEBHOOK_POLL_SECONDS": "0.5",
            "REGISTRY_WEBHOOK_RETRY_SECONDS": "1, 2.5,30",
            "REGISTRY_WEBHOOK_MAX_FAILURES": "4",
            "REGISTRY_WEBHOOK_TIMEOUT_SECONDS": "3",
            "REGISTRY_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1, 10.0.0.0/8",
        }
    )

    assert settings.webhooks is False
    assert settings.webhook_poll_seconds == 0.5
    assert settings.webhook_retry_seconds == (1.0, 2.5, 30.0)
    assert settings.webhook_max_failures == 4
    assert settings.webhook_timeout_seconds == 3.0
    assert settings.webhook_allowed_networks == ("127.0.0.1/32", "10.0.0.0/8")


def test_webhooks_are_on_and_private_networks_refused_by_default() -> None:
    settings = Settings.from_env({})

    assert settings.webhooks is True
    assert settings.webhook_allowed_networks == ()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REGISTRY_WEBHOOK_RETRY_SECONDS", "soon"),
        ("REGISTRY_WEBHOOK_RETRY_SECONDS", "10,,20"),
        ("REGISTRY_WEBHOOK_RETRY_SECONDS", "0"),
        ("REGISTRY_WEBHOOK_MAX_FAILURES", "0"),
        ("REGISTRY_WEBHOOK_ALLOWED_NETWORKS", "localhost"),
        ("REGISTRY_WEBHOOKS", "sometimes"),
    ],
)
def test_bad_webhook_values_are_refused_with_the_variable_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_harvest_settings_read_the_allow_list_and_the_scheduler_switch() -> None:
    settings = Settings.from_env(
        {
            "REGISTRY_HARVEST_ALLOW_HOSTS": " 127.0.0.1, Git.Internal.Example ,,10.0.0.0/8",
            "REGISTRY_HARVEST_SCHEDULER": "false",
            "REGISTRY_HARVEST_MISSES_BEFORE_DEPRECATION": "5",
        }
    )

    assert settings.harvest_allow_hosts == ("127.0.0.1", "git.internal.example", "10.0.0.0/8")
    assert settings.harvest_scheduler is False
    assert settings.harvest_misses_before_deprecation == 5
    assert Settings.from_env({}).harvest_scheduler is True
    assert Settings.from_env({}).harvest_allow_hosts == ()
