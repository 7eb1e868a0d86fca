"""The tipster's link, sealed with a key the database does not hold (Fernet from `cryptography`),
and keyed hashes for receipt codes and per-person counters."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from config.settings import Settings

log = logging.getLogger(__name__)


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"antt-bot", info=purpose).derive(master)


class Sealer:
    """Seals (channel, user id) for a tip and makes keyed hashes; see handlers/ports/tips.py."""

    def __init__(self, master: bytes) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"tip-link")))
        self._hash_key = _derive(master, b"keyed-hash")
        self._state_key = base64.urlsafe_b64encode(_derive(master, b"dialogue-state"))

    def state_key(self) -> bytes:
        """The Fernet key that seals dialogue states (tip drafts) at rest."""
        return self._state_key

    def seal(self, channel: str, user_id: str) -> str:
        return self._fernet.encrypt(f"{channel}\n{user_id}".encode()).decode()

    def unseal(self, sealed: str) -> tuple[str, str] | None:
        try:
            channel, user_id = self._fernet.decrypt(sealed.encode()).decode().split("\n", 1)
        except (InvalidToken, ValueError):
            return None
        return channel, user_id

    def digest(self, purpose: str, value: str) -> str:
        """HMAC-SHA256: without the key, a database copy cannot test guesses against it."""
        return hmac.new(self._hash_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def load_sealer(settings: Settings) -> Sealer:
    """BOT_SECRET_KEY, or a key file made once for a quick start (kept beside, not in, the DB)."""
    if settings.secret_key is not None:
        return Sealer(settings.secret_key.get_secret_value().encode())
    path = Path(settings.secret_key_file)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.urlsafe_b64encode(os.urandom(32)))
        os.chmod(path, 0o600)
        log.warning("BOT_SECRET_KEY not set: generated a key file", extra={"path": str(path)})
    return Sealer(path.read_bytes().strip())
