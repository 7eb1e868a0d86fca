"""The dialogue state machine: one Inbound in, one Reply out, state kept per (channel, user)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from handlers.domain import DialogueState, EventKind, Member, Subscriber, SubscriberStatus
from handlers.i18n import Catalog
from handlers.messages import Button, Inbound, Kind, Message, Reply, typed_only
from handlers.ports import UnitOfWork, UnitOfWorkFactory
from handlers.choosing import PENDING, choice_key, choose, typed, with_way_home
from handlers.choosing import typed_choice  # noqa: F401  (channels import it from here)

log = logging.getLogger(__name__)
MAX_PAYLOAD_BYTES = 64
MAX_TEXT_CHARS = 1000   # longer input is answered politely, never stored or echoed in full


@dataclass
class Turn:
    """Everything one step of a conversation needs, and what it has said so far."""

    inbound: Inbound
    uow: UnitOfWork
    subscriber: Subscriber
    state: DialogueState
    catalog: Catalog
    member: Member | None = None      # set when the person has a role (team member, officer...)
    screens: dict[str, Screen] = field(default_factory=dict)
    menu_items: list[Any] = field(default_factory=list)   # handlers.features.MenuItem
    reply: Reply = field(default_factory=Reply)
    pending: list[str] = field(default_factory=list)   # keys the last ambiguous answer listed
    router: GlobalRouter | None = None   # to do what was asked for once a draft is given up

    @property
    def lang(self) -> str:
        return self.subscriber.language

    def t(self, key: str, **values: object) -> str:
        key = self.catalog.variant(key, typed_only(self.inbound.channel))
        return self.catalog.t(self.lang, key, **values)

    def say(self, text: str, buttons: tuple[tuple[Button, ...], ...] = (),
            menu: tuple[tuple[str, ...], ...] | None = None) -> None:
        self.reply.messages.append(Message(text=text, buttons=buttons, menu=menu))

    def go(self, step: str, **data: object) -> None:
        self.state = DialogueState(step=step, data=dict(data))

    async def show(self) -> None:
        """Append the screen the person is now on."""
        screen = self.screens.get(self.state.step)
        if screen is not None:
            self.reply.messages.append(await screen_message(self, screen))

    def record(self, kind: EventKind, **fields: Any) -> None:
        self.uow.ledger.record(kind, channel=self.subscriber.channel,
                               unit_id=self.subscriber.unit_id, **fields)


async def screen_message(turn: Turn, screen: Screen) -> Message:
    """What a screen shows, with the way home when it has options but no way back."""
    return with_way_home(turn, screen.step, await screen.render(turn))


class Screen(Protocol):
    """A step of the conversation that shows numbered options and acts on the chosen one."""

    step: str

    async def render(self, turn: Turn) -> Message: ...
    async def choose(self, turn: Turn, key: str) -> None: ...
    async def free_text(self, turn: Turn, text: str) -> bool: ...


def option(step: str, key: str, label: str) -> Button:
    """A button whose payload names the screen it belongs to, so stale presses are recognised."""
    return Button(label=label, payload=f"{step}:{key}")


class Dialogue:
    """Routes each Inbound to the screen the person is on, inside one unit of work."""

    def __init__(self, uow_factory: UnitOfWorkFactory, catalog: Catalog,
                 screens: list[Screen], router: GlobalRouter, menu_items: list[Any] | None = None
                 ) -> None:
        self._uow_factory = uow_factory
        self._catalog = catalog
        self._screens = {screen.step: screen for screen in screens}
        self._router = router
        self._menu_items = sorted(menu_items or [], key=lambda item: item.position)

    async def handle(self, inbound: Inbound) -> Reply:
        """Answer one thing a person did; the state changes only if the whole turn succeeds.

        An update seen before gets no answer; its id is recorded with the turn's changes, so a
        turn that failed is answered when the platform hands the update out again. The id is
        recorded last: on SQLite the first write takes the database's one write lock until the
        commit, and an ordinary turn then holds it for its two writes, not for all its reads
        (a repeat, which is rare, is worked out and then thrown away unanswered)."""
        async with self._uow_factory() as uow:
            turn = await self._begin(uow, inbound)
            await self._dispatch(turn)
            if inbound.update_id and not await uow.updates.first_time(inbound.channel,
                                                                      inbound.update_id):
                log.info("duplicate update ignored", extra={"channel": inbound.channel})
                return Reply()      # the unit of work ends without a commit: nothing is kept
            # A stranger pressing buttons in an officers' group leaves no trace.
            if not inbound.in_group or turn.member is not None:
                turn.subscriber = await uow.subscribers.save(turn.subscriber)
                await uow.dialogues.put(inbound.channel, inbound.user_id, turn.state)
            await uow.commit()
        return turn.reply

    async def _begin(self, uow: UnitOfWork, inbound: Inbound) -> Turn:
        subscriber = await uow.subscribers.get(inbound.channel, inbound.user_id)
        if subscriber is None:
            subscriber = Subscriber(channel=inbound.channel, user_id=inbound.user_id,
                                    language=self._catalog.default)
        state = await uow.dialogues.get(inbound.channel, inbound.user_id) or DialogueState("new")
        member = await uow.members.get(inbound.channel, inbound.user_id)
        pending = state.data.pop(PENDING, None)
        return Turn(inbound=inbound, uow=uow, subscriber=subscriber, state=state,
                    member=member if member and member.active else None,
                    catalog=self._catalog, screens=self._screens,
                    menu_items=self._menu_items, router=self._router,
                    pending=[str(k) for k in pending] if isinstance(pending, list) else [])

    def screen(self, step: str) -> Screen | None:
        return self._screens.get(step)

    async def _dispatch(self, turn: Turn) -> None:
        inbound = turn.inbound
        if inbound.kind is Kind.BUTTON and _forged_shape(inbound.payload):
            turn.reply.notice = turn.t("error.bad_button")      # no channel sends such data
            return
        if await self._router.intercept(turn):
            return
        screen = self.screen(turn.state.step)
        if screen is None:
            await self._router.start_over(turn)
            return
        if inbound.kind is Kind.BUTTON:
            await self._pressed(turn, screen)
        elif inbound.kind is Kind.TEXT:
            await self._typed(turn, screen)
        elif not await _media(screen, turn):
            turn.say(turn.t("error.not_text"))
            await turn.show()

    async def _pressed(self, turn: Turn, screen: Screen) -> None:
        payload = turn.inbound.payload
        step = payload.split(":", 1)[0]
        key = choice_key(await screen_message(turn, screen), screen.step, payload)
        if key is None:
            turn.reply.notice = turn.t("error.old_button" if step in self._screens
                                       else "error.bad_button")
            log.info("button refused", extra={"step": turn.state.step, "stale": step in self._screens})
            await turn.show()
            return
        turn.reply.edit = True
        await choose(turn, screen, key)

    async def _typed(self, turn: Turn, screen: Screen) -> None:
        text = turn.inbound.text
        limit = getattr(screen, "max_text", MAX_TEXT_CHARS)
        if len(text) > limit and hasattr(screen, "too_long"):
            await screen.too_long(turn, text)      # e.g. a tip: offer to cut or split it
            return
        if len(text) > limit:
            turn.say(turn.t("error.too_long", limit=limit))
            await turn.show()
            return
        await typed(turn, screen, await screen_message(turn, screen))


def _forged_shape(payload: str) -> bool:
    """Callback data longer than Telegram's 64 bytes, or with control characters, is forged."""
    return len(payload.encode("utf-8", "replace")) > MAX_PAYLOAD_BYTES or not payload.isprintable()


async def _media(screen: Screen, turn: Turn) -> bool:
    """Screens that take photos, files or a location define `media(turn) -> bool`."""
    handler = getattr(screen, "media", None)
    return handler is not None and bool(await handler(turn))


class GlobalRouter(Protocol):
    """Commands and menu items that work from any screen."""

    async def intercept(self, turn: Turn) -> bool: ...
    async def start_over(self, turn: Turn) -> None: ...
    async def follow(self, turn: Turn, then: object) -> None: ...


def activate(turn: Turn, kind: EventKind) -> None:
    """Make the person an active subscriber and write the ledger event."""
    turn.subscriber.status = SubscriberStatus.ACTIVE
    turn.record(kind, data={"topics": sorted(turn.subscriber.topics)})
