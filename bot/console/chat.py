"""`python -m bot chat`: talk to the bot in the terminal; buttons become numbered options."""
from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.app import App
from handlers.messages import Inbound, Kind, Message, Reply
from handlers.ports import StorageUnavailable

CHANNEL = "console"
QUIT = {"/thoat", "/quit", "/exit"}


def to_inbound(line: str, user_id: str) -> Inbound:
    text = line.strip()
    if text.startswith("/") and len(text) > 1:
        head, _, args = text[1:].partition(" ")
        return Inbound(channel=CHANNEL, user_id=user_id, kind=Kind.COMMAND,
                       command=head.lower(), args=args.strip(), text=text)
    return Inbound(channel=CHANNEL, user_id=user_id, kind=Kind.TEXT, text=text)


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


async def chat(app: App, user_id: str, stdin: TextIO = sys.stdin,
               stdout: TextIO = sys.stdout) -> None:
    catalog = app.catalog
    menu_title = catalog.t(None, "console.menu")
    print(catalog.t(None, "console.intro"), file=stdout, flush=True)
    first = True
    loop = asyncio.get_running_loop()
    while True:
        line = "/start" if first else await loop.run_in_executor(None, stdin.readline)
        first = False
        if line == "" or line.strip().lower() in QUIT:
            return
        if not line.strip():
            continue
        inbound = to_inbound(line, user_id)
        try:
            reply = await app.dialogue.handle(inbound)
            text = render(reply, menu_title)
        except StorageUnavailable:
            text = catalog.t(None, "error.busy")
        print(f"\n{text}\n> ", end="", file=stdout, flush=True)
