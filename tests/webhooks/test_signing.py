"""Signatures any Standard Webhooks library verifies."""

import base64
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from registry.webhooks.signing import new_secret, signed_headers


def test_new_secrets_are_whsec_and_256_bits_and_differ() -> None:
    first, second = new_secret(), new_secret()

    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
    assert first != second


def test_signed_headers_verify_with_the_reference_library() -> None:
    secret, body = new_secret(), b'{"type": "entry.updated"}'
    headers = signed_headers(secret, "msg_1", datetime.now(UTC), body)

    assert Webhook(secret).verify(body, headers) == {"type": "entry.updated"}


def test_a_changed_body_does_not_verify() -> None:
    secret = new_secret()
    headers = signed_headers(secret, "msg_1", datetime.now(UTC), b"{}")

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"a": 1}', headers)
