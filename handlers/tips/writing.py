"""The tip's own words and files: the description (a text over the limit is cut or split, never
thrown away) and the photos, videos, voice notes, files or location sent with it."""
from __future__ import annotations

from handlers.dialogue import Turn, option
from handlers.messages import Kind, Message
from handlers.text import shorten, split_text
from handlers.tips.domain import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_TEXT, TipDraft
from handlers.tips.service import draft_of, keep
from handlers.tips.steps import TipStep, advance, save, stale, tip_t

MAX_HELD = 4 * MAX_TEXT       # a text longer than a tip is kept while the person decides
SHOWN_BACK = 300              # how much of the written text a step back shows


class TextScreen(TipStep):
    step = "tip_text"
    max_text = MAX_TEXT

    async def too_long(self, turn: Turn, text: str) -> None:
        """A text over the limit is kept and offered to be cut or split, not thrown away."""
        if await stale(turn):
            return
        turn.go("tip_text_long", draft=keep(draft_of(turn)), held=text.strip()[:MAX_HELD])
        await turn.show()

    async def render(self, turn: Turn) -> Message:
        """Come back to from a later step, it shows what was written and can keep it."""
        text, draft = tip_t(turn, "tip.ask_text", limit=MAX_TEXT), draft_of(turn)
        if not draft.text:
            return Message(text=text, buttons=(self.cancel_row(turn),))
        written = turn.t("tip.written_so_far", text=shorten(draft.text, SHOWN_BACK))
        return Message(text=f"{text}\n\n{written}", buttons=(
            (option(self.step, "keep", turn.t("tip.text_keep")),), self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        advance(turn, self.step, draft)          # "keep": the text already written
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        if await stale(turn):
            return True
        if len(text.strip()) < 5:
            turn.say(turn.t("tip.text_too_short"))
            await turn.show()
            return True
        draft = draft_of(turn)
        draft.text = text.strip()
        advance(turn, self.step, draft)
        await turn.show()
        return True

    async def media(self, turn: Turn) -> bool:
        """A photo with a caption answers both this step and the next."""
        if not turn.inbound.attachments or len(turn.inbound.text.strip()) < 5:
            return False
        draft = draft_of(turn)
        draft.text = turn.inbound.text.strip()[:MAX_TEXT]
        advance(turn, self.step, draft)
        return await MediaScreen().media(turn)


class LongTextScreen(TipStep):
    """What to do with a text longer than a tip holds: cut it, split it, or type it again."""

    step = "tip_text_long"

    async def render(self, turn: Turn) -> Message:
        held = str(turn.state.data.get("held", ""))
        parts = len(split_text(held, MAX_TEXT))
        return Message(text=turn.t("tip.text_over", length=len(held), limit=MAX_TEXT),
                       buttons=((option(self.step, "cut", turn.t("tip.text_cut", limit=MAX_TEXT)),),
                                (option(self.step, "split", turn.t("tip.text_split", parts=parts)),),
                                (option(self.step, "again", turn.t("tip.text_again")),),
                                self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        parts = split_text(str(turn.state.data.get("held", "")), MAX_TEXT)
        if key == "again":
            save(turn, "tip_text", draft)
        else:
            draft.text, draft.more = parts[0], parts[1:] if key == "split" else []
            advance(turn, "tip_text", draft)
        await turn.show()


class MediaScreen(TipStep):
    step = "tip_media"

    async def render(self, turn: Turn) -> Message:
        draft = draft_of(turn)
        done = "done" if draft.attachments else "skip"
        return Message(text=turn.t("tip.ask_media", count=MAX_ATTACHMENTS,
                                   size=MAX_ATTACHMENT_BYTES // (1024 * 1024)),
                       buttons=((option(self.step, done, turn.t(f"tip.media_{done}")),),
                                self.cancel_row(turn)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        advance(turn, self.step, draft)
        await turn.show()

    async def media(self, turn: Turn) -> bool:
        inbound = turn.inbound
        if inbound.kind is Kind.LOCATION:
            draft = draft_of(turn)
            draft.location = inbound.location
            save(turn, self.step, draft)
            turn.say(turn.t("tip.location_added"))
            return True
        if not inbound.attachments:
            turn.say(turn.t("tip.media_unsupported"))
            return True
        await self._add(turn, draft_of(turn))
        return True

    async def _add(self, turn: Turn, draft: TipDraft) -> None:
        """Keep the files; answer once per album, not once per photo."""
        group = turn.inbound.attachments[0].group
        first_of_album = not group or group != turn.state.data.get("album")
        refused = too_big = 0
        for item in turn.inbound.attachments:
            if item.size and item.size > MAX_ATTACHMENT_BYTES:
                too_big += 1
            elif len(draft.attachments) >= MAX_ATTACHMENTS:
                refused += 1
            else:
                draft.attachments.append({"kind": item.kind, "ref": item.ref, "mime": item.mime,
                                          "size": item.size})
        full_said = bool(turn.state.data.get("full_said"))
        say_full = bool(refused) and not full_said
        turn.go(self.step, draft=keep(draft), album=group, full_said=full_said or say_full)
        if too_big:
            turn.say(turn.t("tip.media_too_big", size=MAX_ATTACHMENT_BYTES // (1024 * 1024)))
        elif say_full:
            turn.say(turn.t("tip.media_full", count=MAX_ATTACHMENTS))
        elif first_of_album and not refused:
            turn.say(turn.t("tip.media_received", count=len(draft.attachments)))
            await turn.show()
