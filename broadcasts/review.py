"""Preview and confirm; then watch, pause, resume or cancel; and the list of recent broadcasts."""
from __future__ import annotations

from functools import partial
from typing import Any

from broadcasts.recurrence_words import describe_recurrence
from broadcasts.commands import (ChangeBroadcast, ConfirmBroadcast, DraftRefused,
                                 change_broadcast, confirm_broadcast, may_control)
from broadcasts.flow import BroadcastContext, draft_of, quit_compose, refuse
from broadcasts.links import resident_text
from broadcasts.model import Action, Draft
from handlers.ports import BroadcastView
from broadcasts.problems import BulletinProblem, NotAllowed, UnknownBroadcast
from broadcasts.status import WATCH, watch_message, window_text
from broadcasts.when import local_text
from handlers.dialogue import Turn, option
from handlers.menu import go_main
from handlers.messages import Attachment, Message

PREVIEW, LIST = "bc_preview", "bc_list"
# Every channel people subscribe on; those without a sender in this deployment are named.
SUBSCRIBER_CHANNELS = ("telegram", "zalo_oa", "zalo_bot", "console")
LIST_SIZE = 8


async def enter_preview(turn: Turn, ctx: BroadcastContext) -> None:
    """Show the bulletin exactly as residents will get it, then the summary to confirm."""
    data = turn.state.data
    link = ctx.links.link(turn.subscriber.channel, int(data["id"]))
    resident = partial(turn.catalog.t, turn.catalog.default)
    text, photo = resident_text(resident, data.get("text", ""), link), data.get("photo")
    if photo and not photo.startswith(("http://", "https://")):   # a photo sent in this chat
        turn.reply.messages.append(Message(text=text, attachments=(Attachment("photo", photo),)))
    else:
        turn.say(text)
        if photo:
            turn.say(turn.t("broadcast.preview_photo", photo=photo))
    await turn.show()


class PreviewScreen:
    step = PREVIEW

    def __init__(self, ctx: BroadcastContext) -> None:
        self._ctx = ctx

    async def render(self, turn: Turn) -> Message:
        draft, data = draft_of(turn.state.data), turn.state.data
        count = await turn.uow.broadcasts.count_recipients(
            draft.topics, draft.unit_ids, draft.all_units, draft.audience.value,
            self._ctx.channels)
        text = turn.t("broadcast.preview", count=count,
                      topics=", ".join(turn.t(f"topic.{t}") for t in draft.topics),
                      units=await _unit_names(turn, draft.unit_ids, draft.all_units),
                      audience=turn.t(f"broadcast.audience.{draft.audience.value}"),
                      when=_when(turn, draft), expires=local_text(draft.expires)
                      if draft.start and draft.expires
                      else turn.t("broadcast.after", span=_span(turn, data)))
        text += await self._unserved(turn, draft)
        return Message(text=text, buttons=(
            (option(self.step, "send", turn.t("broadcast.send")),
             option(self.step, "quit", turn.t("common.cancel"))),))

    async def _unserved(self, turn: Turn, draft: Draft) -> str:
        """Subscribers on channels this deployment does not deliver to (the console, a channel
        not configured) are named, never silently left out of the count."""
        others = [c for c in SUBSCRIBER_CHANNELS if c not in self._ctx.channels]
        missed = await turn.uow.broadcasts.count_recipients(
            draft.topics, draft.unit_ids, draft.all_units, draft.audience.value, others)
        lines = []
        if not self._ctx.channels:
            lines.append(turn.t("broadcast.preview_no_channel"))
        if missed:
            lines.append(turn.t("broadcast.preview_unserved", count=missed))
        return "".join("\n" + line for line in lines)

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "quit":
            await quit_compose(turn)
            return
        await self._confirm(turn, int(turn.state.data["id"]))

    async def _confirm(self, turn: Turn, draft_id: int) -> None:
        draft = draft_of(turn.state.data)
        command = ConfirmBroadcast(draft_id, draft, turn.member, self._ctx.clock())
        try:
            scheduled = await confirm_broadcast(command, turn.uow)
        except DraftRefused as refused:
            refuse(turn, refused.problems[0])
            await turn.show()
            return
        turn.go(WATCH, id=draft_id)
        if scheduled is None:     # pressed twice, or confirmed elsewhere meanwhile
            turn.say(turn.t("broadcast.already_confirmed", id=draft_id))
            await turn.show()
            return
        turn.say(turn.t("broadcast.confirmed_now" if draft.start is None
                        else "broadcast.confirmed_later", id=draft_id,
                        start=local_text(scheduled.start)))
        if turn.subscriber.channel not in self._ctx.live_status:
            await turn.show()    # no status message will follow on this channel

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


