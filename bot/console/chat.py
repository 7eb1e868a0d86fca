"""`python -m bot chat`: talk to the bot in the terminal; buttons become numbered options, and a
file the bot makes (a report) is saved in BOT_FILES_DIR, its path printed."""
from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.console.inbox import ConsoleInbox
from bot.turns import Turns, typed
from handlers.choices import Choices, offered, picked
from handlers.i18n import Catalog
from handlers.messages import Document, Inbound, Kind, Message, Reply

CHANNEL = "console"
QUIT = {"/thoat", "/quit", "/exit"}
INBOX_EVERY = 1.0     # seconds between looks at the inbox while the user is at the prompt


def to_inbound(line: str, user_id: str, shown: Choices = ()) -> Inbound:
    """What was typed; a number (or label) of the last message's choices is that press, so a
    tip card's actions and the inbox lines work typed like any screen's options."""
    inbound = typed(line.strip(), channel=CHANNEL, user_id=user_id)
    payload = picked(list(shown), inbound.text) if inbound.kind is Kind.TEXT else None
    if payload is None:
        return inbound
    return Inbound(channel=CHANNEL, user_id=user_id, kind=Kind.BUTTON, payload=payload,
                   text=inbound.text)


def render(reply: Reply, menu_title: str) -> str:
    out: list[str] = []
    if reply.notice:
        out.append(f"({reply.notice})")
    for message in reply.messages:
        out.append(_render_message(message, menu_title))
    return "\n\n".join(out)


def _render_message(message: Message, menu_title: str) -> str:
    lines = [message.text]
    for number, button in enumerate(message.numbered(), start=1):
        lines.append(f"  {number}. {button.label}")
    if message.menu and not message.buttons:
        lines.append(menu_title)
        labels = [label for row in message.menu for label in row]
        lines.extend(f"  {number}. {label}" for number, label in enumerate(labels, start=1))
    return "\n".join(lines)


def save_files(reply: Reply, folder: Path, catalog: Catalog) -> Reply:
    """Write each message's file into `folder` (never over an earlier one) and say where."""
    messages = []
    for message in reply.messages:
        if message.document is not None:
            path = _save(message.document, folder)
            saved = catalog.t(None, "console.file_saved", path=str(path))
            message = replace(message, document=None,
                              text="\n".join(p for p in (message.text, saved) if p))
        messages.append(message)
    return replace(reply, messages=messages)


def _save(document: Document, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(document.filename).name or "file"      # a name, never a path from elsewhere
    stem, suffix = Path(name).stem, Path(name).suffix
    path, n = folder / name, 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    path.write_bytes(document.data)
    return path.resolve()


def _show_inbox(inbox: ConsoleInbox | None, user_id: str, stdout: TextIO) -> None:
    for text in inbox.take(user_id) if inbox is not None else ():
        print(f"\n{text}\n> ", end="", file=stdout, flush=True)


async def _watch_inbox(inbox: ConsoleInbox, user_id: str, stdout: TextIO) -> None:
    """A bulletin that arrives while the user is at the prompt shows at once."""
    while True:
        await asyncio.sleep(INBOX_EVERY)
        _show_inbox(inbox, user_id, stdout)


async def chat(turns: Turns, user_id: str, stdin: TextIO = sys.stdin,
               stdout: TextIO = sys.stdout, files_dir: Path = Path("data/files"),
               inbox: ConsoleInbox | None = None) -> None:
    """Read a line, hand it to the turn pipeline, print the reply, until /thoat or EOF; the
    user's console inbox (bulletins) shows after each reply and while they wait."""
    watcher = (asyncio.create_task(_watch_inbox(inbox, user_id, stdout))
               if inbox is not None else None)
    try:
        await _chat(turns, user_id, stdin, stdout, files_dir, inbox)
    finally:
        if watcher is not None:
            watcher.cancel()


async def _chat(turns: Turns, user_id: str, stdin: TextIO, stdout: TextIO, files_dir: Path,
                inbox: ConsoleInbox | None) -> None:
    catalog = turns.catalog
    menu_title = catalog.t(None, "console.menu")
    print(catalog.t(None, "console.intro"), file=stdout, flush=True)
    first, shown = True, []
    loop = asyncio.get_running_loop()
    while True:
        line = "/start" if first else await loop.run_in_executor(None, stdin.readline)
        first = False
        if line == "" or line.strip().lower() in QUIT:
            return
        if not line.strip():
            continue
        reply = save_files(await turns.answer(to_inbound(line, user_id, shown)), files_dir,
                           catalog)
        if reply.messages:       # a notice alone leaves the last message's choices in place
            shown = offered(reply.messages)
        print(f"\n{render(reply, menu_title)}\n> ", end="", file=stdout, flush=True)
        _show_inbox(inbox, user_id, stdout)
