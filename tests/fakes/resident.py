"""A scripted resident who talks to the dialogue directly (no channel in between)."""
from __future__ import annotations

from handlers.messages import Inbound, Kind, Message, Reply


class Resident:
    def __init__(self, app, user_id: str = "1001", channel: str = "test") -> None:
        self.app, self.user_id, self.channel = app, user_id, channel
        self.last: Reply | None = None

    async def send(self, kind: Kind, **fields) -> Reply:
        self.last = await self.app.dialogue.handle(
            Inbound(channel=self.channel, user_id=self.user_id, kind=kind, **fields))
        return self.last

    async def command(self, name: str, args: str = "") -> Reply:
        return await self.send(Kind.COMMAND, command=name, args=args, text=f"/{name} {args}")

    async def type(self, text: str) -> Reply:
        return await self.send(Kind.TEXT, text=text)

    async def press(self, label_part: str) -> Reply:
        """Press the button whose label contains `label_part` on the latest screen."""
        for message in reversed(self.last.messages):
            for button in message.numbered():
                if label_part in button.label:
                    return await self.send(Kind.BUTTON, payload=button.payload)
        raise AssertionError(f"no button {label_part!r} in {self.texts()}")

    def screen(self) -> Message:
        return self.last.messages[-1]

    def labels(self) -> list[str]:
        return [b.label for b in self.screen().numbered()]

    def texts(self) -> str:
        return "\n---\n".join(m.text for m in self.last.messages)

    async def onboard(self, commune: str = "cao thuong") -> None:
        await self.command("start")
        await self.type(commune)
        await self.press("Xong")