async def _unit_names(turn: Turn, unit_ids: list[int], all_units: bool) -> str:
    if all_units:
        return turn.t("broadcast.all_units")
    names = [u.name for u in await turn.uow.units.all() if u.id in set(unit_ids)]
    return ", ".join(names)


def _when(turn: Turn, draft: Draft) -> str:
    if draft.recurrence and draft.start:
        return turn.t("broadcast.status.repeats", rule=describe_recurrence(draft.recurrence, turn.t),
                      start=local_text(draft.start))
    return local_text(draft.start) if draft.start else turn.t("broadcast.now")


def _span(turn: Turn, data: dict[str, Any]) -> str:
    """The validity in the unit the officer chose: "3 ngày" stays days, "48 giờ" hours."""
    return window_text(turn.t, round(int(data.get("valid", 0)) / 3600, 1))


class WatchScreen:
    """The status of one broadcast, with the actions that apply now."""

    step = WATCH

    def __init__(self, ctx: BroadcastContext) -> None:
        self._ctx = ctx

    async def render(self, turn: Turn) -> Message:
        view = await self._view(turn)
        if view is None:
            return Message(text=turn.t(UnknownBroadcast.key, id=turn.state.data.get("id", 0)),
                           buttons=((option(self.step, "menu", turn.t("broadcast.button.menu")),),))
        return watch_message(turn.t, view, reach_hours=self._ctx.reach_hours)

    async def _view(self, turn: Turn) -> BroadcastView | None:
        view = await turn.uow.broadcasts.get(int(turn.state.data.get("id", 0)))
        if view is None or not may_control(turn.member, view, await turn.uow.units.all()):
            return None
        return view

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "menu":
            await go_main(turn)
            return
        view = await self._view(turn)
        if key in {a.value for a in Action} and view is not None:
            try:
                await self._act(turn, view, Action(key))
            except BulletinProblem as problem:
                refuse(turn, problem)
        await turn.show()

    async def _act(self, turn: Turn, view: BroadcastView, action: Action) -> None:
        await change_broadcast(ChangeBroadcast(view.id, action, self._ctx.clock(), turn.member),
                               turn.uow)
        turn.reply.notice = turn.t(f"broadcast.done.{action.value}")

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


class ListScreen:
    """Recent broadcasts this person may watch, newest first."""

    step = LIST

    async def render(self, turn: Turn) -> Message:
        units = await turn.uow.units.all()
        views = [v for v in await turn.uow.broadcasts.recent(50)
                 if may_control(turn.member, v, units)]
        rows = [(option(self.step, f"b.{v.id}", _line(turn, v)),) for v in views[:LIST_SIZE]]
        rows.append((option(self.step, "menu", turn.t("broadcast.button.menu")),))
        key = "broadcast.list" if len(rows) > 1 else "broadcast.list_empty"
        return Message(text=turn.t(key), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        if key == "menu":
            await go_main(turn)
            return
        turn.go(WATCH, id=int(key[2:]))
        await turn.show()

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


def _line(turn: Turn, view: BroadcastView) -> str:
    state = turn.t(f"broadcast.state.{view.status}")
    return f"#{view.id} · {state} · {local_text(view.start_at)[:10]} · {view.text[:24]}"


def refuse_resident(turn: Turn) -> bool:
    """Residents and team members are told politely that broadcasting is for officers."""
    member = turn.member
    if member is not None and member.active and member.role.is_staff:
        return False
    refuse(turn, NotAllowed())
    return True
