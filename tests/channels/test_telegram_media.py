"""A file Telegram refuses does not stop the officer's card; the card says so."""
from __future__ import annotations

from telegram.error import BadRequest

from bot.telegram.media import send_message
from handlers.messages import Attachment, Button, Message


class RefusingBot:
    """Refuses voice notes by link (as Telegram does for formats it will not fetch)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []

    async def send_voice(self, chat_id, ref, **kwargs):
        raise BadRequest("Wrong file identifier/http url specified")

    async def send_photo(self, chat_id, ref, **kwargs):
        self.sent.append(("photo", ref))

    async def send_message(self, chat_id, text, **kwargs):
        self.sent.append(("text", text))
        return type("Sent", (), {"message_id": len(self.sent)})()


async def test_a_refused_file_leaves_the_card_and_a_note():
    bot = RefusingBot()
    card = Message(text="🆕 Tin báo #7K3M", buttons=((Button("Nhận", "tip:take:1"),),),
                   attachments=(Attachment("photo", "https://zalo/p.jpg"),
                                Attachment("voice", "https://zalo/v.aac")), protect=True)
    await send_message(bot, 5, card, "📎 {count} tệp không hiển thị được")
    assert bot.sent[0] == ("photo", "https://zalo/p.jpg")
    assert bot.sent[-1] == ("text", "🆕 Tin báo #7K3M\n\n📎 1 tệp không hiển thị được")
