"""The OA webhook signature: `X-ZEvent-Signature: mac=<sha256 hex>` over app id, body,
timestamp and OA secret key (plain SHA-256 of the concatenation, as Zalo documents, not HMAC)."""
from __future__ import annotations

import hashlib
import hmac

PREFIX = "mac="


def mac(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    """The hex digest Zalo puts after `mac=`; `body` is the exact bytes received."""
    data = app_id.encode() + body + timestamp.encode() + secret_key.encode()
    return hashlib.sha256(data).hexdigest()


def signature_ok(header: str, app_id: str, body: bytes, timestamp: str, secret_key: str) -> bool:
    """Constant-time check of the header against the expected mac."""
    given = header.strip()
    if given.lower().startswith(PREFIX):
        given = given[len(PREFIX):]
    expected = mac(app_id, body, timestamp, secret_key)
    return hmac.compare_digest(given.lower().encode(), expected.encode())


def timestamp_fresh(timestamp: str, now_ms: int, max_age_seconds: int) -> bool:
    """True if the event's millisecond timestamp is within max_age of now (either way):
    a replayed old event, even correctly signed, is refused."""
    try:
        value = int(timestamp)
    except (TypeError, ValueError):
        return False
    return abs(now_ms - value) <= max_age_seconds * 1000
