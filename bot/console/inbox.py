"""The console as a delivery channel: a bulletin to a console subscriber waits in that user's
inbox (a file under BOT_FILES_DIR) until their `python -m bot chat` shows it, live or at the next
start. A bulletin counts as delivered once it is in the inbox, as a Telegram message counts once
Telegram has it.
"""
from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path

from broadcasts.links import resident_text, tip_code
from delivery.errors import PermanentSendError, TransientSendError
from delivery.item import OutboxItem
from handlers.i18n import Catalog

CHANNEL = "console"


class ConsoleInbox:
    """One file per console user; ``put`` appends a line, ``take`` empties it (by renaming it
    first, so a bulletin put meanwhile waits for the next take instead of being lost)."""

    def __init__(self, files_dir: Path) -> None:
        self._folder = Path(files_dir) / "console-inbox"

    def _path(self, user_id: str) -> Path:
        name = user_id.encode("utf-8").hex()    # any user name, never a path
        return self._folder / f"{name}.jsonl"

    def put(self, user_id: str, text: str, ref: str) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        line = (json.dumps({"ref": ref, "text": text}, ensure_ascii=False) + "\n").encode()
        fd = os.open(self._path(user_id), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)     # one write of one line: appends never interleave
        finally:
            os.close(fd)

    def take(self, user_id: str) -> list[str]:
        path = self._path(user_id)
        taking = path.with_suffix(".taking")
        try:
            os.replace(path, taking)
        except FileNotFoundError:
            if not taking.exists():
                return []
        texts = []
        for line in taking.read_text(encoding="utf-8").splitlines():
            try:
                texts.append(str(json.loads(line)["text"]))
            except (ValueError, KeyError, TypeError):
                continue           # a line cut by a crash mid-write: the rest still show
        taking.unlink(missing_ok=True)
        return texts


class ConsoleBroadcastSender:
    """delivery.ports.Sender for the console: the bulletin as a resident reads it on a channel
    without links (the footer says what to type to send a tip about it), into the inbox."""

    def __init__(self, store, catalog: Catalog, inbox: ConsoleInbox) -> None:
        self._store, self._catalog, self._inbox = store, catalog, inbox

    async def send(self, item: OutboxItem) -> str:
        if item.broadcast_id is None or item.chat_id is None:
            raise PermanentSendError("not a bulletin to a console user")
        bulletin = await self._store.bulletin(item.broadcast_id)
        if bulletin is None:
            raise PermanentSendError("bulletin gone")
        t = partial(self._catalog.t, item.language or self._catalog.default)
        text = resident_text(t, bulletin.text, None, code=tip_code(bulletin.id))
        if bulletin.photo_ref:
            text += "\n" + t("console.bulletin_photo")
        ref = f"console:{item.id}"
        try:
            self._inbox.put(item.chat_id, t("console.bulletin", text=text), ref)
        except OSError as error:      # a full or read-only disk: try again later
            raise TransientSendError(f"console inbox: {error.strerror}") from error
        return ref
