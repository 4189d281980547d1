"""Signing deliveries as the Standard Webhooks specification describes.

The `standardwebhooks` package is the specification's reference implementation; subscribers
verify with it (or any other implementation) using the `whsec_…` secret they were shown.
Signed content: `<webhook-id>.<webhook-timestamp>.<body>`, HMAC-SHA256, base64, sent as
`webhook-signature: v1,<signature>`.
"""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
#: 256 bits, as the specification recommends (between 24 and 64 bytes).
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret in the specification's `whsec_<base64>` form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signed_headers(secret: str, message_id: str, when: datetime, body: bytes) -> dict[str, str]:
    """The three headers of a signed delivery."""
    signature = Webhook(secret).sign(message_id, when, body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
    }
