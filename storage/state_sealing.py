"""Dialogue states sealed at rest: what a person is in the middle of writing (a tip draft, an
answer to the police) is stored encrypted with a key the database does not hold, so a copy of
the file never shows tip text next to the chat id that keys the row."""
from __future__ import annotations

from typing import Any

import json

from cryptography.fernet import Fernet, InvalidToken

SEALED = "sealed"        # the only key of a sealed state's JSON data


class StateSealer:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, data: dict[str, Any]) -> dict[str, Any]:
        """{} stays {} (nothing to hide); anything else becomes {"sealed": token}."""
        if not data:
            return {}
        plain = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return {SEALED: self._fernet.encrypt(plain.encode()).decode()}

    def unseal(self, stored: dict[str, Any] | None) -> dict[str, Any] | None:
        """The data back; a state stored before sealing is read as it is; None if the token
        cannot be opened (another key): the conversation then starts again."""
        stored = dict(stored or {})
        if set(stored) != {SEALED} or not isinstance(stored[SEALED], str):
            return stored
        try:
            data: dict[str, Any] = json.loads(self._fernet.decrypt(stored[SEALED].encode()))
            return data
        except (InvalidToken, ValueError):
            return None
